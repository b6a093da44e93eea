// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The static Huffman code of HPACK string literals (RFC 7541 section 5.2 and Appendix B).
 *
 * <p>The table below is Appendix B's "len" column: the code length of every octet and of EOS
 * (symbol 256). The Appendix B code is canonical: codes are handed out in order of length, then
 * of symbol, each one the previous plus one (shifted left when the length grows). So the lengths
 * are enough to rebuild every code, and decoding needs only, per length, the first code and how
 * many codes have it ({@code HuffmanTest} pins codes against Appendix B's "code as hex" column).
 *
 * <p>Decoding reads one bit at a time: its cost is proportional to the input, whatever it holds.
 * Stateless; safe for any thread.
 */
final class Huffman {
    /** The end-of-string symbol; a decoder must treat it in a string as an error (section 5.2). */
    static final int EOS = 256;
    /** The longest code (EOS's). */
    static final int MAX_CODE_LENGTH = 30;
    /** Padding is the high bits of EOS and strictly shorter than 8 bits (section 5.2). */
    static final int MAX_PADDING_BITS = 7;

    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, //   0- 15
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, //  16- 31
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, //  32- 47
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, //  48- 63
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, //  64- 79
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, //  80- 95
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, //  96-111
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, // 112-127
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128-143
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144-159
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160-175
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176-191
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192-207
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208-223
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224-239
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240-255
        30, // 256 (EOS)
    };

    /** Every symbol's code, right-aligned in {@code LENGTHS[symbol]} bits. */
    private static final int[] CODES = new int[EOS + 1];
    /** The symbols in code order (by length, then symbol). */
    private static final int[] SORTED = new int[EOS + 1];
    /** Per length: the first code of that length, how many codes have it, and its first place in {@code SORTED}. */
    private static final int[] FIRST_CODE = new int[MAX_CODE_LENGTH + 1];
    private static final int[] COUNT = new int[MAX_CODE_LENGTH + 1];
    private static final int[] FIRST_SORTED = new int[MAX_CODE_LENGTH + 1];

    static {
        // One pass to count the codes of each length, one to place them: a counting sort, as a
        // process that decodes a header or two should not pay a pass over the symbols per length.
        for (int symbol = 0; symbol <= EOS; symbol++) {
            COUNT[LENGTHS[symbol]]++;
        }
        int place = 0;
        int code = 0;
        for (int length = 1; length <= MAX_CODE_LENGTH; length++) {
            FIRST_CODE[length] = code;
            FIRST_SORTED[length] = place;
            place += COUNT[length];
            code = code + COUNT[length] << 1;
        }
        int[] next = FIRST_SORTED.clone();
        for (int symbol = 0; symbol <= EOS; symbol++) {
            int length = LENGTHS[symbol];
            int rank = next[length]++;
            SORTED[rank] = symbol;
            CODES[symbol] = FIRST_CODE[length] + rank - FIRST_SORTED[length];
        }
    }

    private Huffman() {
    }

    /** {@code symbol}'s code, right-aligned (for tests). */
    static int code(int symbol) {
        return CODES[symbol];
    }

    /** {@code symbol}'s code length in bits (for tests). */
    static int length(int symbol) {
        return LENGTHS[symbol];
    }

    /** The octets {@code s} takes Huffman-coded, padding included; chars must be octets (at most 0xFF). */
    static long encodedLength(String s) {
        long bits = 0;
        for (int i = 0; i < s.length(); i++) {
            bits += LENGTHS[s.charAt(i)];
        }
        return (bits + 7) / 8;
    }

    /** Writes {@code s} Huffman-coded, padded with the high bits of EOS; chars must be octets. */
    static void encode(String s, ByteArrayOutputStream out) {
        long pending = 0;
        int bits = 0;
        for (int i = 0; i < s.length(); i++) {
            int symbol = s.charAt(i);
            pending = pending << LENGTHS[symbol] | CODES[symbol];
            bits += LENGTHS[symbol];
            while (bits >= 8) {
                bits -= 8;
                out.write((int) (pending >>> bits));
            }
        }
        if (bits > 0) {
            int pad = 8 - bits;
            out.write((int) (pending << pad | (1 << pad) - 1));
        }
    }

    /**
     * Decodes the next {@code length} octets of {@code in} (which holds at least that many).
     *
     * @param at the string's offset in its block, for error messages
     * @throws HpackException on EOS in the string, or padding that is too long or not all ones
     */
    static String decode(ByteBuffer in, int length, int at) throws HpackException {
        // Every code is at least 5 bits long, so n octets hold at most 8n/5 symbols.
        byte[] out = new byte[(int) (8L * length / 5)];
        int written = 0;
        int code = 0;
        int bits = 0;
        for (int i = 0; i < length; i++) {
            int octet = in.get();
            for (int shift = 7; shift >= 0; shift--) {
                code = code << 1 | octet >>> shift & 1;
                bits++;
                int rank = code - FIRST_CODE[bits];
                if (rank >= 0 && rank < COUNT[bits]) {
                    int symbol = SORTED[FIRST_SORTED[bits] + rank];
                    if (symbol == EOS) {
                        throw new HpackException("Huffman string at offset " + at + " contains EOS");
                    }
                    out[written++] = (byte) symbol;
                    code = 0;
                    bits = 0;
                }
            }
        }
        checkPadding(code, bits, at);
        return new String(out, 0, written, StandardCharsets.ISO_8859_1);
    }

    private static void checkPadding(int code, int bits, int at) throws HpackException {
        if (bits > MAX_PADDING_BITS) {
            throw new HpackException("Huffman string at offset " + at + " ends in " + bits + " bits of padding (at most "
                    + MAX_PADDING_BITS + ")");
        }
        if (code != (1 << bits) - 1) {
            throw new HpackException("Huffman string at offset " + at + " has padding that is not all ones");
        }
    }
}
