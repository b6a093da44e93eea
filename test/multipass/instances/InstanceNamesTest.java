// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link InstanceNames}: Multipass's host name rule, and generated names that are valid and free. */
class InstanceNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "web", "web-1", "a1", "primary", "x-y-z", "UPPER-case9"})
    void acceptsHostNameLabels(String name) {
        assertTrue(InstanceNames.isValid(name));
        assertEquals(name, InstanceNames.require(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1web", "-web", "web-", "web_1", "web.1", "we b", "wéb", "web\n", "a--", "\u0661"})
    void rejectsOthersNamingTheValueAndTheRule(String name) {
        assertFalse(InstanceNames.isValid(name));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InstanceNames.require(name));
        assertEquals("Invalid instance name supplied: '" + name + "'. " + InstanceNames.RULE, e.getMessage());
    }

    @Test
    void atMost63Characters() {
        assertTrue(InstanceNames.isValid("a".repeat(63)));
        assertFalse(InstanceNames.isValid("a".repeat(64)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InstanceNames.require("a".repeat(64))).getMessage()
                .endsWith("At most 63 characters."));
    }

    @Test
    void generatedNamesArePetStyleValidAndFree() {
        Random random = new Random(42);
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < 3000; i++) { // more than the 1,936 adjective-animal pairs: the numbered fallback is used too
            String name = InstanceNames.generate(random, taken::contains);
            assertTrue(InstanceNames.isValid(name), name);
            assertTrue(name.matches("[a-z]+-[a-z]+(-[0-9]+)?"), name);
            assertTrue(taken.add(name), "generated a taken name: " + name);
        }
    }
}
