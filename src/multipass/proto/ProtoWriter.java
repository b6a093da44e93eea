// SPDX-License-Identifier: Apache-2.0
package multipass.proto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes one message in the Protocol Buffers wire format
 * (https://protobuf.dev/programming-guides/encoding/), append-only, into a growing array.
 * Modelled on Square Wire's {@code ProtoWriter}: the encoding lives here, the messages only say
 * which field gets which value.
 *
 * <p>The scalar helpers follow proto3: a field holding its default (0, false, "", no bytes) is
 * not written at all. Where presence matters (a member of a oneof, an {@code optional} field,
 * an element of a repeated field) the {@code WithPresence} and {@code Repeated} methods write
 * the value whatever it is, and {@link #writeMessage} always writes, even an empty message.
 * Integers follow the proto types: a negative {@code int32} is sign-extended to a 10-byte
 * varint, {@code uint32}/{@code uint64} take the Java value's bits as unsigned, {@code sint*}
 * use zigzag, fixed types are little-endian.
 *
 * <p>Not thread-safe: one writer per message being built.
 */
public final class ProtoWriter {
    /** The largest field number the format allows (2^29 - 1). */
    public static final int MAX_FIELD_NUMBER = (1 << 29) - 1;

    private byte[] buffer = new byte[32];
    private int size;

    /** An empty message. */
    public ProtoWriter() {
    }

    /** {@code int32}: a varint, sign-extended to 64 bits when negative. */
    public ProtoWriter writeInt32(int field, int value) {
        return value == 0 ? this : writeInt32WithPresence(field, value);
    }

    /** {@code int32} written even when 0 (an {@code optional} field or a oneof member). */
    public ProtoWriter writeInt32WithPresence(int field, int value) {
        tag(field, WireType.VARINT);
        varint(value);
        return this;
    }

    /** {@code int64}. */
    public ProtoWriter writeInt64(int field, long value) {
        if (value != 0) {
            tag(field, WireType.VARINT);
            varint(value);
        }
        return this;
    }

    /** {@code uint32}: the 32 bits of {@code value} read as unsigned. */
    public ProtoWriter writeUint32(int field, int value) {
        return writeInt64(field, Integer.toUnsignedLong(value));
    }

    /** {@code uint64}: the 64 bits of {@code value} read as unsigned. */
    public ProtoWriter writeUint64(int field, long value) {
        return writeInt64(field, value);
    }

    /** {@code sint32}: zigzag, so that small negative numbers stay short. */
    public ProtoWriter writeSint32(int field, int value) {
        return writeUint32(field, (value << 1) ^ (value >> 31));
    }

    /** {@code sint64}: zigzag. */
    public ProtoWriter writeSint64(int field, long value) {
        return writeInt64(field, (value << 1) ^ (value >> 63));
    }

    /** {@code bool}: 1 when true; false is the default and not written. */
    public ProtoWriter writeBool(int field, boolean value) {
        return writeInt64(field, value ? 1 : 0);
    }

    /** An enum, by its number (encoded as {@code int32}). */
    public ProtoWriter writeEnum(int field, int number) {
        return writeInt32(field, number);
    }

    /** {@code fixed32} (or {@code sfixed32}): four bytes, little-endian. */
    public ProtoWriter writeFixed32(int field, int value) {
        if (value != 0) {
            tag(field, WireType.FIXED32);
            for (int i = 0; i < 4; i++) {
                put((byte) (value >>> 8 * i));
            }
        }
        return this;
    }

    /** {@code fixed64} (or {@code sfixed64}): eight bytes, little-endian. */
    public ProtoWriter writeFixed64(int field, long value) {
        if (value != 0) {
            tag(field, WireType.FIXED64);
            for (int i = 0; i < 8; i++) {
                put((byte) (value >>> 8 * i));
            }
        }
        return this;
    }

    /**
     * {@code string}, as UTF-8; "" is not written.
     *
     * @throws IllegalArgumentException if {@code value} holds an unpaired surrogate (it has no UTF-8 form)
     */
    public ProtoWriter writeString(int field, String value) {
        return value.isEmpty() ? this : writeStringWithPresence(field, value);
    }

    /** {@code string} written even when "" (an {@code optional} field or a oneof member). */
    public ProtoWriter writeStringWithPresence(int field, String value) {
        if (!Utf8.isEncodable(value)) {
            throw new IllegalArgumentException("field " + field + ": string holds an unpaired surrogate, which has no UTF-8 form");
        }
        return writeLengthDelimited(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code repeated string}: every element, "" included, as its own field. */
    public ProtoWriter writeRepeatedString(int field, List<String> values) {
        for (String value : values) {
            writeStringWithPresence(field, value);
        }
        return this;
    }

    /** {@code bytes}; an empty array is not written. */
    public ProtoWriter writeBytes(int field, byte[] value) {
        return value.length == 0 ? this : writeLengthDelimited(field, value);
    }

    /** An embedded message, already encoded; always written, even when empty (its presence is information). */
    public ProtoWriter writeMessage(int field, byte[] message) {
        return writeLengthDelimited(field, message);
    }

    /** {@code repeated int32} (or enum), packed: one length-delimited field; nothing when empty. */
    public ProtoWriter writePackedInt32(int field, List<Integer> values) {
        ProtoWriter packed = new ProtoWriter();
        values.forEach(packed::varint);
        return values.isEmpty() ? this : writeLengthDelimited(field, packed.toByteArray());
    }

    /** {@code repeated int64} (or {@code uint64}), packed; nothing when empty. */
    public ProtoWriter writePackedInt64(int field, List<Long> values) {
        ProtoWriter packed = new ProtoWriter();
        values.forEach(packed::varint);
        return values.isEmpty() ? this : writeLengthDelimited(field, packed.toByteArray());
    }

    /** The message written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    /** The number of bytes written so far. */
    public int size() {
        return size;
    }

    private ProtoWriter writeLengthDelimited(int field, byte[] value) {
        tag(field, WireType.LENGTH_DELIMITED);
        varint(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, buffer, size, value.length);
        size += value.length;
        return this;
    }

    private void tag(int field, WireType type) {
        if (field < 1 || field > MAX_FIELD_NUMBER) {
            throw new IllegalArgumentException("field number " + field + " is outside 1.." + MAX_FIELD_NUMBER);
        }
        varint(Integer.toUnsignedLong(field << 3 | type.number()));
    }

    /** Any 64 bits as a varint, seven at a time, lowest first: 1 to 10 bytes. */
    private void varint(long value) {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            put((byte) (rest & 0x7F | 0x80));
            rest >>>= 7;
        }
        put((byte) rest);
    }

    private void put(byte b) {
        ensure(1);
        buffer[size++] = b;
    }

    private void ensure(int more) {
        if (buffer.length - size < more) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
