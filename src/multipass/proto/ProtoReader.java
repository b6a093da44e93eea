// SPDX-License-Identifier: Apache-2.0
package multipass.proto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Reads one message in the Protocol Buffers wire format from a range of a byte array
 * (https://protobuf.dev/programming-guides/encoding/). Modelled on Square Wire's
 * {@code ProtoReader}: a message's decoder loops on {@link #nextField()}, reads the fields it
 * knows with the reader for their type, and hands every other one to {@link #skip()}, the one
 * place where unknown fields of any wire type are stepped over.
 *
 * <pre>{@code
 * for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
 *     switch (field) {
 *         case 1 -> name = reader.readString();
 *         default -> reader.skip();
 *     }
 * }
 * }</pre>
 *
 * <p>Every bound is checked where the bytes are read, before anything is allocated: a varint
 * has at most {@value #MAX_VARINT_BYTES} bytes, a length may not run past the end of its
 * message, a tag may not carry field number 0 or wire type 6 or 7, messages and groups nest at
 * most {@value #MAX_DEPTH} deep, a string must be well-formed UTF-8 (proto3). A field of a
 * known number with a wire type its type cannot have is refused, not treated as unknown (as
 * Wire does). Groups (wire types 3 and 4) are skipped whole when they are balanced; an
 * end-group tag that closes nothing is refused. Integers read as in {@link ProtoWriter}: the
 * low 32 bits for 32-bit types, and {@code uint32}/{@code uint64} as the bits of a signed Java
 * value.
 *
 * <p>Not thread-safe. The reader shares the array; the caller must not change it while reading.
 */
public final class ProtoReader {
    /** The deepest nesting of messages (and of groups inside them) a reader accepts. */
    public static final int MAX_DEPTH = 64;
    /** The longest varint: ten bytes hold 64 bits. */
    public static final int MAX_VARINT_BYTES = 10;

    private final byte[] bytes;
    private final int limit;
    private final int depth;
    private int position;
    /** The number of the current field, 0 while reading a tag, -1 at the end. */
    private int field;
    private WireType wireType;
    /** Whether the current field's value has been read or skipped. */
    private boolean consumed = true;

    /** A reader of the message that fills {@code bytes}. */
    public ProtoReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    /** A reader of the message in {@code bytes[offset, offset + length)}. */
    public ProtoReader(byte[] bytes, int offset, int length) {
        this(bytes, Objects.checkFromIndexSize(offset, length, bytes.length), offset + length, 0);
    }

    private ProtoReader(byte[] bytes, int position, int limit, int depth) {
        this.bytes = bytes;
        this.position = position;
        this.limit = limit;
        this.depth = depth;
    }

    /**
     * Moves to the next field and returns its number, or -1 at the end of the message. The
     * previous field's value must have been read or skipped.
     */
    public int nextField() throws ProtoException {
        if (!consumed) {
            throw new IllegalStateException("field " + field + " was neither read nor skipped");
        }
        if (position == limit) {
            field = -1;
            return -1;
        }
        int tag = readTag();
        field = tag >>> 3;
        wireType = WireType.values()[tag & 7];
        if (wireType == WireType.END_GROUP) {
            throw problem("an end-group tag that closes no group");
        }
        consumed = false;
        return field;
    }

    /** The wire type of the current field. */
    public WireType wireType() {
        return wireType;
    }

    /** {@code int32} (or an enum): the low 32 bits of a varint. */
    public int readInt32() throws ProtoException {
        expect(WireType.VARINT, "int32");
        return (int) varint(limit);
    }

    /** {@code int64}. */
    public long readInt64() throws ProtoException {
        expect(WireType.VARINT, "int64");
        return varint(limit);
    }

    /** {@code uint32}: the 32 bits, to be read with {@link Integer#toUnsignedLong}. */
    public int readUint32() throws ProtoException {
        expect(WireType.VARINT, "uint32");
        return (int) varint(limit);
    }

    /** {@code uint64}: the 64 bits, to be read with {@link Long#toUnsignedString(long)}. */
    public long readUint64() throws ProtoException {
        expect(WireType.VARINT, "uint64");
        return varint(limit);
    }

    /** {@code sint32} (zigzag). */
    public int readSint32() throws ProtoException {
        expect(WireType.VARINT, "sint32");
        int raw = (int) varint(limit);
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** {@code sint64} (zigzag). */
    public long readSint64() throws ProtoException {
        expect(WireType.VARINT, "sint64");
        long raw = varint(limit);
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** {@code bool}: any varint other than 0 is true. */
    public boolean readBool() throws ProtoException {
        expect(WireType.VARINT, "bool");
        return varint(limit) != 0;
    }

    /** An enum's number; mapping an unknown number is the caller's business. */
    public int readEnum() throws ProtoException {
        expect(WireType.VARINT, "enum");
        return (int) varint(limit);
    }

    /** {@code fixed32} or {@code sfixed32}: four bytes, little-endian. */
    public int readFixed32() throws ProtoException {
        expect(WireType.FIXED32, "fixed32");
        return (int) littleEndian(4);
    }

    /** {@code fixed64} or {@code sfixed64}: eight bytes, little-endian. */
    public long readFixed64() throws ProtoException {
        expect(WireType.FIXED64, "fixed64");
        return littleEndian(8);
    }

    /** {@code string}, which must be well-formed UTF-8. */
    public String readString() throws ProtoException {
        expect(WireType.LENGTH_DELIMITED, "string");
        int length = length();
        if (!Utf8.isWellFormed(bytes, position, position + length)) {
            throw problem("string is not valid UTF-8");
        }
        String value = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /** {@code bytes}, copied. */
    public byte[] readBytes() throws ProtoException {
        expect(WireType.LENGTH_DELIMITED, "bytes");
        int length = length();
        byte[] value = Arrays.copyOfRange(bytes, position, position + length);
        position += length;
        return value;
    }

    /** An embedded message: a reader bounded to it, one level deeper; this reader moves past it. */
    public ProtoReader readMessage() throws ProtoException {
        expect(WireType.LENGTH_DELIMITED, "message");
        if (depth + 1 > MAX_DEPTH) {
            throw problem("messages nested more than " + MAX_DEPTH + " deep");
        }
        int length = length();
        ProtoReader message = new ProtoReader(bytes, position, position + length, depth + 1);
        position += length;
        return message;
    }

    /**
     * One occurrence of a repeated varint field (int32, int64, uint*, bool, enum): a single
     * value (wire type 0) or a packed run of them (wire type 2), as the spec says parsers must
     * accept both. Each value's 64 raw bits go to {@code into}.
     */
    public void readRepeatedVarint(LongConsumer into) throws ProtoException {
        if (wireType == WireType.VARINT) {
            expect(WireType.VARINT, "repeated varint");
            into.accept(varint(limit));
            return;
        }
        expect(WireType.LENGTH_DELIMITED, "repeated varint");
        int end = position + length();
        while (position < end) {
            into.accept(varint(end));
        }
    }

    /** {@link #readRepeatedVarint} for {@code repeated int32} (or enum), appending to {@code into}. */
    public void readRepeatedInt32(List<Integer> into) throws ProtoException {
        readRepeatedVarint(value -> into.add((int) value));
    }

    /** {@link #readRepeatedVarint} for {@code repeated int64}, appending to {@code into}. */
    public void readRepeatedInt64(List<Long> into) throws ProtoException {
        readRepeatedVarint(into::add);
    }

    /** Steps over the current field's value, whatever its wire type: the one place unknown fields go. */
    public void skip() throws ProtoException {
        expect(wireType, "skip");
        skipValue(field, wireType, depth);
    }

    private void skipValue(int number, WireType type, int groupDepth) throws ProtoException {
        switch (type) {
            case VARINT -> varint(limit);
            case FIXED64 -> littleEndian(8);
            case FIXED32 -> littleEndian(4);
            case LENGTH_DELIMITED -> position += length();
            case START_GROUP -> skipGroup(number, groupDepth + 1);
            case END_GROUP -> throw problem("an end-group tag that closes no group");
        }
    }

    /** Skips the fields of the group {@code number} up to and including its end-group tag. */
    private void skipGroup(int number, int groupDepth) throws ProtoException {
        if (groupDepth > MAX_DEPTH) {
            throw problem("groups nested more than " + MAX_DEPTH + " deep");
        }
        while (true) {
            if (position == limit) {
                throw problem("group has no end-group tag");
            }
            int tag = readTag();
            WireType type = WireType.values()[tag & 7];
            if (type == WireType.END_GROUP) {
                if (tag >>> 3 != number) {
                    throw problem("group closed by the end-group tag of field " + (tag >>> 3));
                }
                return;
            }
            skipValue(tag >>> 3, type, groupDepth);
        }
    }

    /** A tag with a field number from 1 and a defined wire type. */
    private int readTag() throws ProtoException {
        int start = position;
        int previous = field;
        field = 0;
        long tag = varint(limit);
        field = previous;
        if (tag < 0 || tag > 0xFFFF_FFFFL) {
            throw new ProtoException("tag at byte " + start + ": " + Long.toUnsignedString(tag) + " does not fit in 32 bits");
        }
        int number = (int) (tag >>> 3);
        int type = (int) (tag & 7);
        if (number == 0) {
            throw new ProtoException("field number 0 at byte " + start + " (wire type " + type + ")");
        }
        if (type > 5) {
            throw new ProtoException("field " + number + ": wire type " + type + " is not defined");
        }
        return (int) tag;
    }

    private void expect(WireType expected, String what) throws ProtoException {
        if (consumed) {
            throw new IllegalStateException("field " + field + " has been read already, or nextField() was not called");
        }
        if (wireType != expected) {
            throw problem("wire type " + wireType.number() + " where " + what + " needs " + expected.number());
        }
        consumed = true;
    }

    /** Up to ten bytes, seven bits each, lowest first; bits beyond 64 are dropped (as protobuf does). */
    private long varint(int end) throws ProtoException {
        long value = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            if (position >= end) {
                throw problem("varint runs past the end of the message");
            }
            byte b = bytes[position++];
            value |= (long) (b & 0x7F) << 7 * i;
            if (b >= 0) {
                return value;
            }
        }
        throw problem("varint longer than " + MAX_VARINT_BYTES + " bytes");
    }

    private int length() throws ProtoException {
        long length = varint(limit);
        int left = limit - position;
        if (length < 0 || length > left) {
            throw problem("length " + Long.toUnsignedString(length) + " runs past the end of the message (" + left + " byte(s) left)");
        }
        return (int) length;
    }

    private long littleEndian(int width) throws ProtoException {
        if (limit - position < width) {
            throw problem("fixed" + width * 8 + " needs " + width + " bytes, " + (limit - position) + " left");
        }
        long value = 0;
        for (int i = 0; i < width; i++) {
            value |= (long) (bytes[position++] & 0xFF) << 8 * i;
        }
        return value;
    }

    private ProtoException problem(String what) {
        return new ProtoException((field > 0 ? "field " + field : "tag at byte " + position) + ": " + what);
    }
}
