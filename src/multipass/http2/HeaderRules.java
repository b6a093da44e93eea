// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;

import java.util.List;
import java.util.Set;

/**
 * The checks RFC 9113 section 8.2 and section 8.3 make on a decoded header list: field names
 * lower case and free of separators and controls, values free of NUL, CR and LF and of
 * surrounding white space, no connection-specific fields, {@code te} only as
 * {@code trailers}, pseudo-header fields only the ones the message kind allows, each once and
 * before every regular field. A list that fails is malformed: a stream error PROTOCOL_ERROR
 * (section 8.1.1). Stateless.
 */
final class HeaderRules {
    /** Fields that are specific to an HTTP/1.1 connection and so malformed in HTTP/2 (section 8.2.2). */
    private static final Set<String> CONNECTION_SPECIFIC =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");
    private static final Set<String> REQUEST_PSEUDO = Set.of(":method", ":scheme", ":path", ":authority");
    private static final Set<String> REQUIRED_REQUEST_PSEUDO = Set.of(":method", ":scheme", ":path");

    private HeaderRules() {
    }

    /** A request's header section (section 8.3.1): :method, :scheme and :path once each, :authority at most once. */
    static void checkRequest(int streamId, List<HeaderField> fields) throws Http2Exception {
        checkPseudo(streamId, fields, REQUEST_PSEUDO, REQUIRED_REQUEST_PSEUDO);
    }

    /** A response's header section (section 8.3.2): :status once, three digits. */
    static void checkResponse(int streamId, List<HeaderField> fields) throws Http2Exception {
        checkPseudo(streamId, fields, Set.of(":status"), Set.of(":status"));
        String status = fields.get(0).value();
        if (status.length() != 3 || !status.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw malformed(streamId, ":status not three digits: " + status);
        }
    }

    /** Trailers (section 8.1): no pseudo-header fields at all. */
    static void checkTrailers(int streamId, List<HeaderField> fields) throws Http2Exception {
        checkPseudo(streamId, fields, Set.of(), Set.of());
    }

    /** True for an informational (1xx) response, which a final response follows (section 8.1). */
    static boolean isInformational(List<HeaderField> fields) {
        return !fields.isEmpty() && fields.get(0).value().startsWith("1");
    }

    private static void checkPseudo(int streamId, List<HeaderField> fields, Set<String> allowed, Set<String> required)
            throws Http2Exception {
        boolean regularSeen = false;
        int requiredSeen = 0;
        for (int i = 0; i < fields.size(); i++) {
            HeaderField field = fields.get(i);
            String name = field.name();
            checkField(streamId, field);
            if (!name.startsWith(":")) {
                regularSeen = true;
                continue;
            }
            if (regularSeen) {
                throw malformed(streamId, "pseudo-header field " + name + " after a regular field");
            }
            if (!allowed.contains(name)) {
                throw malformed(streamId, "pseudo-header field " + name + " not allowed here");
            }
            for (int j = 0; j < i; j++) {
                if (fields.get(j).name().equals(name)) {
                    throw malformed(streamId, "pseudo-header field " + name + " repeated");
                }
            }
            if (required.contains(name)) {
                requiredSeen++;
            }
        }
        if (requiredSeen != required.size()) {
            throw malformed(streamId, "missing one of the pseudo-header fields " + required);
        }
    }

    private static void checkField(int streamId, HeaderField field) throws Http2Exception {
        String name = field.name();
        if (name.isEmpty() || name.equals(":")) {
            throw malformed(streamId, "empty field name");
        }
        for (int i = name.startsWith(":") ? 1 : 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || (c >= 'A' && c <= 'Z') || c == ':') {
                throw malformed(streamId, "invalid character 0x" + Integer.toHexString(c) + " in field name " + name);
            }
        }
        if (CONNECTION_SPECIFIC.contains(name)) {
            throw malformed(streamId, "connection-specific field " + name);
        }
        String value = field.value();
        if (name.equals("te") && !value.equals("trailers")) {
            throw malformed(streamId, "te other than trailers: " + value);
        }
        if (value.indexOf('\0') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw malformed(streamId, "NUL, CR or LF in the value of " + name);
        }
        if (!value.isEmpty() && (isBlank(value.charAt(0)) || isBlank(value.charAt(value.length() - 1)))) {
            throw malformed(streamId, "white space around the value of " + name);
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static Http2Exception malformed(int streamId, String why) {
        return Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR, "malformed header list: " + why);
    }
}
