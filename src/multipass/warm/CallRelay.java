// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.grpc.CallHandler;
import multipass.grpc.CallResult;
import multipass.grpc.GrpcClient;
import multipass.grpc.MessageListener;
import multipass.grpc.ServerCall;
import multipass.hpack.HeaderField;
import multipass.api.RpcMethods;
import multipass.api.Status;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The warm client's side of a command: the CLI speaks gRPC to it over the private socket
 * exactly as it would to the daemon, its hello riding on the call as metadata
 * ({@link WarmRoute}), and each call is relayed as a call on the {@link SharedConnection} to
 * the daemon:
 *
 * <pre>
 *   CLI ── the call: hello metadata, its request message ──► warm ── the shared connection, or a new one ──► daemon
 *   CLI ◄── every reply message, the status ── warm ◄── daemon
 *   (or, when the hello names another build, daemon or identity, or the daemon cannot be reached:
 *   CLI ◄── the refused trailer, nothing relayed: the CLI goes direct ── warm)
 * </pre>
 *
 * The request message is never decoded here (it may hold a passphrase) and its bytes are
 * zeroed once sent or refused. If the daemon's side fails during a call, the CLI's call ends
 * with {@code INTERNAL}; it is never resent. Calls run on the warm client's call threads.
 */
final class CallRelay implements CallHandler {
    private final HeaderField hello;
    private final SharedConnection daemon;

    CallRelay(WarmTarget target, Dialer dialer) {
        this.hello = WarmRoute.hello(target);
        this.daemon = new SharedConnection(target, dialer);
    }

    @Override
    public MessageListener start(String path, ServerCall call) {
        boolean ours = hello.equals(helloOf(call.requestHeaders()));
        return new MessageListener() {
            private boolean relayed;

            @Override
            public void onMessage(byte[] message) {
                if (!relayed) {
                    relayed = true;
                    if (ours) {
                        relay(path, message, call);
                    } else {
                        Arrays.fill(message, (byte) 0);
                        refuse(call, "this warm client serves another build, daemon or identity");
                    }
                }
            }
        };
    }

    /** The hello field of a call's request headers, or null. */
    private static HeaderField helloOf(List<HeaderField> headers) {
        for (HeaderField field : headers) {
            if (field.name().equals(WarmRoute.HELLO)) {
                return field;
            }
        }
        return null;
    }

    /** Ends the call unrelayed: the CLI goes direct (and meets any failure there with its exact message and exit code). */
    private static void refuse(ServerCall call, String why) {
        call.close(Status.FAILED_PRECONDITION, why, List.of(new HeaderField(WarmRoute.REFUSED, "1")));
    }

    private void relay(String path, byte[] request, ServerCall call) {
        GrpcClient client;
        try {
            client = daemon.begin();
        } catch (IOException e) {
            Arrays.fill(request, (byte) 0);
            refuse(call, "cannot reach the daemon: " + e.getMessage());
            return;
        }
        CallResult result;
        try {
            result = client.call(path, request, null, call::sendMessage);
        } catch (IOException e) {
            call.close(Status.INTERNAL, "the warm client's connection to the daemon failed: " + e.getMessage());
            return;
        } finally {
            daemon.done();
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
