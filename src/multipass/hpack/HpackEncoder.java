// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;

/**
 * Encodes header blocks of one connection (RFC 7541). Not thread-safe: callers serialize.
 *
 * <p>The simplest strategy section 2 allows: the dynamic table is never used. A field equal to
 * a static table entry is indexed (section 6.1); a field whose name is in the static table is a
 * literal without indexing with an indexed name, any other a literal without indexing with a
 * literal name (section 6.2.2). A string is Huffman-coded (section 5.2) when that is shorter.
 *
 * <p>Because the table is never used, its size is 0 in effect; but the peer's decoder starts with
 * the default 4096 (RFC 9113 section 6.5.2). When the peer lowers its SETTINGS_HEADER_TABLE_SIZE
 * below the size it thinks we use, the next block opens with a dynamic table size update to 0
 * (section 4.2), after which no setting can be below ours.
 *
 * <p>Names and values must be octet strings (chars up to 0xFF, see {@link HeaderField});
 * anything else is the caller's bug and an {@link IllegalArgumentException}.
 */
public final class HpackEncoder {
    /** The dynamic table size a peer's decoder assumes until told otherwise (SETTINGS_HEADER_TABLE_SIZE's default). */
    static final int DEFAULT_TABLE_SIZE = 4096;
    /** The dynamic table size we actually use. */
    static final int USED_TABLE_SIZE = 0;

    /** The dynamic table size the peer's decoder believes we have. */
    private int announcedSize = DEFAULT_TABLE_SIZE;
    /** A size update the next block must open with, or -1. */
    private int pendingUpdate = -1;

    public HpackEncoder() {
    }

    /** The peer's SETTINGS_HEADER_TABLE_SIZE changed: bound our table by it (signalled in the next block). */
    public void peerMaxTableSize(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative table size " + size);
        }
        if (size < announcedSize) {
            announcedSize = Math.min(size, USED_TABLE_SIZE);
            pendingUpdate = announcedSize;
        }
    }

    /** One complete header block for {@code fields}, in order. */
    public byte[] encode(List<HeaderField> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        if (pendingUpdate >= 0) {
            writeInteger(out, 0x20, 5, pendingUpdate);
            pendingUpdate = -1;
        }
        for (HeaderField field : fields) {
            int exact = StaticTable.indexOf(field);
            if (exact > 0) {
                writeInteger(out, 0x80, 7, exact);
                continue;
            }
            int nameIndex = StaticTable.indexOfName(field.name());
            writeInteger(out, 0x00, 4, nameIndex);
            if (nameIndex == 0) {
                writeString(out, field.name());
            }
            writeString(out, field.value());
        }
        return out.toByteArray();
    }

    /** Section 5.1: {@code value} in the low {@code prefixBits} bits of an octet that starts with {@code flags}. */
    static void writeInteger(ByteArrayOutputStream out, int flags, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(flags | value);
            return;
        }
        out.write(flags | max);
        int rest = value - max;
        while (rest >= 0x80) {
            out.write(rest & 0x7F | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
    }

    /** Section 5.2: a string literal, Huffman-coded when shorter. */
    private static void writeString(ByteArrayOutputStream out, String s) {
        checkOctets(s);
        long huffmanLength = Huffman.encodedLength(s);
        if (huffmanLength < s.length()) {
            writeInteger(out, 0x80, 7, (int) huffmanLength);
            Huffman.encode(s, out);
        } else {
            writeInteger(out, 0x00, 7, s.length());
            for (int i = 0; i < s.length(); i++) {
                out.write(s.charAt(i));
            }
        }
    }

    private static void checkOctets(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                throw new IllegalArgumentException("header char U+" + Integer.toHexString(s.charAt(i)).toUpperCase(Locale.ROOT)
                        + " at index " + i + " is not an octet (ISO-8859-1)");
            }
        }
    }
}
