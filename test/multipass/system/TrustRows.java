package multipass.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the output of {@code multipass trust list --format json}: an object whose one member,
 * {@code "trusted"}, is an array of objects of string members. A strict little parser for
 * exactly that shape (objects, arrays, strings with escapes), so that any other output is an
 * error that quotes it, not a silently wrong row.
 */
final class TrustRows {
    private final String text;
    private int at;

    private TrustRows(String text) {
        this.text = text;
    }

    /** The rows, each an ordered map of field to value (fingerprint, user, uid, method, admitted). */
    static List<Map<String, String>> parseJson(String json) {
        TrustRows parser = new TrustRows(json);
        parser.expect('{');
        String key = parser.string();
        if (!key.equals("trusted")) {
            throw parser.error("expected the member \"trusted\"");
        }
        parser.expect(':');
        parser.expect('[');
        List<Map<String, String>> rows = new ArrayList<>();
        if (!parser.consume(']')) {
            do {
                rows.add(parser.row());
            } while (parser.consume(','));
            parser.expect(']');
        }
        parser.expect('}');
        parser.skipSpace();
        if (parser.at != json.length()) {
            throw parser.error("trailing text");
        }
        return rows;
    }

    /** Only the rows whose {@code field} is {@code value}. */
    static List<Map<String, String>> where(List<Map<String, String>> rows, String field, String value) {
        return rows.stream().filter(row -> value.equals(row.get(field))).toList();
    }

    private Map<String, String> row() {
        Map<String, String> row = new LinkedHashMap<>();
        expect('{');
        if (!consume('}')) {
            do {
                String key = string();
                expect(':');
                if (row.put(key, string()) != null) {
                    throw error("duplicate member \"" + key + "\"");
                }
            } while (consume(','));
            expect('}');
        }
        return row;
    }

    private String string() {
        expect('"');
        StringBuilder value = new StringBuilder();
        while (at < text.length() && text.charAt(at) != '"') {
            char c = text.charAt(at++);
            if (c == '\\') {
                if (at >= text.length()) {
                    throw error("unterminated escape");
                }
                char e = text.charAt(at++);
                switch (e) {
                    case 'n' -> value.append('\n');
                    case 't' -> value.append('\t');
                    case 'r' -> value.append('\r');
                    case 'u' -> {
                        value.append((char) Integer.parseInt(text.substring(at, Math.min(at + 4, text.length())), 16));
                        at += 4;
                    }
                    default -> value.append(e);
                }
            } else {
                value.append(c);
            }
        }
        expect('"');
        return value.toString();
    }

    private boolean consume(char c) {
        skipSpace();
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        skipSpace();
        if (at >= text.length() || text.charAt(at) != c) {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("not the JSON of `trust list --format json`: " + what + " at offset " + at + " of:\n" + text);
    }
}
