// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.api.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header blocks of a gRPC call (grpc's doc/PROTOCOL-HTTP2.md): Response-Headers,
 * Trailers and Trailers-Only, and looking a field up in a received block. Stateless.
 */
final class GrpcHeaders {
    static final String CONTENT_TYPE = "content-type";
    static final String GRPC_CONTENT_TYPE = "application/grpc";
    static final String STATUS = "grpc-status";
    static final String MESSAGE = "grpc-message";
    static final String ENCODING = "grpc-encoding";
    static final String ACCEPT_ENCODING = "grpc-accept-encoding";
    /** The only Message-Encoding we speak. */
    static final String IDENTITY = "identity";

    private GrpcHeaders() {
    }

    /** The value of the first field named {@code name} in {@code fields}, or null. */
    static String get(List<HeaderField> fields, String name) {
        for (HeaderField field : fields) {
            if (field.name().equals(name)) {
                return field.value();
            }
        }
        return null;
    }

    /** True for a content-type that names gRPC: application/grpc, alone or with a subtype (+proto) or parameters. */
    static boolean isGrpcContentType(String value) {
        if (value == null || !value.regionMatches(true, 0, GRPC_CONTENT_TYPE, 0, GRPC_CONTENT_TYPE.length())) {
            return false;
        }
        if (value.length() == GRPC_CONTENT_TYPE.length()) {
            return true;
        }
        char next = value.charAt(GRPC_CONTENT_TYPE.length());
        return next == '+' || next == ';';
    }

    /** Response-Headers: HTTP-Status 200, Content-Type, and the encodings we accept. */
    static List<HeaderField> responseHeaders() {
        return List.of(new HeaderField(":status", "200"), new HeaderField(CONTENT_TYPE, GRPC_CONTENT_TYPE),
                new HeaderField(ACCEPT_ENCODING, IDENTITY));
    }

    /** Trailers: Status, the percent-encoded Status-Message when there is one, then {@code extra}. */
    static List<HeaderField> trailers(Status status, String message, List<HeaderField> extra) {
        List<HeaderField> fields = new ArrayList<>(extra.size() + 2);
        fields.add(new HeaderField(STATUS, Integer.toString(status.code())));
        if (message != null && !message.isEmpty()) {
            fields.add(new HeaderField(MESSAGE, PercentEncoding.encode(message)));
        }
        for (HeaderField field : extra) {
            checkMetadata(field);
            fields.add(field);
        }
        return fields;
    }

    /** Trailers-Only: HTTP-Status {@code httpStatus}, Content-Type and the trailers, in one block. */
    static List<HeaderField> trailersOnly(int httpStatus, Status status, String message, List<HeaderField> extra) {
        return trailersOnly(httpStatus, trailers(status, message, extra));
    }

    /** Trailers-Only made of {@code trailers} built by {@link #trailers}. */
    static List<HeaderField> trailersOnly(int httpStatus, List<HeaderField> trailers) {
        List<HeaderField> fields = new ArrayList<>(trailers.size() + 2);
        fields.add(new HeaderField(":status", Integer.toString(httpStatus)));
        fields.add(new HeaderField(CONTENT_TYPE, GRPC_CONTENT_TYPE));
        fields.addAll(trailers);
        return fields;
    }

    /** Custom-Metadata must not pass for a pseudo-header or a field of the call's own. */
    static void checkMetadata(HeaderField field) {
        String name = field.name();
        if (name.isEmpty() || name.startsWith(":") || name.equals(STATUS) || name.equals(MESSAGE) || name.equals(CONTENT_TYPE)
                || !name.equals(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("\"" + name + "\" is not a name for custom metadata");
        }
    }
}
