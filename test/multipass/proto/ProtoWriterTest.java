// SPDX-License-Identifier: Apache-2.0
package multipass.proto;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link ProtoWriter}: byte vectors from the encoding guide and protoc. */
class ProtoWriterTest {
    private static String hex(ProtoWriter writer) {
        return java.util.HexFormat.of().formatHex(writer.toByteArray());
    }

    @Test
    void varints() {
        assertEquals("08ac02", hex(new ProtoWriter().writeInt32(1, 300)));
        assertEquals("0801", hex(new ProtoWriter().writeInt32(1, 1)));
        assertEquals("087f", hex(new ProtoWriter().writeInt32(1, 127)));
        assertEquals("088001", hex(new ProtoWriter().writeInt32(1, 128)));
        assertEquals("08ffffffffffffffffff01", hex(new ProtoWriter().writeInt32(1, -1)), "a negative int32 is ten bytes");
        assertEquals("0880808080f8ffffffff01", hex(new ProtoWriter().writeInt32(1, Integer.MIN_VALUE)));
        assertEquals("08ffffffff07", hex(new ProtoWriter().writeInt32(1, Integer.MAX_VALUE)));
        assertEquals("08ffffffffffffffffff01", hex(new ProtoWriter().writeInt64(1, -1L)));
        assertEquals("08ffffffffffffffff7f", hex(new ProtoWriter().writeInt64(1, Long.MAX_VALUE)));
        assertEquals("08ffffffff0f", hex(new ProtoWriter().writeUint32(1, -1)), "uint32 max is five bytes");
        assertEquals("08ffffffffffffffffff01", hex(new ProtoWriter().writeUint64(1, -1L)), "uint64 max");
        assertEquals("0801", hex(new ProtoWriter().writeBool(1, true)));
        assertEquals("0802", hex(new ProtoWriter().writeEnum(1, 2)));
    }

    @Test
    void zigzag() {
        assertEquals("0801", hex(new ProtoWriter().writeSint32(1, -1)));
        assertEquals("0802", hex(new ProtoWriter().writeSint32(1, 1)));
        assertEquals("0803", hex(new ProtoWriter().writeSint32(1, -2)));
        assertEquals("08feffffff0f", hex(new ProtoWriter().writeSint32(1, Integer.MAX_VALUE)));
        assertEquals("08ffffffff0f", hex(new ProtoWriter().writeSint32(1, Integer.MIN_VALUE)));
        assertEquals("0801", hex(new ProtoWriter().writeSint64(1, -1L)));
        assertEquals("08ffffffffffffffffff01", hex(new ProtoWriter().writeSint64(1, Long.MIN_VALUE)));
    }

    @Test
    void fixedWidthsAreLittleEndian() {
        assertEquals("0d78563412", hex(new ProtoWriter().writeFixed32(1, 0x12345678)));
        assertEquals("0dffffffff", hex(new ProtoWriter().writeFixed32(1, -1)));
        assertEquals("090807060504030201", hex(new ProtoWriter().writeFixed64(1, 0x0102030405060708L)));
    }

    @Test
    void lengthDelimited() {
        assertEquals("120774657374696e67", hex(new ProtoWriter().writeString(2, "testing")));
        assertEquals("1203e282ac", hex(new ProtoWriter().writeString(2, "\u20ac")));
        assertEquals("1204f09f9880", hex(new ProtoWriter().writeString(2, "\ud83d\ude00")), "a surrogate pair is one code point");
        assertEquals("1a03000102", hex(new ProtoWriter().writeBytes(3, new byte[] {0, 1, 2})));
        assertEquals("1a00", hex(new ProtoWriter().writeMessage(3, new byte[0])), "an empty message is still written");
        assertEquals("1a020801", hex(new ProtoWriter().writeMessage(3, new ProtoWriter().writeInt32(1, 1).toByteArray())));
        String longString = "a".repeat(200);
        assertEquals("0ac801" + "61".repeat(200), hex(new ProtoWriter().writeString(1, longString)));
    }

    @Test
    void defaultsAreNotWrittenButPresenceAndRepeatedElementsAre() {
        ProtoWriter writer = new ProtoWriter().writeInt32(1, 0).writeInt64(2, 0).writeUint32(3, 0).writeUint64(4, 0).writeSint32(5, 0)
                .writeSint64(6, 0).writeBool(7, false).writeEnum(8, 0).writeFixed32(9, 0).writeFixed64(10, 0).writeString(11, "")
                .writeBytes(12, new byte[0]).writeRepeatedString(13, List.of()).writePackedInt32(14, List.of())
                .writePackedInt64(15, List.of());
        assertEquals("", hex(writer));
        assertEquals(0, writer.size());
        assertEquals("0800", hex(new ProtoWriter().writeInt32WithPresence(1, 0)));
        assertEquals("0a00", hex(new ProtoWriter().writeStringWithPresence(1, "")));
        assertEquals("0a000a01610a00", hex(new ProtoWriter().writeRepeatedString(1, List.of("", "a", ""))));
    }

    @Test
    void packedRepeatedVarints() {
        // The encoding guide's example: repeated int32 f = 4 [3, 270, 86942].
        assertEquals("2206038e029ea705", hex(new ProtoWriter().writePackedInt32(4, List.of(3, 270, 86942))));
        assertEquals("220a" + "ffffffffffffffffff01", hex(new ProtoWriter().writePackedInt32(4, List.of(-1))), "sign-extended");
        assertEquals("2201" + "00", hex(new ProtoWriter().writePackedInt32(4, List.of(0))), "a zero element is still written");
        assertEquals("220a" + "ffffffffffffffffff01", hex(new ProtoWriter().writePackedInt64(4, List.of(-1L))));
    }

    @Test
    void fieldNumbersAndTags() {
        assertEquals("f8ffffff0f01", hex(new ProtoWriter().writeInt32(ProtoWriter.MAX_FIELD_NUMBER, 1)));
        assertEquals("800101", hex(new ProtoWriter().writeInt32(16, 1)));
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().writeInt32(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().writeInt32(ProtoWriter.MAX_FIELD_NUMBER + 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().writeMessage(-1, new byte[0]));
    }

    @Test
    void aStringWithAnUnpairedSurrogateHasNoEncoding() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().writeString(5, "a\ud800b"));
        assertEquals("field 5: string holds an unpaired surrogate, which has no UTF-8 form", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().writeString(5, "\udc00"));
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().writeStringWithPresence(5, "x\ud83d"));
    }

    @Test
    void theBufferGrows() {
        ProtoWriter writer = new ProtoWriter();
        for (int i = 0; i < 1000; i++) {
            writer.writeInt32(1, 300);
        }
        assertEquals(3000, writer.size());
        assertEquals("08ac02".repeat(1000), hex(writer));
    }
}
