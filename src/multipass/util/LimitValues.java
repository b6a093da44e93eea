// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The values of one table of {@link Limit}s, read from a {@code [Limits]} section: the
 * default where a key is absent, a whole number at least the key's {@link Limit#least()}
 * where it is present. Immutable.
 */
public final class LimitValues {
    /** A {@code [Limits]} value that is not a number, is out of range, or names no key; the message says which. */
    public static final class InvalidLimitException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidLimitException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Map<Limit, Integer> values;

    private LimitValues(Map<Limit, Integer> values) {
        this.values = Map.copyOf(values);
    }

    /** The values of the keys of {@code table} in {@code section}; keys of other tables are left to them. */
    public static LimitValues read(Collection<Limit> table, Map<String, String> section) {
        Map<Limit, Integer> values = new HashMap<>();
        for (Limit limit : table) {
            String text = section.get(limit.key());
            values.put(limit, text == null ? limit.defaultValue() : parse(limit, text));
        }
        return new LimitValues(values);
    }

    /** Fails on a key of {@code section} that is not in {@code known}. */
    public static void requireKnown(Map<String, String> section, Collection<Limit> known) {
        TreeSet<String> names = new TreeSet<>();
        known.forEach(limit -> names.add(limit.key()));
        for (String key : section.keySet()) {
            if (!names.contains(key)) {
                throw new InvalidLimitException("unknown key '" + key + "'; known keys: " + names, null);
            }
        }
    }

    /** The value of a count key of this table. */
    public int count(Limit limit) {
        return value(limit, false);
    }

    /** The value of a seconds key of this table. */
    public Duration seconds(Limit limit) {
        return Duration.ofSeconds(value(limit, true));
    }

    private int value(Limit limit, boolean seconds) {
        if (limit.seconds() != seconds) {
            throw new IllegalStateException(limit.key() + (limit.seconds() ? " counts seconds" : " counts things, not seconds"));
        }
        Integer value = values.get(limit);
        if (value == null) {
            throw new IllegalStateException(limit.key() + " is not a key of this table");
        }
        return value;
    }

    private static int parse(Limit limit, String text) {
        int value;
        try {
            value = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new InvalidLimitException("[Limits] " + limit.key() + "=" + text + " is not a whole number", e);
        }
        if (value < limit.least()) {
            throw new InvalidLimitException("[Limits] " + limit.key() + "=" + text + " is out of range: the least is " + limit.least(), null);
        }
        return value;
    }
}
