// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static multipass.hpack.AppendixCTest.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The encoder's representations, its Huffman choice, its size updates, and round trips through the decoder. */
class HpackEncoderTest {
    @Test
    void staticMatchesAreIndexed() {
        assertEquals("828788", hex(new HpackEncoder().encode(fields(":method", "GET", ":scheme", "https", ":status", "200"))));
    }

    @Test
    void staticNamesAreIndexedInLiteralsWithoutIndexing() {
        // content-type is static entry 31: 0000 1111, then 31 - 15 = 16.
        byte[] block = new HpackEncoder().encode(fields("content-type", "application/grpc"));
        long huffman = Huffman.encodedLength("application/grpc");
        assertEquals("0f10" + hex(new byte[] {(byte) (0x80 | huffman)}), hex(block).substring(0, 6));
        assertEquals(3 + huffman, block.length);
        // :path's first static entry is 4.
        assertEquals("04", hex(new HpackEncoder().encode(fields(":path", "/multipass.Rpc/Ping"))).substring(0, 2));
    }

    @Test
    void otherNamesAreLiteral() {
        byte[] block = new HpackEncoder().encode(fields("grpc-status", "0"));
        assertEquals(0x00, block[0]);
        assertEquals(1 + 1 + Huffman.encodedLength("grpc-status") + 2, block.length); // "0" is 5 bits: one octet either way, raw
        assertEquals("0130", hex(block).substring(hex(block).length() - 4));
    }

    @Test
    void huffmanOnlyWhenShorter() {
        // "aaaa": 4 x 00011 and 1111 of padding, 3 octets instead of 4.
        assertEquals("0f108318c63f", hex(new HpackEncoder().encode(fields("content-type", "aaaa"))));
        // "a": one octet either way, so raw; octets with long codes stay raw.
        assertEquals("0f100161", hex(new HpackEncoder().encode(fields("content-type", "a"))));
        assertEquals("0f1002fffe", hex(new HpackEncoder().encode(fields("content-type", "\u00ff\u00fe"))));
        assertEquals("9f", hex(new HpackEncoder().encode(fields("content-type", ""))), "an empty value matches the static entry");
    }

    @Test
    void aLowerPeerTableSizeOpensTheNextBlockWithAnUpdateToZero() throws HpackException {
        HpackEncoder encoder = new HpackEncoder();
        encoder.peerMaxTableSize(4096);
        encoder.peerMaxTableSize(65536);
        assertEquals("82", hex(encoder.encode(fields(":method", "GET"))));
        encoder.peerMaxTableSize(1024);
        byte[] block = encoder.encode(fields(":method", "GET"));
        assertEquals("2082", hex(block));
        assertEquals(fields(":method", "GET"), new HpackDecoder(1024, 8192).decode(ByteBuffer.wrap(block)).fields());
        assertEquals("82", hex(encoder.encode(fields(":method", "GET"))));
        encoder.peerMaxTableSize(0);
        encoder.peerMaxTableSize(100);
        assertEquals("82", hex(encoder.encode(fields(":method", "GET"))), "0 is below any setting: nothing more to signal");
        assertEquals("20", hex(withUpdate().encode(List.of())), "an empty block still carries the update");
        assertThrows(IllegalArgumentException.class, () -> new HpackEncoder().peerMaxTableSize(-1));
    }

    @Test
    void charsAboveAnOctetAreTheCallersBug() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HpackEncoder().encode(fields("x-name", "caf\u0113")));
        assertEquals("header char U+113 at index 3 is not an octet (ISO-8859-1)", e.getMessage());
    }

    @Test
    void randomFieldsRoundTripWithoutTouchingTheTable() throws HpackException {
        Random random = new Random(0x4AC3);
        HpackEncoder encoder = new HpackEncoder();
        HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);
        for (int round = 0; round < 500; round++) {
            List<HeaderField> fields = new ArrayList<>();
            for (int i = random.nextInt(8); i > 0; i--) {
                fields.add(random.nextInt(3) == 0 ? StaticTable.get(1 + random.nextInt(StaticTable.LENGTH))
                        : new HeaderField(random.nextBoolean() ? StaticTable.get(1 + random.nextInt(StaticTable.LENGTH)).name()
                                : octets(random, 1 + random.nextInt(20)), octets(random, random.nextInt(300))));
            }
            HeaderBlock block = decoder.decode(ByteBuffer.wrap(encoder.encode(fields)));
            assertEquals(fields, block.fields());
            assertFalse(block.tooLarge());
            assertEquals(0, decoder.dynamicCount());
        }
    }

    /** Mostly printable ASCII (Huffman pays), sometimes any octet (raw pays). */
    private static String octets(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        boolean any = random.nextInt(4) == 0;
        for (int i = 0; i < length; i++) {
            s.append((char) (any ? random.nextInt(256) : 0x20 + random.nextInt(0x5F)));
        }
        return s.toString();
    }

    private static HpackEncoder withUpdate() {
        HpackEncoder encoder = new HpackEncoder();
        encoder.peerMaxTableSize(0);
        return encoder;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
