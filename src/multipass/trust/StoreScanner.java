// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * The fast path of reading the trust store's main file ({@link StoreFile}), for a file in the
 * form this store and Multipass write it: certificate blocks with padded base64 in lines ending
 * in {@code \n}, each under an optional metadata line of the form {@link StoreFile#fields}
 * writes. It works on the bytes as they are read, in large chunks: the base64 of a block is
 * decoded in one pass over its lines (no string per line, no copy), the metadata parsed in
 * place ({@link MetadataParser}). It reads a range of the file that starts outside any block
 * (the whole file, for {@link StoreFile#read}).
 *
 * <p>It only accepts, never judges: on anything else (another block label, a line of dashes
 * inside a block, a block cut short, anything but base64 and {@code \n} inside a block, a block
 * that is not shaped like a certificate), {@link #scan} answers null and {@link StoreFile} reads
 * the file again with the general PEM reader, which accepts what it may and names the file and
 * line of what it may not. Outside blocks, lines are split and stripped as
 * {@link multipass.util.PemReader} does, so both read the same entries. Not thread-safe: one
 * scanner per read.
 */
final class StoreScanner {
    /** The longest block (metadata line included) read here; a longer one goes to the general reader. */
    private static final int MAX_BLOCK = 1 << 16;
    private static final byte[] BEGIN = ascii("-----BEGIN ");
    private static final byte[] DASHES = ascii("-----");
    private static final byte[] BEGIN_CERTIFICATE = ascii("-----BEGIN CERTIFICATE-----");
    private static final byte[] END_CERTIFICATE = ascii("-----END CERTIFICATE-----");
    private static final byte[] METADATA = ascii(StoreFile.METADATA_PREFIX);
    private static final boolean[] WHITESPACE = new boolean[256];
    /** Base64 value of each byte, -1 when not in the alphabet. */
    private static final byte[] BASE64 = new byte[256];

    static {
        for (int b = 0; b < 256; b++) {
            WHITESPACE[b] = Character.isWhitespace((char) b);
        }
        Arrays.fill(BASE64, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64[alphabet.charAt(i)] = (byte) i;
        }
    }

    private final FileChannel channel;
    private final ArrayList<TrustEntry> entries = new ArrayList<>();
    private final MetadataParser metadata = new MetadataParser();
    private final byte[] buffer = new byte[1 << 20];
    private byte[] der = new byte[4096];
    /** File offset of {@code buffer[0]}, and where the range ends. */
    private long bufferStart;
    private final long end;
    /** Unread data: {@code buffer[position, limit)}; {@code eof} once the rest of the range is in the buffer. */
    private int position;
    private int limit;
    private boolean eof;
    /** True when {@link #metadata} holds the metadata of the block about to begin (else it is a manual entry). */
    private boolean pending;

    private StoreScanner(FileChannel channel, long start, long end) {
        this.channel = channel;
        this.bufferStart = start;
        this.end = end;
    }

    /** The entries of {@code channel}'s bytes {@code [start, end)}, in file order; null when they are not in the usual form. */
    static ArrayList<TrustEntry> scan(FileChannel channel, long start, long end) throws IOException {
        StoreScanner scanner = new StoreScanner(channel, start, end);
        return scanner.run() ? scanner.entries : null;
    }

    private boolean run() throws IOException {
        while (true) {
            if (!eof && limit - position < MAX_BLOCK) {
                fill();
            }
            if (position == limit) {
                return true;
            }
            int newline = position;
            while (newline < limit && buffer[newline] != '\n') {
                newline++;
            }
            if (newline == limit && !eof) {
                return false; // a line longer than MAX_BLOCK
            }
            int from = position;
            position = Math.min(newline + 1, limit);
            if (!outside(from, newline)) {
                return false;
            }
        }
    }

    /** Keeps the unread bytes at the start of the buffer and reads more of the range after them. */
    private void fill() throws IOException {
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        bufferStart += position;
        limit -= position;
        position = 0;
        while (!eof && limit < buffer.length) {
            int want = (int) Math.min(buffer.length - limit, end - (bufferStart + limit));
            int read = want == 0 ? -1 : channel.read(ByteBuffer.wrap(buffer, limit, want), bufferStart + limit);
            if (read < 0) {
                eof = true;
            } else {
                limit += read;
            }
        }
    }

    /** Takes the line {@code buffer[from, to)}, outside any block; false when it is not of the usual form. */
    private boolean outside(int from, int to) {
        while (from < to && WHITESPACE[buffer[from] & 0xff]) {
            from++;
        }
        while (to > from && WHITESPACE[buffer[to - 1] & 0xff]) {
            to--;
        }
        if (to == from) {
            return true;
        }
        if (is(from, to, BEGIN_CERTIFICATE)) {
            return block();
        }
        if (startsWith(from, to, BEGIN) && to - from >= BEGIN.length + DASHES.length && endsWith(from, to, DASHES)) {
            return false; // another kind of block
        }
        pending = startsWith(from, to, METADATA);
        if (!pending) {
            return true;
        }
        metadata.parse(buffer, from + METADATA.length, to);
        int begin = position + BEGIN_CERTIFICATE.length;
        if (begin < limit && buffer[begin] == '\n' && MetadataParser.at(buffer, position, BEGIN_CERTIFICATE)) {
            position = begin + 1; // its block, as the store writes it: in the same step, which keeps the scan's loop short
            return block();
        }
        return true;
    }

    /** Reads the block whose BEGIN line was just taken, up to and including its END line. */
    private boolean block() {
        int length = decode();
        if (length < 0 || !is(position, Math.min(position + END_CERTIFICATE.length, limit), END_CERTIFICATE)) {
            return false;
        }
        int after = position + END_CERTIFICATE.length;
        if (after < limit ? buffer[after] != '\n' : !eof) {
            return false;
        }
        position = Math.min(after + 1, limit);
        byte[] certificate = Arrays.copyOf(der, length);
        if (!Der.isCertificate(certificate)) {
            return false;
        }
        TrustEntry entry = pending ? metadata.entry(certificate) : new TrustEntry(certificate, "unknown", -1, AdmissionMethod.MANUAL, 0, 0);
        pending = false;
        if (entry == null) {
            return false;
        }
        entries.add(entry);
        return true;
    }

    /**
     * Decodes the base64 lines from {@link #position} into {@link #der} up to the first line that
     * starts with a dash, where it leaves {@link #position}; the decoded length, or -1 when
     * anything else than base64 and newlines comes first, or the padding is not right.
     */
    private int decode() {
        int at = position;
        int bits = 0;
        int chars = 0;
        int pads = 0;
        int out = 0;
        while (at < limit) {
            int group = (chars & 3) == 0 && pads == 0 && at + 4 <= limit ? quad(at) : -1;
            if (group >= 0) { // four base64 characters at once, the usual case
                out = put(out, group);
                at += 4;
                chars += 4;
                continue;
            }
            int b = buffer[at++];
            int value = BASE64[b & 0xff];
            if (value >= 0 && pads == 0) {
                bits = bits << 6 | value;
                if ((++chars & 3) == 0) {
                    out = put(out, bits);
                }
            } else if (b == '\n') {
                if (at < limit && buffer[at] == '-') {
                    position = at;
                    return chars == 0 || (chars & 3) != 0 ? -1 : padded(out, bits, pads);
                }
            } else if (b == '=' && (chars & 3) >= 2 && pads < 2) {
                pads++;
                chars++;
            } else {
                return -1;
            }
        }
        return -1;
    }

    /** Writes the three bytes of {@code group} (24 bits) at {@code der[out]}; the new length. */
    private int put(int out, int group) {
        if (out + 3 > der.length) {
            der = Arrays.copyOf(der, der.length * 2);
        }
        der[out] = (byte) (group >> 16);
        der[out + 1] = (byte) (group >> 8);
        der[out + 2] = (byte) group;
        return out + 3;
    }

    /** The 24 bits of the four base64 characters at {@code buffer[at]}, or -1 when one is not base64. */
    private int quad(int at) {
        int a = BASE64[buffer[at] & 0xff];
        int b = BASE64[buffer[at + 1] & 0xff];
        int c = BASE64[buffer[at + 2] & 0xff];
        int d = BASE64[buffer[at + 3] & 0xff];
        return (a | b | c | d) < 0 ? -1 : a << 18 | b << 12 | c << 6 | d;
    }

    /** Adds the bytes of the last, padded group ({@code bits} of its 2 or 3 characters); the decoded length. */
    private int padded(int out, int bits, int pads) {
        if (pads == 0) {
            return out;
        }
        if (out + 2 > der.length) {
            der = Arrays.copyOf(der, der.length * 2);
        }
        if (pads == 1) {
            der[out++] = (byte) (bits >> 10);
            der[out++] = (byte) (bits >> 2);
        } else {
            der[out++] = (byte) (bits >> 4);
        }
        return out;
    }

    private boolean is(int from, int to, byte[] text) {
        return to - from == text.length && MetadataParser.at(buffer, from, text);
    }

    private boolean startsWith(int from, int to, byte[] prefix) {
        return to - from >= prefix.length && MetadataParser.at(buffer, from, prefix);
    }

    private boolean endsWith(int from, int to, byte[] suffix) {
        return to - from >= suffix.length && MetadataParser.at(buffer, to - suffix.length, suffix);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
