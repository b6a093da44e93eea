// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link PercentEncoding}: grpc-message, as doc/PROTOCOL-HTTP2.md encodes it. */
class PercentEncodingTest {
    /** Multipass's UNAUTHENTICATED text, with its blank line. */
    static final String NOT_AUTHENTICATED = "The user is not authenticated with the Multipass service.\n\n"
            + "Please authenticate before proceeding (e.g. via 'multipass authenticate'). Note that you first need an authenticated user"
            + " to set and provide you with a trusted passphrase (e.g. via 'multipass set local.passphrase').";

    @Test
    void printableAsciiStaysAndTheRestIsEscapedAsUtf8() {
        assertEquals("plain text, (with) 'punctuation' ~!", PercentEncoding.encode("plain text, (with) 'punctuation' ~!"));
        assertEquals("100%25", PercentEncoding.encode("100%"));
        assertEquals("a%0Ab%0D%09%7F", PercentEncoding.encode("a\nb\r\t\u007F"));
        assertEquals("caf%C3%A9 %E2%9C%93 %F0%9F%98%80", PercentEncoding.encode("café ✓ 😀"));
        assertEquals("%00", PercentEncoding.encode("\0"));
    }

    @Test
    void theUnauthenticatedTextRoundTrips() {
        String encoded = PercentEncoding.encode(NOT_AUTHENTICATED);
        assertEquals(true, encoded.startsWith("The user is not authenticated with the Multipass service.%0A%0APlease"), encoded);
        assertEquals(true, encoded.chars().allMatch(c -> c >= 0x20 && c <= 0x7E), encoded);
        assertEquals(NOT_AUTHENTICATED, PercentEncoding.decode(encoded));
    }

    @Test
    void everyCharacterRoundTrips() {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c < 0x3000; c++) {
            if (!Character.isSurrogate((char) c)) {
                all.append((char) c);
            }
        }
        all.append("😀𝄞");
        assertEquals(all.toString(), PercentEncoding.decode(PercentEncoding.encode(all.toString())));
    }

    @Test
    void decodingNeverFails() {
        assertEquals("lower %c3%a9 is é", PercentEncoding.decode("lower %25c3%25a9 is %c3%a9"));
        assertEquals("broken %zz and %4 and %", PercentEncoding.decode("broken %zz and %4 and %"));
        assertEquals("%٣٣ stays", PercentEncoding.decode("%٣٣ stays"));
        assertEquals("not utf-8 %FF%FE", PercentEncoding.decode("not utf-8 %FF%FE"), "bytes that are not UTF-8: the raw value");
        assertEquals("", PercentEncoding.decode(""));
    }
}
