// SPDX-License-Identifier: Apache-2.0
package multipass.testing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny strict JSON reader (RFC 8259) for checking the CLI's {@code --format json} output by
 * structure rather than by text: objects become ordered {@code Map}s, arrays {@code List}s,
 * strings {@code String}s, numbers {@code BigDecimal}s, and {@code true}/{@code false}/{@code null}
 * themselves. Anything else (trailing commas, duplicate keys, bad escapes, text after the
 * value) throws {@link IllegalArgumentException} with the offset.
 */
public final class Json {
    private final String text;
    private int at;

    private Json(String text) {
        this.text = text;
    }

    /** The value {@code text} holds, surrounded by optional whitespace only. */
    public static Object parse(String text) {
        Json json = new Json(text);
        Object value = json.value();
        json.space();
        if (json.at != text.length()) {
            throw json.error("text after the value");
        }
        return value;
    }

    /**
     * The records of the CLI's {@code --format json} output: an object whose only member,
     * {@code key} ({@code list}, {@code info}, {@code trusted}), is an array of objects whose
     * members are all strings. Any other shape throws {@link IllegalArgumentException}.
     */
    public static List<Map<String, String>> records(String text, String key) {
        if (!(parse(text) instanceof Map<?, ?> top) || top.size() != 1 || !(top.get(key) instanceof List<?> items)) {
            throw new IllegalArgumentException("expected an object whose only member is \"" + key + "\", an array");
        }
        List<Map<String, String>> records = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> members)) {
                throw new IllegalArgumentException("expected the items of \"" + key + "\" to be objects, not " + item);
            }
            Map<String, String> record = new LinkedHashMap<>();
            for (Map.Entry<?, ?> member : members.entrySet()) {
                if (!(member.getValue() instanceof String value)) {
                    throw new IllegalArgumentException("expected a string for \"" + member.getKey() + "\", not " + member.getValue());
                }
                record.put((String) member.getKey(), value);
            }
            records.add(record);
        }
        return records;
    }

    private Object value() {
        space();
        if (at >= text.length()) {
            throw error("a value expected");
        }
        char c = text.charAt(at);
        if (c == '{') {
            return object();
        } else if (c == '[') {
            return array();
        } else if (c == '"') {
            return string();
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
        }
        for (Object literal : new Object[] {true, false, null}) {
            String word = String.valueOf(literal);
            if (text.startsWith(word, at)) {
                at += word.length();
                return literal;
            }
        }
        throw error("unexpected character '" + c + "'");
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        expect('{');
        space();
        if (peek('}')) {
            return map;
        }
        do {
            space();
            String key = string();
            space();
            expect(':');
            if (map.containsKey(key)) {
                throw error("duplicate key \"" + key + "\"");
            }
            map.put(key, value());
            space();
        } while (peek(','));
        expect('}');
        return map;
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        expect('[');
        space();
        if (peek(']')) {
            return list;
        }
        do {
            list.add(value());
            space();
        } while (peek(','));
        expect(']');
        return list;
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            } else if (c < 0x20) {
                throw error("control character in a string");
            } else if (c != '\\') {
                out.append(c);
            } else if (at < text.length() && "\"\\/bfnrt".indexOf(text.charAt(at)) >= 0) {
                out.append("\"\\/\b\f\n\r\t".charAt("\"\\/bfnrt".indexOf(text.charAt(at++))));
            } else if (at + 5 <= text.length() && text.charAt(at) == 'u' && text.substring(at + 1, at + 5).matches("[0-9a-fA-F]{4}")) {
                out.append((char) Integer.parseInt(text.substring(at + 1, at + 5), 16));
                at += 5;
            } else {
                throw error("bad escape");
            }
        }
    }

    private BigDecimal number() {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String literal = text.substring(start, at);
        if (!literal.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            throw error("bad number '" + literal + "'");
        }
        return new BigDecimal(literal);
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private boolean peek(char c) {
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "' expected");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("invalid JSON at offset " + at + ": " + what);
    }
}
