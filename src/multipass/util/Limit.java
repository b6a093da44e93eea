// SPDX-License-Identifier: Apache-2.0
package multipass.util;

/**
 * One key of the daemon's {@code [Limits]} section as written in {@code multipassd.conf}: its
 * name, its default, the least value it accepts, and whether it counts seconds. The groups of
 * limits ({@code AuthLimits}, {@code ConnectionLimits}) tabulate theirs as constants, so each
 * key is spelled once.
 */
public record Limit(String key, int defaultValue, int least, boolean seconds) {
    /** A key counting seconds. */
    public static Limit seconds(String key, int defaultValue, int least) {
        return new Limit(key, defaultValue, least, true);
    }

    /** A key counting things. */
    public static Limit count(String key, int defaultValue, int least) {
        return new Limit(key, defaultValue, least, false);
    }
}
