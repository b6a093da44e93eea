// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The Percent-Encoded value of {@code grpc-message} (grpc's doc/PROTOCOL-HTTP2.md): the text
 * as UTF-8, each byte outside 0x20-0x7E, and '%' itself, written {@code %XX} with upper-case
 * hex. Decoding never fails, as the spec requires: a broken escape is kept as it came, and
 * bytes that are not UTF-8 (or chars that are not octets) leave the whole value as it came.
 */
public final class PercentEncoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PercentEncoding() {
    }

    /** {@code text} percent-encoded; an ASCII header value. */
    public static String encode(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(utf8.length);
        for (byte b : utf8) {
            int c = b & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    /** The text {@code value} encodes; see the class comment for values that are not well formed. */
    public static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            int high = c == '%' && i + 2 < value.length() ? hex(value.charAt(i + 1)) : -1;
            int low = high < 0 ? -1 : hex(value.charAt(i + 2));
            if (low >= 0) {
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c <= 0xFF) {
                bytes.write(c); // an octet the grammar does not allow, kept as it came
            } else {
                return value; // not an octet string at all: nothing to decode
            }
        }
        try {
            CharBuffer text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()));
            return text.toString();
        } catch (CharacterCodingException e) {
            return value;
        }
    }

    /** The value of an ASCII hex digit, -1 for anything else (Character.digit takes other scripts' digits too). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        char lower = (char) (c | 0x20);
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }
}
