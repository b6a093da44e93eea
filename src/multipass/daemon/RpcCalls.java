// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.grpc.CallHandler;
import multipass.grpc.MessageListener;
import multipass.grpc.PercentEncoding;
import multipass.grpc.ServerCall;
import multipass.hpack.HeaderField;
import multipass.proto.ProtoException;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.RpcMethod;
import multipass.api.RpcMethods;
import multipass.api.Status;
import multipass.serve.Peer;
import multipass.serve.RequestLog;
import multipass.serve.RequestRouter;
import multipass.serve.UnknownPeerException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the gRPC calls of one connection: each call's first request message is decoded into
 * a command, run by the {@link RequestRouter} for the connection's {@link Peer}, and answered
 * with the log lines it produced (each a reply message with only {@code log_line}), then the
 * reply messages, then the status in the trailers. Multipass's client never half-closes its
 * side, so the answer starts as soon as the first message is in; later messages are ignored.
 * An error reply's records (the caller, for {@code UNAUTHENTICATED}) travel as trailer
 * metadata, {@value #RECORD_PREFIX}{@code <key>}. Thread-safe: calls run on the daemon's call
 * executor.
 */
final class RpcCalls implements CallHandler {
    /** The prefix of the trailer fields that carry an error reply's record. */
    static final String RECORD_PREFIX = RpcMethods.RECORD_METADATA_PREFIX;
    private static final System.Logger LOG = System.getLogger(RpcCalls.class.getName());
    /** The most characters of a failure's text that an INTERNAL reply repeats. */
    private static final int MAX_CAUSE = 1000;

    private final RequestRouter router;
    private final Peer peer;
    private final ReplyFailures replyFailures;
    private final AtomicInteger active = new AtomicInteger();
    private volatile long lastActive = System.nanoTime();

    RpcCalls(RequestRouter router, Peer peer, ReplyFailures replyFailures) {
        this.router = router;
        this.peer = peer;
        this.replyFailures = replyFailures;
    }

    /** True when no call has been in progress for {@code nanos}. */
    boolean idleFor(long nanos) {
        return active.get() == 0 && System.nanoTime() - lastActive > nanos;
    }

    @Override
    public MessageListener start(String path, ServerCall call) {
        RpcMethod method = RpcMethods.byPath(path);
        if (method == null) {
            return null; // the gRPC layer answers UNIMPLEMENTED
        }
        return new OneCall(method, call);
    }

    /** One call: answered once, at its first message; ended once, however it ends. */
    private final class OneCall implements MessageListener {
        private final RpcMethod method;
        private final ServerCall call;
        private boolean answered;
        private boolean counted;
        private boolean ended;

        OneCall(RpcMethod method, ServerCall call) {
            this.method = method;
            this.call = call;
        }

        @Override
        public void onMessage(byte[] message) {
            if (answered) {
                return;
            }
            answered = true;
            begin();
            try {
                answer(method, message, call);
            } finally {
                end();
            }
        }

        @Override
        public void onHalfClose() {
            if (!answered) {
                answered = true;
                call.close(Status.INVALID_ARGUMENT, "malformed request: the call ended before its request message", List.of());
                end();
            }
        }

        @Override
        public void onCancel(Status reason) {
            end();
        }

        /** The call is in progress from its request message on (one that never sends it keeps no connection open). */
        private void begin() {
            if (!counted) {
                counted = true;
                active.incrementAndGet();
            }
        }

        private void end() {
            if (counted && !ended) {
                ended = true;
                lastActive = System.nanoTime();
                active.decrementAndGet();
            }
        }
    }

    private void answer(RpcMethod method, byte[] message, ServerCall call) {
        Request request;
        try {
            request = method.decodeRequest(message);
        } catch (ProtoException e) {
            LOG.log(System.Logger.Level.DEBUG, "malformed {0} request from {1}: {2}", method.command(), peer.knownName(), e.getMessage());
            call.close(Status.INVALID_ARGUMENT, "malformed request: " + e.getMessage(), List.of());
            return;
        }
        RequestLog log = RequestLog.begin(request.verbosity(), line -> {
            if (method.carriesLogLines()) {
                call.sendMessage(method.logLine(line.text()));
            }
        });
        Reply reply;
        try {
            reply = router.handle(request, peer);
        } catch (UnknownPeerException e) {
            LOG.log(System.Logger.Level.INFO, "refused {0} from a loopback peer whose user cannot be told: {1}", request.command(), e.getMessage());
            reply = Reply.error(Status.UNAVAILABLE, "the daemon cannot serve this connection: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "internal error serving {0}: {1}", request.command(), e.toString());
            reply = Reply.error(Status.INTERNAL, "internal daemon error: " + e.getMessage());
        }
        try {
            log.end(); // the log lines are the reply's start
            if (reply.status() == Status.OK) {
                sendRecords(method, reply, call);
            }
        } catch (IOException e) {
            replyFailures.failed(request.command(), peer, e.toString());
            return;
        } catch (RuntimeException e) {
            replyFailures.failed(request.command(), peer, e.toString());
            String cause = e.getMessage() == null ? e.toString() : e.getMessage();
            call.close(Status.INTERNAL, "internal daemon error: the reply could not be sent in full: "
                    + cause.substring(0, Math.min(cause.length(), MAX_CAUSE)), List.of());
            return;
        }
        call.close(reply.status(), reply.message(), reply.status() == Status.OK ? List.of() : recordMetadata(reply));
    }

    /** Sends the reply messages of an OK reply, each made only when the one before is out. */
    private static void sendRecords(RpcMethod method, Reply reply, ServerCall call) throws IOException {
        Iterator<byte[]> messages = method.encodeReply(reply.records());
        while (messages.hasNext()) {
            call.sendMessage(messages.next());
        }
    }

    /** An error reply's first record as trailer fields (percent-encoded by the gRPC layer's rules). */
    private static List<HeaderField> recordMetadata(Reply reply) {
        List<HeaderField> fields = new ArrayList<>();
        if (!reply.records().isEmpty()) {
            for (Map.Entry<String, String> field : reply.records().get(0).entrySet()) {
                fields.add(new HeaderField(RECORD_PREFIX + field.getKey(), PercentEncoding.encode(field.getValue())));
            }
        }
        return fields;
    }
}
