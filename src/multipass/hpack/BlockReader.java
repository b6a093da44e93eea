// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the primitive types of RFC 7541 section 5 from one header block: prefixed integers
 * (section 5.1) and string literals (section 5.2). Limits are checked as the bytes arrive: an
 * integer may not pass {@link #MAX_INTEGER} nor take more than {@link #MAX_CONTINUATION_BYTES}
 * continuation octets, and a string's length is checked against the octets left in the block
 * before anything is allocated for it. Error messages give offsets from the block's start.
 * Not thread-safe.
 */
final class BlockReader {
    /** The largest integer accepted: every HPACK integer here is an index, a length or a table size. */
    static final int MAX_INTEGER = Integer.MAX_VALUE;
    /**
     * Continuation octets after the prefix: 5 carry 35 bits, enough for {@link #MAX_INTEGER}; more
     * can only be zero padding, which would let a peer spin on one integer.
     */
    static final int MAX_CONTINUATION_BYTES = 5;

    private final ByteBuffer in;
    private final int start;

    /** Reads {@code block} from its position to its limit, advancing its position. */
    BlockReader(ByteBuffer block) {
        this.in = block;
        this.start = block.position();
    }

    boolean hasRemaining() {
        return in.hasRemaining();
    }

    /** The offset of the next octet from the start of the block. */
    int offset() {
        return in.position() - start;
    }

    /** The next octet, unsigned, without consuming it; there must be one. */
    int peek() {
        return Byte.toUnsignedInt(in.get(in.position()));
    }

    /** Reads an integer whose first octet keeps its low {@code prefixBits} bits for it (section 5.1). */
    int readInteger(int prefixBits) throws HpackException {
        int at = offset();
        if (!in.hasRemaining()) {
            throw new HpackException("the block ends at offset " + at + " where an integer should start");
        }
        int mask = (1 << prefixBits) - 1;
        long value = Byte.toUnsignedInt(in.get()) & mask;
        if (value < mask) {
            return (int) value;
        }
        for (int i = 0; i < MAX_CONTINUATION_BYTES; i++) {
            if (!in.hasRemaining()) {
                throw new HpackException("the integer at offset " + at + " is cut off by the end of the block");
            }
            int octet = Byte.toUnsignedInt(in.get());
            value += (long) (octet & 0x7F) << 7 * i;
            if (value > MAX_INTEGER) {
                throw new HpackException("the integer at offset " + at + " exceeds " + MAX_INTEGER);
            }
            if ((octet & 0x80) == 0) {
                return (int) value;
            }
        }
        throw new HpackException("the integer at offset " + at + " has more than " + MAX_CONTINUATION_BYTES
                + " continuation octets");
    }

    /** Reads a string literal (section 5.2), Huffman-decoded if its H bit is set, as ISO-8859-1. */
    String readString() throws HpackException {
        int at = offset();
        boolean huffman = in.hasRemaining() && (peek() & 0x80) != 0;
        int length = readInteger(7);
        if (length > in.remaining()) {
            throw new HpackException("the string at offset " + at + " claims " + length + " octet(s) but "
                    + in.remaining() + " are left in the block");
        }
        if (huffman) {
            return Huffman.decode(in, length, at);
        }
        byte[] octets = new byte[length];
        in.get(octets);
        return new String(octets, StandardCharsets.ISO_8859_1);
    }
}
