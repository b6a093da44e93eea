// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link LaunchSpec}: Multipass's defaults and minimums, and messages that name the bad value. */
class LaunchSpecTest {
    @Test
    void defaults() {
        LaunchSpec spec = LaunchSpec.parse(null, null, null, null, null);
        assertNull(spec.name());
        assertEquals("24.04", spec.image());
        assertEquals(1, spec.cpus());
        assertEquals(1L << 30, spec.memoryBytes());
        assertEquals(5L << 30, spec.diskBytes());
    }

    @Test
    void givenValues() {
        assertEquals(new LaunchSpec("web", "noble", 4, 1536L << 20, 20L << 30), LaunchSpec.parse("web", "noble", "4", "1.5G", "20GiB"));
        assertEquals(new LaunchSpec(null, "daily:25.04", 1, 128L << 20, 512L << 20), LaunchSpec.parse(null, "daily:25.04", "1", "128M", "512M"));
    }

    @Test
    void cpuCountMustBeAPositiveInteger() {
        for (String cpus : new String[] {"0", "-1", "1.5", "two", "", " 1", "+1", "99999999999"}) {
            assertEquals("invalid CPU count '" + cpus + "', need a positive integer value", message(() -> LaunchSpec.parse(null, null, cpus, null, null)));
        }
    }

    @Test
    void sizesMustParseAndMeetTheMinimums() {
        assertEquals("invalid memory size: '-1G' is not a valid size: use a positive integer in bytes, or a decimal with a K, M or G suffix"
                + " (e.g. 512M, 1.5G)", message(() -> LaunchSpec.parse(null, null, null, "-1G", null)));
        assertEquals("invalid disk size: 'lots' is not a valid size: use a positive integer in bytes, or a decimal with a K, M or G suffix"
                + " (e.g. 512M, 1.5G)", message(() -> LaunchSpec.parse(null, null, null, null, "lots")));
        assertEquals("memory size 127MiB is less than the minimum of 128M", message(() -> LaunchSpec.parse(null, null, null, "127M", null)));
        assertEquals("disk size 0B is less than the minimum of 512M", message(() -> LaunchSpec.parse(null, null, null, null, "0")));
    }

    @Test
    void nameAndImageAreChecked() {
        assertEquals("Invalid instance name supplied: 'no_good'. " + InstanceNames.RULE, message(() -> LaunchSpec.parse("no_good", null, null, null, null)));
        assertEquals("invalid image 'a b': give a release (e.g. 24.04), a codename or an alias, of letters, digits and . : _ -",
                message(() -> LaunchSpec.parse(null, "a b", null, null, null)));
        assertEquals("invalid image '': give a release (e.g. 24.04), a codename or an alias, of letters, digits and . : _ -",
                message(() -> LaunchSpec.parse(null, "", null, null, null)));
    }

    private static String message(org.junit.jupiter.api.function.Executable parse) {
        return assertThrows(IllegalArgumentException.class, parse).getMessage();
    }
}
