// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.http2.ErrorCode;
import multipass.http2.Http2Stream;
import multipass.api.Status;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Why a server does not start a call, from its Request-Headers alone (grpc's
 * doc/PROTOCOL-HTTP2.md "Requests"), and the Trailers-Only answer that says so: 405 for a
 * method other than POST, 415 for a content-type other than application/grpc (as the spec
 * asks, so that a plain HTTP client does not take the error for a success), 200 with
 * UNIMPLEMENTED for a malformed path or an encoding we do not speak.
 *
 * @param httpStatus the response's :status
 * @param status     its grpc-status
 * @param message    its grpc-message, naming the offending value
 * @param extra      further trailers (grpc-accept-encoding)
 */
record Refusal(int httpStatus, Status status, String message, List<HeaderField> extra) {
    private static final System.Logger LOG = System.getLogger(Refusal.class.getName());

    /** What is wrong with {@code headers}, or null when a call may start. */
    static Refusal of(List<HeaderField> headers) {
        String method = GrpcHeaders.get(headers, ":method");
        if (!"POST".equals(method)) {
            return new Refusal(GrpcServer.HTTP_METHOD_NOT_ALLOWED, Status.INTERNAL, "method " + quote(method) + " is not POST", List.of());
        }
        String contentType = GrpcHeaders.get(headers, GrpcHeaders.CONTENT_TYPE);
        if (!GrpcHeaders.isGrpcContentType(contentType)) {
            return new Refusal(GrpcServer.HTTP_UNSUPPORTED_MEDIA_TYPE, Status.INTERNAL, "content-type " + quote(contentType)
                    + " is not application/grpc", List.of());
        }
        String path = GrpcHeaders.get(headers, ":path");
        if (!isMethodPath(path)) {
            return new Refusal(200, Status.UNIMPLEMENTED, "malformed method name: " + quote(path), List.of());
        }
        String encoding = GrpcHeaders.get(headers, GrpcHeaders.ENCODING);
        if (encoding != null && !encoding.equals(GrpcHeaders.IDENTITY)) {
            return new Refusal(200, Status.UNIMPLEMENTED, "grpc-encoding " + quote(encoding) + " is not supported",
                    List.of(new HeaderField(GrpcHeaders.ACCEPT_ENCODING, GrpcHeaders.IDENTITY)));
        }
        return null;
    }

    /** True for {@code /<service>/<method>}: two non-empty parts, no further slash. */
    static boolean isMethodPath(String path) {
        if (path == null || path.length() < 4 || path.charAt(0) != '/') {
            return false;
        }
        int slash = path.indexOf('/', 1);
        return slash > 1 && slash < path.length() - 1 && path.indexOf('/', slash + 1) < 0;
    }

    /** Sends the answer, and RST_STREAM NO_ERROR when the client is still sending (RFC 9113 section 8.1). */
    void send(Http2Stream stream, boolean clientDone) {
        try {
            stream.writeHeaders(GrpcHeaders.trailersOnly(httpStatus, status, message, extra), true);
            if (!clientDone) {
                stream.reset(ErrorCode.NO_ERROR);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "could not refuse stream {0}: {1}", stream.id(), e.getMessage());
        }
    }

    private static String quote(String value) {
        return value == null ? "(none)" : "\"" + value + "\"";
    }
}
