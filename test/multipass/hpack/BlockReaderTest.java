// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Prefixed integers (RFC 7541 section 5.1, Appendix C.1) and string literals (section 5.2), with their limits. */
class BlockReaderTest {
    @Test
    void appendixC1Integers() throws HpackException {
        assertEquals(10, reader("ea").readInteger(5)); // C.1.1: the flag bits above the prefix are ignored
        assertEquals(1337, reader("1f9a0a").readInteger(5)); // C.1.2
        assertEquals(42, reader("2a").readInteger(8)); // C.1.3
    }

    @Test
    void integersRoundTripThroughTheEncodersWriterUpToTheLimit() throws HpackException {
        for (int prefix = 1; prefix <= 8; prefix++) {
            for (int value : new int[] {0, 1, (1 << prefix) - 2, (1 << prefix) - 1, 1 << prefix, 127, 128, 16_383, 16_384,
                1 << 28, Integer.MAX_VALUE - 1, Integer.MAX_VALUE}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                HpackEncoder.writeInteger(out, 0, prefix, value);
                BlockReader in = new BlockReader(ByteBuffer.wrap(out.toByteArray()));
                assertEquals(value, in.readInteger(prefix), "value " + value + " prefix " + prefix);
                assertFalse(in.hasRemaining());
            }
        }
    }

    @Test
    void integersPastTheLimitAreRefused() {
        // 31 + 0x7FFFFFE0 + 1: one past 2^31 - 1.
        assertEquals("the integer at offset 0 exceeds 2147483647", integerError("1fe1ffffff07", 5));
        assertEquals("the integer at offset 0 exceeds 2147483647", integerError("ffffffffff0f", 7));
        assertEquals("the integer at offset 0 exceeds 2147483647", integerError("ffffffffffff", 8));
    }

    @Test
    void zeroPaddedIntegersEndAfterFiveContinuationOctets() {
        assertEquals("the integer at offset 0 has more than 5 continuation octets", integerError("ff808080808000", 7));
        assertEquals("the integer at offset 0 has more than 5 continuation octets", integerError("ff8080808080", 7));
    }

    @Test
    void integersCutOffAreRefused() {
        assertEquals("the block ends at offset 0 where an integer should start", integerError("", 7));
        assertEquals("the integer at offset 0 is cut off by the end of the block", integerError("ff", 7));
        assertEquals("the integer at offset 0 is cut off by the end of the block", integerError("ff80", 7));
    }

    @Test
    void stringsPlainAndHuffman() throws HpackException {
        BlockReader in = reader("0a637573746f6d2d6b65798cf1e3c2e5f23a6ba0ab90f4ff00");
        assertEquals("custom-key", in.readString());
        assertEquals("www.example.com", in.readString());
        assertEquals("", in.readString());
        assertFalse(in.hasRemaining());
    }

    @Test
    void stringLengthsAreCheckedAgainstTheBlockBeforeAnyAllocation() {
        assertEquals("the string at offset 0 claims 5 octet(s) but 1 are left in the block", stringError("0561"));
        assertEquals("the string at offset 0 claims 1 octet(s) but 0 are left in the block", stringError("81"));
        // 2^31 - 1 claimed: refused without a 2 GiB array.
        assertEquals("the string at offset 0 claims 2147483647 octet(s) but 0 are left in the block", stringError("7f80ffffff07"));
    }

    private static BlockReader reader(String hex) {
        return new BlockReader(ByteBuffer.wrap(HexFormat.of().parseHex(hex)));
    }

    private static String integerError(String hex, int prefix) {
        return assertThrows(HpackException.class, () -> reader(hex).readInteger(prefix)).getMessage();
    }

    private static String stringError(String hex) {
        return assertThrows(HpackException.class, () -> reader(hex).readString()).getMessage();
    }
}
