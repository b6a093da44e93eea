// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

/**
 * The application behind a {@link GrpcServer}: starts each call whose request headers passed
 * the checks of grpc's doc/PROTOCOL-HTTP2.md. Runs on the server's executor, never on the
 * connection's reader thread, so it may block (briefly: the call's messages wait for it).
 */
@FunctionalInterface
public interface CallHandler {
    /**
     * Starts the call to {@code path} ({@code /<service>/<method>}). Returns the listener for
     * its messages, or null for a method it does not know (the call then ends with
     * UNIMPLEMENTED "Method not found: path").
     */
    MessageListener start(String path, ServerCall call);
}
