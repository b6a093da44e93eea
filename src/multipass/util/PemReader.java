// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads PEM blocks one at a time from a {@link Reader}, so a file of 100,000 certificates is
 * never held whole in memory (see {@link Pem#decode}, which reads a string with it, for the
 * rules). Lines end at {@code \n}; each is stripped, so {@code \r\n} and surrounding blanks do
 * not matter. Lines outside blocks are the preamble of the next block. Not thread-safe.
 */
public final class PemReader {
    private final Reader in;
    private final char[] buffer = new char[1 << 16];
    private final StringBuilder line = new StringBuilder(80);
    private int position;
    private int limit;
    private int lineNumber;
    private boolean eof;

    public PemReader(Reader in) {
        this.in = in;
    }

    /** The next block, or null at the end of the input. */
    public Pem.Block next() throws IOException, Pem.PemException {
        List<String> preamble = new ArrayList<>();
        String text;
        while ((text = readLine()) != null) {
            if (!text.startsWith("-----BEGIN ") || !text.endsWith("-----")) {
                if (!text.isEmpty()) {
                    preamble.add(text);
                }
                continue;
            }
            return block(text, preamble);
        }
        return null;
    }

    private Pem.Block block(String beginLine, List<String> preamble) throws IOException, Pem.PemException {
        String label = beginLine.substring("-----BEGIN ".length(), beginLine.length() - 5);
        int begin = lineNumber;
        StringBuilder base64 = new StringBuilder(1024);
        String end = "-----END " + label + "-----";
        String text;
        while ((text = readLine()) != null && !text.equals(end)) {
            if (text.startsWith("-----")) {
                throw new Pem.PemException("line " + lineNumber + ": expected '" + end + "' to close the block opened at line " + begin);
            }
            base64.append(text);
        }
        if (text == null) {
            throw new Pem.PemException("line " + begin + ": '" + beginLine + "' has no matching '" + end + "'");
        }
        try {
            return new Pem.Block(label, Base64.getDecoder().decode(base64.toString()), List.copyOf(preamble), begin);
        } catch (IllegalArgumentException e) {
            throw new Pem.PemException("line " + begin + ": invalid base64 in the " + label + " block", e);
        }
    }

    /** The next line, stripped, or null at the end. */
    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            if (position == limit) {
                if (eof || !fill()) {
                    if (line.length() == 0 && eof) {
                        return null;
                    }
                    lineNumber++;
                    return line.toString().strip();
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            line.append(buffer, start, position - start);
            if (position < limit) {
                position++;
                lineNumber++;
                return line.toString().strip();
            }
        }
    }

    private boolean fill() throws IOException {
        int read = in.read(buffer, 0, buffer.length);
        if (read < 0) {
            eof = true;
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }
}
