// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.api.Status;

/**
 * What happens on one server call after {@link CallHandler#start}: the request messages
 * (grpc's doc/PROTOCOL-HTTP2.md Length-Prefixed-Messages) in order, then the client's
 * half-close or a cancellation. Calls come on the server's executor, one at a time per call
 * (each happens-before the next), never on the connection's reader thread; a listener may
 * block, and the call's later messages wait for it. A client may never half-close (Canonical's
 * {@code multipass} does not): answer from {@link #onMessage}.
 */
public interface MessageListener {
    /** One complete request message. */
    void onMessage(byte[] message);

    /** The client finished sending; no message follows. */
    default void onHalfClose() {
    }

    /**
     * The call ended without our {@link ServerCall#close}: CANCELLED when the client reset the
     * stream or the connection was lost, DEADLINE_EXCEEDED when its {@code grpc-timeout}
     * passed (the server has already sent that status). Nothing can be sent any more; nothing
     * follows.
     */
    default void onCancel(Status reason) {
    }
}
