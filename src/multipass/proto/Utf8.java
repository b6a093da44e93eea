// SPDX-License-Identifier: Apache-2.0
package multipass.proto;

/**
 * Strict UTF-8 checks (RFC 3629 section 4, the well-formed byte sequences): no overlong forms,
 * no encoded surrogates, nothing above U+10FFFF. proto3 requires {@code string} fields to be
 * valid UTF-8, and Java's {@code new String(bytes, UTF_8)} would silently replace what is not.
 * Allocation-free, so checking a string costs nothing in proportion to a hostile input.
 */
final class Utf8 {
    private Utf8() {
    }

    /** Whether {@code bytes[from, to)} is well-formed UTF-8. */
    static boolean isWellFormed(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int lead = bytes[i] & 0xFF;
            if (lead < 0x80) {
                i++;
                continue;
            }
            int continuations;
            if (lead >= 0xC2 && lead <= 0xDF) {
                continuations = 1;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                continuations = 2;
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                continuations = 3;
            } else {
                return false; // a continuation byte, C0/C1 (always overlong) or F5-FF (beyond U+10FFFF)
            }
            if (to - i <= continuations) {
                return false;
            }
            int second = bytes[i + 1] & 0xFF;
            if (lead == 0xE0 && second < 0xA0 || lead == 0xF0 && second < 0x90) {
                return false; // overlong
            }
            if (lead == 0xED && second > 0x9F) {
                return false; // a surrogate, U+D800-U+DFFF
            }
            if (lead == 0xF4 && second > 0x8F) {
                return false; // above U+10FFFF
            }
            for (int k = 1; k <= continuations; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += continuations + 1;
        }
        return true;
    }

    /** Whether {@code text} has no unpaired surrogate, so that it has a UTF-8 encoding. */
    static boolean isEncodable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
