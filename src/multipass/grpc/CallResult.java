// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.protocol.Status;

import java.util.List;

/**
 * How a client call ended (grpc's doc/PROTOCOL-HTTP2.md "Responses"): the status from
 * {@code grpc-status} (or what the spec says to make of its absence), the decoded
 * {@code grpc-message} (empty when none), and the trailer fields without pseudo-headers.
 */
public record CallResult(Status status, String message, List<HeaderField> trailers) {
    public CallResult {
        trailers = List.copyOf(trailers);
    }

    /** A result made on this side (deadline, limit), with no trailers from the server. */
    static CallResult local(Status status, String message) {
        return new CallResult(status, message, List.of());
    }

    /** True when the status is OK. */
    public boolean isOk() {
        return status == Status.OK;
    }
}
