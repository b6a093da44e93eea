// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.api.Status;

/**
 * A gRPC call that has to end with a status other than OK because of what arrived on it: a
 * message over the limit, a compressed message without a negotiated encoding, a malformed
 * {@code grpc-timeout} (grpc's doc/PROTOCOL-HTTP2.md). Carries the status and the text that
 * goes into {@code grpc-message}; the text names the offending value.
 */
public final class GrpcException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Status status;

    public GrpcException(Status status, String message) {
        super(message);
        this.status = status;
    }

    /** The status the call ends with. */
    public Status status() {
        return status;
    }
}
