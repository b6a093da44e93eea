// SPDX-License-Identifier: Apache-2.0
package multipass.proto;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link ProtoReader}: values, skipping, and every way bytes can be refused. */
class ProtoReaderTest {
    private static ProtoReader reader(String hex) {
        return new ProtoReader(HexFormat.of().parseHex(hex));
    }

    /** Positions a reader on its first field. */
    private static ProtoReader at(String hex) throws ProtoException {
        ProtoReader reader = reader(hex);
        reader.nextField();
        return reader;
    }

    @Test
    void varints() throws ProtoException {
        assertEquals(300, at("08ac02").readInt32());
        assertEquals(-1, at("08ffffffffffffffffff01").readInt32());
        assertEquals(-1, at("08ffffffff0f").readInt32(), "a five-byte -1 (what some encoders send) is accepted too");
        assertEquals(Integer.MIN_VALUE, at("0880808080f8ffffffff01").readInt32());
        assertEquals(Long.MAX_VALUE, at("08ffffffffffffffff7f").readInt64());
        assertEquals(-1L, at("08ffffffffffffffffff01").readUint64(), "uint64 max");
        assertEquals(0xFFFF_FFFFL, Integer.toUnsignedLong(at("08ffffffff0f").readUint32()));
        assertEquals(-1, at("0801").readSint32());
        assertEquals(1, at("0802").readSint32());
        assertEquals(-2, at("0803").readSint32());
        assertEquals(Integer.MIN_VALUE, at("08ffffffff0f").readSint32());
        assertEquals(Long.MIN_VALUE, at("08ffffffffffffffffff01").readSint64());
        assertEquals(true, at("0802").readBool());
        assertEquals(false, at("0800").readBool());
        assertEquals(7, at("0807").readEnum());
        assertEquals(16257, at("08817f").readInt32());
    }

    @Test
    void fixedWidthsAreLittleEndian() throws ProtoException {
        assertEquals(0x12345678, at("0d78563412").readFixed32());
        assertEquals(0x0102030405060708L, at("090807060504030201").readFixed64());
        assertEquals(-1L, at("09ffffffffffffffff").readFixed64());
    }

