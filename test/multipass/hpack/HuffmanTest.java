// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Huffman code rebuilt from Appendix B's lengths: its codes, completeness, round trips and padding rules. */
class HuffmanTest {
    @Test
    void codesRebuiltFromTheLengthsAreAppendixBs() {
        // sym, code as hex, len: rows of RFC 7541 Appendix B.
        int[][] rows = {{0, 0x1ff8, 13}, {10, 0x3ffffffc, 30}, {' ', 0x14, 6}, {'0', 0x0, 5}, {'a', 0x3, 5}, {'z', 0x7b, 7},
            {127, 0xffffffc, 28}, {200, 0x3ffffe2, 26}, {255, 0x3ffffee, 26}, {Huffman.EOS, 0x3fffffff, 30}};
        for (int[] row : rows) {
            assertEquals(row[2], Huffman.length(row[0]), "length of " + row[0]);
            assertEquals(row[1], Huffman.code(row[0]), "code of " + row[0]);
        }
    }

    @Test
    void theCodeIsComplete() {
        // Kraft's sum is exactly 1, so every bit string starts with a code: decoding never runs past 30 bits.
        long sum = 0;
        for (int symbol = 0; symbol <= Huffman.EOS; symbol++) {
            sum += 1L << (Huffman.MAX_CODE_LENGTH - Huffman.length(symbol));
        }
        assertEquals(1L << Huffman.MAX_CODE_LENGTH, sum);
    }

    @Test
    void everyOctetRoundTrips() throws HpackException {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c < 256; c++) {
            all.append((char) c);
            String one = String.valueOf((char) c);
            assertEquals(one, roundTrip(one));
        }
        assertEquals(all.toString(), roundTrip(all.toString()));
        assertEquals("", roundTrip(""));
    }

    @Test
    void appendixC4WwwExampleCom() throws HpackException {
        byte[] coded = HexFormat.of().parseHex("f1e3c2e5f23a6ba0ab90f4ff");
        assertEquals("www.example.com", Huffman.decode(ByteBuffer.wrap(coded), coded.length, 0));
        assertEquals(coded.length, Huffman.encodedLength("www.example.com"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Huffman.encode("www.example.com", out);
        assertEquals(HexFormat.of().formatHex(coded), HexFormat.of().formatHex(out.toByteArray()));
    }

    @Test
    void eosInAStringIsAnError() {
        assertEquals("Huffman string at offset 9 contains EOS", decodeError("ffffffff"));
        // 'a' (00011) then EOS, then padding.
        assertEquals("Huffman string at offset 9 contains EOS", decodeError("1fffffffff"));
    }

    @Test
    void paddingMustBeShorterThanEightBitsAndAllOnes() throws HpackException {
        assertEquals("Huffman string at offset 9 ends in 8 bits of padding (at most 7)", decodeError("ff"));
        assertEquals("Huffman string at offset 9 ends in 11 bits of padding (at most 7)", decodeError("1fff"));
        assertEquals("Huffman string at offset 9 has padding that is not all ones", decodeError("18"));
        assertEquals("Huffman string at offset 9 has padding that is not all ones", decodeError("1e"));
        byte[] a = {0x1f};
        assertEquals("a", Huffman.decode(ByteBuffer.wrap(a), 1, 0));
    }

    private static String roundTrip(String s) throws HpackException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Huffman.encode(s, out);
        byte[] coded = out.toByteArray();
        assertEquals(Huffman.encodedLength(s), coded.length);
        return Huffman.decode(ByteBuffer.wrap(coded), coded.length, 0);
    }

    private static String decodeError(String hex) {
        byte[] coded = HexFormat.of().parseHex(hex);
        return assertThrows(HpackException.class, () -> Huffman.decode(ByteBuffer.wrap(coded), coded.length, 9)).getMessage();
    }

    @Test
    void decodedStringsAreOneCharPerOctet() throws HpackException {
        String high = new String(new byte[] {(byte) 0xE9, (byte) 0xFF, 0}, StandardCharsets.ISO_8859_1);
        assertEquals(high, roundTrip(high));
    }
}
