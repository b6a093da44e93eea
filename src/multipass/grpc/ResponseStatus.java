// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.api.Status;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a call's status from what the server sent (grpc's doc/PROTOCOL-HTTP2.md
 * "Responses"): Trailers, or Trailers-Only; Response-Headers that are not gRPC's (an HTTP
 * status other than 200, another content-type: grpc's doc/http-grpc-status-mapping.md).
 * {@code grpc-status} wins whenever present; without it, a 200 response is UNKNOWN. Stateless.
 */
final class ResponseStatus {
    private ResponseStatus() {
    }

    /**
     * The status in a block that ended the stream: {@code block} is the Trailers, or (when
     * {@code responseHeaders} is null) a Trailers-Only response.
     */
    static CallResult fromTrailers(List<HeaderField> responseHeaders, List<HeaderField> block) {
        List<HeaderField> head = responseHeaders == null ? block : responseHeaders;
        String grpcStatus = GrpcHeaders.get(block, GrpcHeaders.STATUS);
        String raw = GrpcHeaders.get(block, GrpcHeaders.MESSAGE);
        String message = raw == null ? "" : PercentEncoding.decode(raw);
        if (grpcStatus != null) {
            return new CallResult(StatusCodes.parse(grpcStatus), message, metadata(block));
        }
        CallResult notGrpc = notGrpc(head);
        if (notGrpc != null) {
            return new CallResult(notGrpc.status(), notGrpc.message(), metadata(block));
        }
        return new CallResult(Status.UNKNOWN, "the server sent no grpc-status", metadata(block));
    }

    /** The status for Response-Headers that do not start a gRPC response, or null when they do. */
    static CallResult notGrpc(List<HeaderField> responseHeaders) {
        String http = GrpcHeaders.get(responseHeaders, ":status");
        int code = parseHttpStatus(http);
        if (code != 200) {
            return CallResult.local(StatusCodes.fromHttp(code), "HTTP status " + (http == null ? "(none)" : http) + " from the server");
        }
        String contentType = GrpcHeaders.get(responseHeaders, GrpcHeaders.CONTENT_TYPE);
        if (!GrpcHeaders.isGrpcContentType(contentType)) {
            return CallResult.local(Status.UNKNOWN, "content-type " + (contentType == null ? "(none)" : "\"" + contentType + "\"")
                    + " from the server is not application/grpc");
        }
        return null;
    }

    private static int parseHttpStatus(String value) {
        if (value == null || value.length() != 3) {
            return -1;
        }
        for (int i = 0; i < 3; i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(value);
    }

    /** {@code block} without its pseudo-headers. */
    private static List<HeaderField> metadata(List<HeaderField> block) {
        List<HeaderField> fields = new ArrayList<>(block.size());
        for (HeaderField field : block) {
            if (!field.name().startsWith(":")) {
                fields.add(field);
            }
        }
        return fields;
    }
}
