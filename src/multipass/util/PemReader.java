// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads PEM blocks one at a time from bytes, so a file of 100,000 certificates is never held
 * whole in memory nor turned into characters (see {@link Pem#decode}, which reads a string with
 * it, for the rules). Lines end at {@code \n}; each is stripped of whitespace, so {@code \r\n}
 * and surrounding blanks do not matter. Lines outside blocks are the preamble of the next
 * block, decoded with the charset given. Not thread-safe.
 */
public final class PemReader {
    private static final byte[] BEGIN = "-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DASHES = "-----".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    private final Charset preambleCharset;
    private byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private boolean eof;
    private int lineNumber;
    /** The current line's stripped bytes: {@code buffer[start, end)}. */
    private int start;
    private int end;
    private byte[] base64 = new byte[1024];

    public PemReader(InputStream in, Charset preambleCharset) {
        this.in = in;
        this.preambleCharset = preambleCharset;
    }

    /** The next block, or null at the end of the input. */
    public Pem.Block next() throws IOException, Pem.PemException {
        List<String> preamble = new ArrayList<>();
        while (readLine()) {
            if (!startsWith(BEGIN) || !endsWith(DASHES) || end - start < BEGIN.length + DASHES.length) {
                if (end > start) {
                    preamble.add(new String(buffer, start, end - start, preambleCharset));
                }
                continue;
            }
            return block(preamble);
        }
        return null;
    }

    private Pem.Block block(List<String> preamble) throws IOException, Pem.PemException {
        String beginLine = new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
        String label = beginLine.substring(BEGIN.length, beginLine.length() - DASHES.length);
        byte[] endLine = ("-----END " + label + "-----").getBytes(StandardCharsets.ISO_8859_1);
        int begin = lineNumber;
        int length = 0;
        boolean closed = false;
        while (readLine()) {
            if (end - start == endLine.length && Arrays.equals(buffer, start, end, endLine, 0, endLine.length)) {
                closed = true;
                break;
            }
            if (startsWith(DASHES)) {
                throw new Pem.PemException("line " + lineNumber + ": expected '" + label(endLine) + "' to close the block opened at line " + begin);
            }
            if (length + end - start > base64.length) {
                base64 = Arrays.copyOf(base64, Math.max(base64.length * 2, length + end - start));
            }
            System.arraycopy(buffer, start, base64, length, end - start);
            length += end - start;
        }
        if (!closed) {
            throw new Pem.PemException("line " + begin + ": '" + beginLine + "' has no matching '" + label(endLine) + "'");
        }
        try {
            return new Pem.Block(label, Base64.getDecoder().decode(Arrays.copyOf(base64, length)), List.copyOf(preamble), begin);
        } catch (IllegalArgumentException e) {
            throw new Pem.PemException("line " + begin + ": invalid base64 in the " + label + " block", e);
        }
    }

    private static String label(byte[] line) {
        return new String(line, StandardCharsets.ISO_8859_1);
    }

    /** Moves to the next line ({@link #start}, {@link #end}: its stripped bytes); false at the end of the input. */
    private boolean readLine() throws IOException {
        int from = position;
        while (true) {
            for (int i = from; i < limit; i++) {
                if (buffer[i] == '\n') {
                    setLine(position, i);
                    position = i + 1;
                    return true;
                }
            }
            from = limit;
            if (eof) {
                if (position == limit) {
                    return false;
                }
                setLine(position, limit);
                position = limit;
                return true;
            }
            from -= compactAndFill();
        }
    }

    /** Keeps the unread part at the start of the buffer (grown if a line fills it), reads more; returns the shift. */
    private int compactAndFill() throws IOException {
        int shift = position;
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
        if (limit == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int read = in.read(buffer, limit, buffer.length - limit);
        if (read < 0) {
            eof = true;
        } else {
            limit += read;
        }
        return shift;
    }

    private void setLine(int from, int to) {
        lineNumber++;
        while (from < to && Character.isWhitespace((char) (buffer[from] & 0xff))) {
            from++;
        }
        while (to > from && Character.isWhitespace((char) (buffer[to - 1] & 0xff))) {
            to--;
        }
        start = from;
        end = to;
    }

    private boolean startsWith(byte[] prefix) {
        return end - start >= prefix.length && Arrays.equals(buffer, start, start + prefix.length, prefix, 0, prefix.length);
    }

    private boolean endsWith(byte[] suffix) {
        return end - start >= suffix.length && Arrays.equals(buffer, end - suffix.length, end, suffix, 0, suffix.length);
    }
}
