// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Sizes}: Multipass's size syntax, strictly, and sizes written back for people. */
class SizesTest {
    @ParameterizedTest
    @CsvSource({
            "1G, 1073741824", "1g, 1073741824", "1GB, 1073741824", "1GiB, 1073741824", "5GiB, 5368709120", "5gib, 5368709120",
            "512M, 536870912", "512MB, 536870912", "512MiB, 536870912", "1K, 1024", "1KiB, 1024", "1024, 1024", "1024B, 1024",
            "0, 0", "1.5G, 1610612736", "0.5M, 524288", "1.0001K, 1024", "007M, 7340032", "8388608G, 9007199254740992"})
    void parsesMultipassSizes(String text, long bytes) {
        assertEquals(bytes, Sizes.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1G", "+1G", "G", "1T", "1 G", " 1G", "1G ", "1.5", "1.G", ".5G", "1,5G", "1GG", "1Gi", "1iB", "ten",
            "1e3", "\u0661G", "0x10"})
    void rejectsWhatIsNotASizeNamingTheValue(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void refusesSizesTooLargeForALong() {
        assertEquals("'8589934592G' is too large a size", assertThrows(IllegalArgumentException.class, () -> Sizes.parse("8589934592G")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("9223372036854775808"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("1".repeat(40)));
        assertEquals(Long.MAX_VALUE, Sizes.parse("9223372036854775807"));
    }

    @ParameterizedTest
    @CsvSource({"0, 0B", "1023, 1023B", "1024, 1KiB", "536870912, 512MiB", "1073741824, 1GiB", "1610612736, 1.5GiB",
            "5368709120, 5GiB", "2147483647, 1.9GiB", "1099511627776, 1TiB"})
    void humanReadableSizes(long bytes, String text) {
        assertEquals(text, Sizes.human(bytes));
    }
}
