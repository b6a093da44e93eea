// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.api.Status;

import java.util.List;

/**
 * How a client call ended (grpc's doc/PROTOCOL-HTTP2.md "Responses"): the status from
 * {@code grpc-status} (or what the spec says to make of its absence), the decoded
 * {@code grpc-message} (empty when none), and the trailer fields without pseudo-headers.
 */
public record CallResult(Status status, String message, List<HeaderField> trailers) {
    /**
     * The message of a call the server refused before processing it (RST_STREAM
     * REFUSED_STREAM, or a GOAWAY below its stream: RFC 9113 section 8.7), which ends
     * UNAVAILABLE, as gRPC reports it.
     */
    public static final String REFUSED = "the server refused the call before processing it (REFUSED_STREAM): it may be retried";

    public CallResult {
        trailers = List.copyOf(trailers);
    }

    /** A result made on this side (deadline, limit), with no trailers from the server. */
    static CallResult local(Status status, String message) {
        return new CallResult(status, message, List.of());
    }

    /** A refused call ({@link #REFUSED}): safe to retry (on a new connection after a GOAWAY), unlike a connection lost under it. */
    static CallResult refused() {
        return local(Status.UNAVAILABLE, REFUSED);
    }

    /** True for a call the server refused unprocessed, made on this side (see {@link #REFUSED}). */
    public boolean isRefused() {
        return status == Status.UNAVAILABLE && REFUSED.equals(message) && trailers.isEmpty();
    }

    /** True when the status is OK. */
    public boolean isOk() {
        return status == Status.OK;
    }
}
