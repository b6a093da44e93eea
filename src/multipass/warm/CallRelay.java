// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.grpc.CallHandler;
import multipass.grpc.CallResult;
import multipass.grpc.GrpcClient;
import multipass.grpc.MessageListener;
import multipass.grpc.ServerCall;
import multipass.hpack.HeaderField;
import multipass.protocol.RpcMethods;
import multipass.protocol.Status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The warm client's side of a command: the CLI speaks gRPC to it over the private socket
 * exactly as it would to the daemon, after a hello call, and each call is relayed as a call
 * on the {@link SharedConnection} to the daemon:
 *
 * <pre>
 *   CLI ── hello (build, address, identity) ──► warm ── the shared connection, or a new one ──► daemon
 *   CLI ◄── OK (or a refusal: the CLI goes direct) ── warm
 *   CLI ── the call, its request message ──► warm ── the same path and bytes ──► daemon
 *   CLI ◄── every reply message, the status ── warm ◄── daemon
 * </pre>
 *
 * The request message is never decoded here (it may hold a passphrase) and its bytes are
 * zeroed once sent. If the daemon's side fails during a call, the CLI's call ends with
 * {@code INTERNAL}; it is never resent. Calls run on the warm client's call threads.
 */
final class CallRelay implements CallHandler {
    /** The hello: its one message is {@link WarmTarget#hello()}, in UTF-8. */
    static final String HELLO_PATH = "/multipass_java.Warm/hello";

    private final WarmTarget target;
    private final SharedConnection daemon;

    CallRelay(WarmTarget target, Dialer dialer) {
        this.target = target;
        this.daemon = new SharedConnection(target, dialer);
    }

    @Override
    public MessageListener start(String path, ServerCall call) {
        if (path.equals(HELLO_PATH)) {
            return message -> hello(message, call);
        }
        return new MessageListener() {
            private boolean relayed;

            @Override
            public void onMessage(byte[] message) {
                if (!relayed) {
                    relayed = true;
                    relay(path, message, call);
                }
            }
        };
    }

    /** Answers OK only for this target, once the daemon is reachable (else the CLI goes direct, having sent nothing). */
    private void hello(byte[] message, ServerCall call) {
        if (!new String(message, StandardCharsets.UTF_8).equals(target.hello())) {
            call.close(Status.FAILED_PRECONDITION, "this warm client serves another build, daemon or identity");
            return;
        }
        try {
            daemon.begin();
            daemon.done();
        } catch (IOException e) {
            // The CLI goes direct and meets the same failure, with its exact message and exit code.
            call.close(Status.FAILED_PRECONDITION, "cannot reach the daemon: " + e.getMessage());
            return;
        }
        call.close(Status.OK, "");
    }

    private void relay(String path, byte[] request, ServerCall call) {
        CallResult result;
        try {
            GrpcClient client = daemon.begin();
            try {
                result = client.call(path, request, null, call::sendMessage);
            } finally {
                daemon.done();
            }
        } catch (IOException e) {
            call.close(Status.INTERNAL, "the warm client's connection to the daemon failed: " + e.getMessage());
            return;
        } finally {
            Arrays.fill(request, (byte) 0);
        }
        call.close(result.status(), result.message(), recordMetadata(result.trailers()));
    }

    /** The trailer fields that carry an error's record, passed on as they came. */
    private static List<HeaderField> recordMetadata(List<HeaderField> trailers) {
        List<HeaderField> passed = new ArrayList<>();
        for (HeaderField field : trailers) {
            if (field.name().startsWith(RpcMethods.RECORD_METADATA_PREFIX)) {
                passed.add(field);
            }
        }
        return passed;
    }

    /** Shuts the connection to the daemon down (the warm client is going). */
    void close() {
        daemon.close();
    }
}
