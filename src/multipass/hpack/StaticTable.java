// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The static table of RFC 7541 Appendix A: 61 fields, indices 1 to 61 (section 2.3.1). The
 * dynamic table's indices follow it (section 2.3.3). Immutable; safe for any thread.
 */
final class StaticTable {
    /** The number of entries; the dynamic table starts at the next index. */
    static final int LENGTH = 61;

    private static final List<HeaderField> ENTRIES = List.of(
            field(":authority", ""), field(":method", "GET"), field(":method", "POST"), field(":path", "/"),
            field(":path", "/index.html"), field(":scheme", "http"), field(":scheme", "https"), field(":status", "200"),
            field(":status", "204"), field(":status", "206"), field(":status", "304"), field(":status", "400"),
            field(":status", "404"), field(":status", "500"), field("accept-charset", ""),
            field("accept-encoding", "gzip, deflate"), field("accept-language", ""), field("accept-ranges", ""),
            field("accept", ""), field("access-control-allow-origin", ""), field("age", ""), field("allow", ""),
            field("authorization", ""), field("cache-control", ""), field("content-disposition", ""),
            field("content-encoding", ""), field("content-language", ""), field("content-length", ""),
            field("content-location", ""), field("content-range", ""), field("content-type", ""), field("cookie", ""),
            field("date", ""), field("etag", ""), field("expect", ""), field("expires", ""), field("from", ""),
            field("host", ""), field("if-match", ""), field("if-modified-since", ""), field("if-none-match", ""),
            field("if-range", ""), field("if-unmodified-since", ""), field("last-modified", ""), field("link", ""),
            field("location", ""), field("max-forwards", ""), field("proxy-authenticate", ""),
            field("proxy-authorization", ""), field("range", ""), field("referer", ""), field("refresh", ""),
            field("retry-after", ""), field("server", ""), field("set-cookie", ""), field("strict-transport-security", ""),
            field("transfer-encoding", ""), field("user-agent", ""), field("vary", ""), field("via", ""),
            field("www-authenticate", ""));

    /** Index of every field, and of the first field with each name (for the encoder). */
    private static final Map<HeaderField, Integer> BY_FIELD = new HashMap<>();
    private static final Map<String, Integer> BY_NAME = new HashMap<>();

    static {
        for (int i = 0; i < ENTRIES.size(); i++) {
            BY_FIELD.put(ENTRIES.get(i), i + 1);
            BY_NAME.putIfAbsent(ENTRIES.get(i).name(), i + 1);
        }
    }

    private StaticTable() {
    }

    private static HeaderField field(String name, String value) {
        return new HeaderField(name, value);
    }

    /** The entry at {@code index}, 1 to {@link #LENGTH}. */
    static HeaderField get(int index) {
        return ENTRIES.get(index - 1);
    }

    /** The index of an entry equal to {@code field}, or 0 if none. */
    static int indexOf(HeaderField field) {
        return BY_FIELD.getOrDefault(field, 0);
    }

    /** The lowest index of an entry named {@code name}, or 0 if none. */
    static int indexOfName(String name) {
        return BY_NAME.getOrDefault(name, 0);
    }
}
