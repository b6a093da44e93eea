// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A table of {@code [Limits]} keys: defaults, overrides, bad numbers, low values, unknown keys. */
class LimitValuesTest {
    private static final Limit WAIT = Limit.seconds("wait_seconds", 5, 1);
    private static final Limit SLOTS = Limit.count("slots", 2, 0);
    private static final List<Limit> TABLE = List.of(WAIT, SLOTS);

    @Test
    void absentKeysHaveTheirDefaultsAndOthersAreLeftAlone() {
        LimitValues values = LimitValues.read(TABLE, Map.of("someone_elses", "x"));
        assertEquals(Duration.ofSeconds(5), values.seconds(WAIT));
        assertEquals(2, values.count(SLOTS));
    }

    @Test
    void overridesAreReadWithSpaces() {
        LimitValues values = LimitValues.read(TABLE, Map.of("wait_seconds", " 7 ", "slots", "0"));
        assertEquals(Duration.ofSeconds(7), values.seconds(WAIT));
        assertEquals(0, values.count(SLOTS));
    }

    @Test
    void badValuesNameTheLine() {
        Exception notNumber = assertThrows(LimitValues.InvalidLimitException.class, () -> LimitValues.read(TABLE, Map.of("slots", "many")));
        assertEquals("[Limits] slots=many is not a whole number", notNumber.getMessage());
        Exception tooLow = assertThrows(LimitValues.InvalidLimitException.class, () -> LimitValues.read(TABLE, Map.of("wait_seconds", "0")));
        assertTrue(tooLow.getMessage().startsWith("[Limits] wait_seconds=0 is out of range"), tooLow.getMessage());
    }

    @Test
    void anUnknownKeyIsNamedWithTheKnownOnes() {
        LimitValues.requireKnown(Map.of("slots", "1"), TABLE);
        Exception unknown = assertThrows(LimitValues.InvalidLimitException.class, () -> LimitValues.requireKnown(Map.of("slot", "1"), TABLE));
        assertEquals("unknown key 'slot'; known keys: [slots, wait_seconds]", unknown.getMessage());
    }

    @Test
    void aKeyIsReadOnlyInItsOwnUnit() {
        LimitValues values = LimitValues.read(List.of(WAIT, SLOTS), Map.of());
        assertEquals(Duration.ofSeconds(5), values.seconds(WAIT));
        assertEquals(2, values.count(SLOTS));
        assertThrows(IllegalStateException.class, () -> values.count(WAIT));
        assertThrows(IllegalStateException.class, () -> values.seconds(SLOTS));
    }
}
