// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The header block examples of RFC 7541 Appendix C.2 to C.6, decoded, with the dynamic table's
 * entries and size after each block as the RFC lists them. The blocks are also the fuzz corpus
 * ({@link #BLOCKS}).
 */
class AppendixCTest {
    static final String C_2_1 = "400a637573746f6d2d6b65790d637573746f6d2d686561646572";
    static final String C_2_2 = "040c2f73616d706c652f70617468";
    static final String C_2_3 = "100870617373776f726406736563726574";
    static final String C_2_4 = "82";
    static final String[] C_3 = {"828684410f7777772e6578616d706c652e636f6d", "828684be58086e6f2d6361636865",
        "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565"};
    static final String[] C_4 = {"828684418cf1e3c2e5f23a6ba0ab90f4ff", "828684be5886a8eb10649cbf",
        "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"};
    static final String[] C_5 = {
        "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f"
            + "7777772e6578616d706c652e636f6d",
        "4803333037c1c0bf",
        "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a"
            + "584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31"};
    static final String[] C_6 = {
        "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
        "4883640effc1c0bf",
        "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672"
            + "c1ab270fb5291f9587316065c003ed4ee5b1063d5007"};
    /** Every example block, for the fuzz corpus. */
    static final List<String> BLOCKS = blocks();

    private static final List<HeaderField> REQUEST_1 = fields(":method", "GET", ":scheme", "http", ":path", "/", ":authority",
            "www.example.com");
    private static final List<HeaderField> REQUEST_2 = fields(":method", "GET", ":scheme", "http", ":path", "/", ":authority",
            "www.example.com", "cache-control", "no-cache");
    private static final List<HeaderField> REQUEST_3 = fields(":method", "GET", ":scheme", "https", ":path", "/index.html",
            ":authority", "www.example.com", "custom-key", "custom-value");
    private static final String DATE_1 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private static final String DATE_2 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private static final String LOCATION = "https://www.example.com";
    private static final String COOKIE = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";
    private static final List<HeaderField> RESPONSE_1 = fields(":status", "302", "cache-control", "private", "date", DATE_1,
            "location", LOCATION);
    private static final List<HeaderField> RESPONSE_2 = fields(":status", "307", "cache-control", "private", "date", DATE_1,
            "location", LOCATION);
    private static final List<HeaderField> RESPONSE_3 = fields(":status", "200", "cache-control", "private", "date", DATE_2,
            "location", LOCATION, "content-encoding", "gzip", "set-cookie", COOKIE);

    @Test
    void c2LiteralsAndIndexedFields() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 65536);
        assertEquals(fields("custom-key", "custom-header"), decode(decoder, C_2_1));
        assertTable(decoder, 55, "custom-key", "custom-header");
        decoder = new HpackDecoder(4096, 65536);
        assertEquals(fields(":path", "/sample/path"), decode(decoder, C_2_2));
        assertTable(decoder, 0);
        assertEquals(fields("password", "secret"), decode(decoder, C_2_3));
        assertTable(decoder, 0);
        assertEquals(fields(":method", "GET"), decode(decoder, C_2_4));
        assertTable(decoder, 0);
    }

    @Test
    void c3RequestsWithoutHuffman() throws HpackException {
        requests(C_3);
    }

    @Test
    void c4RequestsWithHuffman() throws HpackException {
        requests(C_4);
    }

    @Test
    void c5ResponsesWithoutHuffmanEvicting() throws HpackException {
        responses(C_5);
    }

    @Test
    void c6ResponsesWithHuffmanEvicting() throws HpackException {
        responses(C_6);
    }

    private static void requests(String[] blocks) throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 65536);
        assertEquals(REQUEST_1, decode(decoder, blocks[0]));
        assertTable(decoder, 57, ":authority", "www.example.com");
        assertEquals(REQUEST_2, decode(decoder, blocks[1]));
        assertTable(decoder, 110, "cache-control", "no-cache", ":authority", "www.example.com");
        assertEquals(REQUEST_3, decode(decoder, blocks[2]));
        assertTable(decoder, 164, "custom-key", "custom-value", "cache-control", "no-cache", ":authority", "www.example.com");
    }

    private static void responses(String[] blocks) throws HpackException {
        HpackDecoder decoder = new HpackDecoder(256, 65536);
        assertEquals(RESPONSE_1, decode(decoder, blocks[0]));
        assertTable(decoder, 222, "location", LOCATION, "date", DATE_1, "cache-control", "private", ":status", "302");
        assertEquals(RESPONSE_2, decode(decoder, blocks[1]));
        assertTable(decoder, 222, ":status", "307", "location", LOCATION, "date", DATE_1, "cache-control", "private");
        assertEquals(RESPONSE_3, decode(decoder, blocks[2]));
        assertTable(decoder, 215, "set-cookie", COOKIE, "content-encoding", "gzip", "date", DATE_2);
    }

    static List<HeaderField> decode(HpackDecoder decoder, String hex) throws HpackException {
        HeaderBlock block = decoder.decode(ByteBuffer.wrap(HexFormat.of().parseHex(hex)));
        assertFalse(block.tooLarge());
        return block.fields();
    }

    /** The dynamic table holds these name, value pairs, newest first, and its size is {@code size}. */
    static void assertTable(HpackDecoder decoder, long size, String... namesAndValues) {
        List<HeaderField> entries = new ArrayList<>();
        for (int i = 0; i < decoder.dynamicCount(); i++) {
            entries.add(decoder.dynamicEntry(i));
        }
        assertEquals(fields(namesAndValues), entries);
        assertEquals(size, decoder.dynamicSize());
    }

    static List<HeaderField> fields(String... namesAndValues) {
        List<HeaderField> fields = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.add(new HeaderField(namesAndValues[i], namesAndValues[i + 1]));
        }
        return fields;
    }

    private static List<String> blocks() {
        List<String> blocks = new ArrayList<>(List.of(C_2_1, C_2_2, C_2_3, C_2_4));
        for (String[] sequence : List.of(C_3, C_4, C_5, C_6)) {
            blocks.addAll(List.of(sequence));
            blocks.add(String.join("", sequence)); // one block: later fields may reference entries the earlier ones added
        }
        return List.copyOf(blocks);
    }
}
