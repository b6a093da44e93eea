// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory and disk sizes as Multipass writes them: a whole number of bytes ({@code 1073741824},
 * {@code 1073741824B}), or a number with a binary unit {@code K}, {@code M} or {@code G}
 * (1024-based), optionally followed by {@code B} or {@code iB}, any case: {@code 512M},
 * {@code 1G}, {@code 5GiB}, {@code 1.5g}. A decimal needs a unit (a fraction of a byte makes no
 * sense). Unlike Multipass, no surrounding spaces are accepted, and a value too large for a
 * {@code long} is an error rather than a wrap-around. Stateless.
 */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)(?:\\.(\\d+)(?=[KMG]))?(?:([KMG])(?:I?B)?|B)?");
    /** Longer input is refused before any arithmetic: no real size needs more characters. */
    private static final int MAX_LENGTH = 32;
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Sizes() {
    }

    /** The number of bytes {@code text} stands for; throws {@link IllegalArgumentException} naming it when it is not a size. */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.toUpperCase(Locale.ROOT));
        if (text.length() > MAX_LENGTH && m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is too large a size");
        }
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a valid size: use a positive integer in bytes, or a decimal"
                    + " with a K, M or G suffix (e.g. 512M, 1.5G)");
        }
        long multiplier = m.group(3) == null ? 1 : 1L << (10 * ("KMG".indexOf(m.group(3)) + 1));
        BigDecimal number = new BigDecimal(m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2));
        try {
            return number.multiply(BigDecimal.valueOf(multiplier)).setScale(0, RoundingMode.DOWN).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a size", e);
        }
    }

    /** {@code bytes} for people, with one decimal at most: {@code 1GiB}, {@code 1.5GiB}, {@code 512MiB}, {@code 100B}. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        int unit = 0;
        double value = bytes / 1024.0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = String.format(Locale.ROOT, "%.1f", Math.floor(value * 10) / 10);
        return (number.endsWith(".0") ? number.substring(0, number.length() - 2) : number) + UNITS[unit];
    }
}
