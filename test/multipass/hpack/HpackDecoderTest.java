// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static multipass.hpack.AppendixCTest.assertTable;
import static multipass.hpack.AppendixCTest.decode;
import static multipass.hpack.AppendixCTest.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder's error paths (each message pinned), size updates, the header list limit and an HPACK bomb. */
class HpackDecoderTest {
    @Test
    void anEmptyBlockHasNoFields() throws HpackException {
        assertEquals(List.of(), decode(new HpackDecoder(4096, 100), ""));
    }

    @Test
    void indexZeroIsAnError() {
        assertEquals("index 0 at offset 0", error(new HpackDecoder(4096, 8192), "80"));
        assertEquals("index 0 at offset 1", error(new HpackDecoder(4096, 8192), "8280"));
    }

    @Test
    void indicesPastTheTablesAreErrors() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 8192);
        assertEquals("index 62 at offset 0 is past the end of the table (61 static and 0 dynamic entries)", error(decoder, "be"));
        decode(decoder, AppendixCTest.C_2_1);
        assertEquals(fields("custom-key", "custom-header"), decode(decoder, "be"));
        assertEquals("index 63 at offset 1 is past the end of the table (61 static and 1 dynamic entries)", error(decoder, "82bf"));
        // A literal's name index, with and without indexing, and the largest index there is.
        assertEquals("index 63 at offset 0 is past the end of the table (61 static and 1 dynamic entries)", error(decoder, "7f0000"));
        assertEquals("index 63 at offset 0 is past the end of the table (61 static and 1 dynamic entries)", error(decoder, "0f3000"));
        assertEquals("index 2147483647 at offset 0 is past the end of the table (61 static and 1 dynamic entries)",
                error(decoder, "ff80ffffff07"));
    }

    @Test
    void cutOffFieldsAreErrors() {
        HpackDecoder decoder = new HpackDecoder(4096, 8192);
        assertEquals("the block ends at offset 1 where an integer should start", error(decoder, "40"));
        assertEquals("the block ends at offset 4 where an integer should start", error(decoder, "40026b31"));
        assertEquals("the string at offset 4 claims 2 octet(s) but 1 are left in the block", error(decoder, "40026b310276"));
        assertEquals("the integer at offset 0 is cut off by the end of the block", error(decoder, "ff"));
    }

    @Test
    void huffmanErrorsNameTheStringsOffset() {
        HpackDecoder decoder = new HpackDecoder(4096, 8192);
        assertEquals("Huffman string at offset 1 contains EOS", error(decoder, "4084ffffffff00"));
        assertEquals("Huffman string at offset 2 ends in 8 bits of padding (at most 7)", error(decoder, "0f0081ff"));
        assertEquals("Huffman string at offset 3 has padding that is not all ones", error(decoder, "00011f8118"));
    }

    @Test
    void sizeUpdatesOpenABlockAndEvict() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 8192);
        decode(decoder, String.join("", AppendixCTest.C_3));
        assertTable(decoder, 164, "custom-key", "custom-value", "cache-control", "no-cache", ":authority", "www.example.com");
        // To 110: the oldest goes. Then 0 and back to 4096 (two updates), then a field.
        assertEquals(List.of(), decode(decoder, "3f4f"));
        assertTable(decoder, 107, "custom-key", "custom-value", "cache-control", "no-cache");
        assertEquals(fields(":method", "GET"), decode(decoder, "203fe11f82"));
        assertTable(decoder, 0);
        assertEquals("dynamic table size update at offset 2 is one too many (at most 2 may open a block)", error(decoder, "202020"));
    }

    @Test
    void anEntryLargerThanTheTableEmptiesItAndIsNotAdded() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(100, 8192);
        decode(decoder, AppendixCTest.C_2_1);
        assertTable(decoder, 55, "custom-key", "custom-header");
        // 2 + 67 + 32 = 101 octets: the field is decoded, but the table ends empty (section 4.4).
        String value = "v".repeat(67);
        HeaderBlock block = decoder.decode(ByteBuffer.wrap(literalWithIndexing("kk", value)));
        assertEquals(fields("kk", value), block.fields());
        assertTable(decoder, 0);
        assertEquals("index 62 at offset 0 is past the end of the table (61 static and 0 dynamic entries)", error(decoder, "be"));
    }

    @Test
    void aSizeUpdateAfterAFieldIsAnError() {
        HpackDecoder decoder = new HpackDecoder(4096, 8192);
        assertEquals("dynamic table size update at offset 1 after a header field (only at the start of a block)", error(decoder, "8220"));
        assertEquals("dynamic table size update at offset 2 after a header field (only at the start of a block)", error(decoder, "20823f00"));
    }

    @Test
    void aSizeUpdatePastOurLimitIsAnError() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(256, 8192);
        assertEquals("dynamic table size update at offset 0 to 257 exceeds our limit 256", error(decoder, "3fe201"));
        assertEquals(List.of(), decode(decoder, "3fe101"));
        assertEquals("the integer at offset 0 exceeds 2147483647", error(decoder, "3fe1ffffff0f"));
    }

    @Test
    void aListPastTheLimitIsDecodedButDropped() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 100);
        // Two literals with incremental indexing of 55 and 54 octets: 109 > 100.
        HeaderBlock block = decoder.decode(bytes(AppendixCTest.C_2_1 + "400a637573746f6d2d6b65790c637573746f6d2d76616c7565"));
        assertTrue(block.tooLarge());
        assertEquals(List.of(), block.fields());
        // The table kept in step, and the next block starts a new list.
        assertTable(decoder, 109, "custom-key", "custom-value", "custom-key", "custom-header");
        // One octet more room and the same block fits.
        assertEquals(fields("custom-key", "custom-header", "custom-key", "custom-value"),
                decode(new HpackDecoder(4096, 109), AppendixCTest.C_2_1 + "400a637573746f6d2d6b65790c637573746f6d2d76616c7565"));
        assertEquals(fields("custom-key", "custom-header"), decode(decoder, "bf"));
        // Errors after the limit are still errors.
        assertEquals("index 0 at offset 2", error(decoder, "bebe80"));
    }

    @Test
    void aListFarOverTheLimitCostsNoMemory() throws HpackException {
        HpackDecoder decoder = bombed();
        // 200 references to the 4 KiB entry: 806,600 octets of list, under 64 times the limit:
        // decoded to the end (the table stays in step), nothing kept.
        byte[] references = references(200);
        ByteBuffer block = ByteBuffer.wrap(references);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        decoder.decode(ByteBuffer.wrap(references, 0, 10)); // warm up: the first run of a path may load classes
        long before = threads.getCurrentThreadAllocatedBytes();
        HeaderBlock decoded = decoder.decode(block);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(decoded.tooLarge());
        assertEquals(List.of(), decoded.fields());
        assertFalse(block.hasRemaining());
        assertTrue(allocated < 16 * 1024, "decoding the block allocated " + allocated + " bytes");
    }

    @Test
    void anHpackBombStopsTheDecoding() throws HpackException {
        HpackDecoder decoder = bombed();
        // 100,000 references: a header list of 403 MB in a 100 KB block. Decoding stops once the
        // list passes 64 times the limit (1 MiB), 260 references in.
        ByteBuffer block = ByteBuffer.wrap(references(100_000));
        HpackException e = assertThrows(HpackException.class, () -> decoder.decode(block));
        assertTrue(e.isBomb());
        assertEquals("header list past 64 times the limit of 16384 octets at offset 260 of a 100000-octet block (an HPACK bomb)",
                e.getMessage());
        assertEquals(100_000 - 260, block.remaining(), "the rest is never read");
        assertFalse(assertThrows(HpackException.class, () -> new HpackDecoder(4096, 100).decode(bytes("80"))).isBomb(),
                "a broken block is no bomb");
    }

    /** {@code count} one-octet references to dynamic entry 62 (0xBE: indexed, 62). */
    private static byte[] references(int count) {
        byte[] block = new byte[count];
        Arrays.fill(block, (byte) 0xBE);
        return block;
    }

    /** A decoder with a 16 KiB list limit whose dynamic table holds one entry of 4,033 octets, index 62. */
    private static HpackDecoder bombed() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 16384);
        String value = "a".repeat(4000);
        decoder.decode(ByteBuffer.wrap(literalWithIndexing("x", value)));
        assertTable(decoder, 4033, "x", value);
        return decoder;
    }

    @Test
    void negativeLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new HpackDecoder(-1, 100));
        assertThrows(IllegalArgumentException.class, () -> new HpackDecoder(100, -1));
    }

    /** A literal with incremental indexing and a literal name (section 6.2.1), strings not Huffman-coded. */
    static byte[] literalWithIndexing(String name, String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x40);
        for (String s : List.of(name, value)) {
            HpackEncoder.writeInteger(out, 0, 7, s.length());
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    static ByteBuffer bytes(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex));
    }

    static String error(HpackDecoder decoder, String hex) {
        return assertThrows(HpackException.class, () -> decoder.decode(bytes(hex))).getMessage();
    }
}