    @Test
    void stringsBytesAndMessages() throws ProtoException {
        assertEquals("testing", at("120774657374696e67").readString());
        assertEquals("\ud83d\ude00\u20ac\u00e9", at("1209f09f9880e282acc3a9").readString());
        assertEquals("", at("1200").readString());
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, at("1a030001ff").readBytes());
        ProtoReader outer = reader("1a0408011002" + "2001");
        assertEquals(3, outer.nextField());
        ProtoReader inner = outer.readMessage();
        assertEquals(1, inner.nextField());
        assertEquals(1, inner.readInt32());
        assertEquals(2, inner.nextField());
        assertEquals(2, inner.readInt32());
        assertEquals(-1, inner.nextField(), "the inner reader ends with its message");
        assertEquals(4, outer.nextField(), "the outer one goes on after it");
        assertEquals(1, outer.readInt32());
        assertEquals(-1, outer.nextField());
        assertEquals(-1, outer.nextField(), "the end stays the end");
    }

    @Test
    void aReaderOverARangeStaysInIt() throws ProtoException {
        byte[] bytes = HexFormat.of().parseHex("ff" + "0801" + "ff");
        ProtoReader reader = new ProtoReader(bytes, 1, 2);
        assertEquals(1, reader.nextField());
        assertEquals(WireType.VARINT, reader.wireType());
        assertEquals(1, reader.readInt32());
        assertEquals(-1, reader.nextField());
        assertThrows(IndexOutOfBoundsException.class, () -> new ProtoReader(bytes, 3, 2));
    }

    @Test
    void repeatedVarintsPackedAndUnpackedAlike() throws ProtoException {
        // repeated int32 f = 4 [3, 270, 86942]: packed, unpacked, and both mixed in one message.
        for (String hex : new String[] {"2206038e029ea705", "2003" + "208e02" + "209ea705", "2003" + "22058e029ea705"}) {
            List<Integer> values = new ArrayList<>();
            ProtoReader reader = reader(hex);
            while (reader.nextField() != -1) {
                reader.readRepeatedInt32(values);
            }
            assertEquals(List.of(3, 270, 86942), values, hex);
        }
        List<Long> longs = new ArrayList<>();
        at("220b" + "ffffffffffffffffff01" + "00").readRepeatedInt64(longs);
        assertEquals(List.of(-1L, 0L), longs);
        List<Integer> none = new ArrayList<>();
        at("2200").readRepeatedInt32(none);
        assertEquals(List.of(), none, "an empty packed run");
        ProtoException e = assertThrows(ProtoException.class, () -> at("2201" + "80" + "01").readRepeatedInt32(new ArrayList<>()));
        assertEquals("field 4: varint runs past the end of the message", e.getMessage(), "a varint may not run out of its packed run");
        e = assertThrows(ProtoException.class, () -> at("2d00000000").readRepeatedInt32(new ArrayList<>()));
        assertEquals("field 5: wire type 5 where repeated varint needs 2", e.getMessage());
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() throws ProtoException {
        String hex = "0a0161" // 1: "a"
                + "10ffffffffffffffffff01" // 2: varint, ten bytes
                + "190102030405060708" // 3: fixed64
                + "22030a0101" // 4: length-delimited
                + "2b" + "0801" + "33" + "0d01020304" + "34" + "1200" + "2c" // 5: a group holding a varint, a group (6) and more
                + "3d01020304" // 7: fixed32
                + "4009"; // 8: 9
        ProtoReader reader = reader(hex);
        List<Integer> seen = new ArrayList<>();
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> assertEquals("a", reader.readString());
                case 8 -> assertEquals(9, reader.readInt32());
                default -> reader.skip();
            }
            seen.add(field);
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 7, 8), seen);
    }

    @Test
    void readingOutOfTurnIsAProgrammingError() throws ProtoException {
        ProtoReader reader = reader("08010802");
        assertThrows(IllegalStateException.class, reader::readInt32, "before nextField()");
        reader.nextField();
        assertThrows(IllegalStateException.class, reader::nextField, "the value was neither read nor skipped");
        reader.readInt32();
        assertThrows(IllegalStateException.class, reader::readInt32, "read twice");
        assertThrows(IllegalStateException.class, reader::skip);
    }

    @Test
    void malformedTagsAreRefused() {
        assertRefused("field number 0 at byte 0 (wire type 0)", "0001", ProtoReader::nextField);
        assertRefused("field number 0 at byte 2 (wire type 2)", "0801" + "0200", r -> {
            r.nextField();
            r.readInt32();
            r.nextField();
        });
        assertRefused("field 1: wire type 6 is not defined", "0e", ProtoReader::nextField);
        assertRefused("field 1: wire type 7 is not defined", "0f", ProtoReader::nextField);
        assertRefused("field 1: an end-group tag that closes no group", "0c", ProtoReader::nextField);
        assertRefused("tag at byte 0: 4294967296 does not fit in 32 bits", "8080808010", ProtoReader::nextField);
        assertRefused("tag at byte 0: varint runs past the end of the message", "80", ProtoReader::nextField);
        assertRefused("tag at byte 0: varint longer than 10 bytes", "ffffffffffffffffffff01", ProtoReader::nextField);
    }

    @Test
    void malformedValuesAreRefusedNamingTheField() {
        assertRefused("field 1: varint longer than 10 bytes", "08ffffffffffffffffffff01", r -> at(r).readInt64());
        assertRefused("field 1: varint runs past the end of the message", "08ff", r -> at(r).readInt32());
        assertRefused("field 1: varint runs past the end of the message", "08", r -> at(r).skip());
        assertRefused("field 2: length 5 runs past the end of the message (1 byte(s) left)", "120561", r -> at(r).readString());
        assertRefused("field 2: length 4294967295 runs past the end of the message (0 byte(s) left)", "12ffffffff0f", r -> at(r).readBytes());
        assertRefused("field 2: length 18446744073709551615 runs past the end of the message (0 byte(s) left)",
                "12ffffffffffffffffff01", r -> at(r).readMessage());
        assertRefused("field 2: length 2 runs past the end of the message (1 byte(s) left)", "120261", r -> at(r).skip());
        assertRefused("field 1: fixed32 needs 4 bytes, 2 left", "0d0102", r -> at(r).readFixed32());
        assertRefused("field 1: fixed64 needs 8 bytes, 7 left", "0901020304050607", r -> at(r).skip());
        assertRefused("field 1: wire type 5 where string needs 2", "0d00000000", r -> at(r).readString());
        assertRefused("field 1: wire type 2 where int32 needs 0", "0a00", r -> at(r).readInt32());
        assertRefused("field 1: wire type 0 where fixed64 needs 1", "0800", r -> at(r).readFixed64());
        assertRefused("field 1: wire type 3 where message needs 2", "0b0c", r -> at(r).readMessage());
    }

    @Test
    void stringsMustBeValidUtf8() {
        for (String bad : new String[] {"ff", "80", "c3", "c080", "c1bf", "e08080", "eda080", "edbfbf", "f08f8080", "f4908080", "f5808080",
            "e282", "f09f98", "61c328"}) {
            String hex = "0a" + String.format("%02x", bad.length() / 2) + bad;
            assertRefused("field 1: string is not valid UTF-8", hex, r -> at(r).readString());
        }
        assertFalse(Utf8.isWellFormed(new byte[] {(byte) 0xc3}, 0, 1));
    }

    @Test
    void groupsAreSkippedWhenBalancedAndRefusedOtherwise() throws ProtoException {
        ProtoReader reader = reader("0b" + "0801" + "0c" + "1001");
        assertEquals(1, reader.nextField());
        assertEquals(WireType.START_GROUP, reader.wireType());
        reader.skip();
        assertEquals(2, reader.nextField());
        assertRefused("field 1: group has no end-group tag", "0b0801", r -> at(r).skip());
        assertRefused("field 1: group closed by the end-group tag of field 2", "0b14", r -> at(r).skip());
        assertRefused("field 1: wire type 7 is not defined", "0b0f", r -> at(r).skip());
        String deep = "0b".repeat(ProtoReader.MAX_DEPTH) + "0c".repeat(ProtoReader.MAX_DEPTH);
        ProtoReader ok = at(deep);
        ok.skip();
        assertEquals(-1, ok.nextField(), "groups " + ProtoReader.MAX_DEPTH + " deep are skipped");
        String deeper = "0b".repeat(ProtoReader.MAX_DEPTH + 1) + "0c".repeat(ProtoReader.MAX_DEPTH + 1);
        assertRefused("field 1: groups nested more than 64 deep", deeper, r -> at(r).skip());
    }

    @Test
    void messagesNestAtMostMaxDepth() throws ProtoException {
        byte[] inner = new byte[0];
        for (int i = 0; i < ProtoReader.MAX_DEPTH; i++) {
            inner = new ProtoWriter().writeMessage(1, inner).toByteArray();
        }
        assertEquals(ProtoReader.MAX_DEPTH, depth(new ProtoReader(inner)));
        byte[] tooDeep = new ProtoWriter().writeMessage(1, inner).toByteArray();
        ProtoException e = assertThrows(ProtoException.class, () -> depth(new ProtoReader(tooDeep)));
        assertEquals("field 1: messages nested more than 64 deep", e.getMessage());
    }

    /** How deep field 1 nests messages in {@code reader}, read recursively as a decoder would. */
    private static int depth(ProtoReader reader) throws ProtoException {
        int deepest = 0;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            deepest = Math.max(deepest, 1 + depth(reader.readMessage()));
        }
        return deepest;
    }

    /** A step on a reader that may throw, for {@link #assertRefused}. */
    private interface Step {
        void run(ProtoReader reader) throws ProtoException;
    }

    private static ProtoReader at(ProtoReader reader) throws ProtoException {
        reader.nextField();
        return reader;
    }

    private static void assertRefused(String message, String hex, Step step) {
        ProtoException e = assertThrows(ProtoException.class, () -> step.run(reader(hex)), hex);
        assertEquals(message, e.getMessage(), hex);
    }
}
