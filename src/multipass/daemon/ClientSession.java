// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.protocol.Message;
import multipass.protocol.MessageCodec;
import multipass.protocol.ProtocolException;
import multipass.protocol.Reply;
import multipass.protocol.ReplyFrames;
import multipass.protocol.Request;
import multipass.protocol.Status;
import multipass.protocol.VersionMismatchException;
import multipass.serve.Peer;
import multipass.serve.RequestLog;
import multipass.serve.RequestRouter;
import multipass.tls.TlsContexts;
import multipass.transport.FrameChannel;
import multipass.transport.TlsChannel;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Serves one connection on its own thread: TLS handshake (closed by a watchdog if it takes
 * longer than the grace time), then request after request until the client closes. Each
 * request's log lines go back before its reply. The watchdog also closes a connection whose
 * client takes longer than the idle time to send a request or to read what it is sent. A
 * malformed frame gets an error reply and the connection is closed; nothing a client sends can
 * take the daemon down.
 */
final class ClientSession implements Runnable {
    private static final System.Logger LOG = System.getLogger(ClientSession.class.getName());
    /** The command name under which a failed reply to a malformed request is logged. */
    private static final String MALFORMED = "(malformed request)";
    /** The most characters of a failure's text that an INTERNAL reply repeats. */
    private static final int MAX_CAUSE = 1000;

    private final SocketChannel channel;
    private final Peer.Credentials credentials;
    private final TlsContexts tls;
    private final RequestRouter router;
    private final ReplyFailures replyFailures;
    private final ScheduledExecutorService watchdog;
    private final long handshakeMillis;
    private final long idleMillis;
    private final Runnable onHandshakeOver;
    private final Runnable onClose;
    /** Why the watchdog closed the connection, once it has. */
    private volatile String abandonedBecause;

    /**
     * @param credentials     the peer's kernel credentials, null where the kernel names no one (see {@link Endpoint#credentials})
     * @param onHandshakeOver run once when the handshake ends, successfully or not
     * @param onClose         run once when the connection is closed
     */
    ClientSession(SocketChannel channel, Peer.Credentials credentials, TlsContexts tls, RequestRouter router, ReplyFailures replyFailures,
                  ScheduledExecutorService watchdog, ConnectionLimits limits, Runnable onHandshakeOver, Runnable onClose) {
        this.channel = channel;
        this.credentials = credentials;
        this.tls = tls;
        this.router = router;
        this.replyFailures = replyFailures;
        this.watchdog = watchdog;
        this.handshakeMillis = limits.handshakeTimeout().toMillis();
        this.idleMillis = limits.idleTimeout().toMillis();
        this.onHandshakeOver = onHandshakeOver;
        this.onClose = onClose;
    }

    @Override
    public void run() {
        boolean handshaking = true;
        try (channel) {
            TlsChannel connection = new TlsChannel(channel, tls.newEngine());
            ScheduledFuture<?> timeout = deadline(handshakeMillis, "did not finish its TLS handshake");
            if (timeout == null) {
                return; // the daemon is stopping
            }
            try {
                connection.handshake();
            } finally {
                timeout.cancel(false);
                handshaking = false;
                onHandshakeOver.run();
            }
            Peer peer = new Peer(TlsContexts.peerCertificate(connection.session()), credentials);
            FrameChannel frames = new FrameChannel(connection);
            try {
                serve(frames, peer);
            } finally {
                within("did not take its close_notify", frames::close);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "connection ended: {0}", e.toString());
        } finally {
            if (handshaking) {
                onHandshakeOver.run();
            }
            onClose.run();
        }
    }

    private void serve(FrameChannel frames, Peer peer) throws IOException {
        Request request;
        while ((request = nextRequest(frames, peer)) != null) {
            respond(frames, request, peer);
        }
    }

    /** The next request; null when the connection is to end (closed, idle too long, or refused with an error reply). */
    private Request nextRequest(FrameChannel frames, Peer peer) throws IOException {
        byte[] body = receiveWithinIdleTimeout(frames, peer);
        if (body == null) {
            return null;
        }
        Message message;
        try {
            message = MessageCodec.decode(body);
        } catch (VersionMismatchException e) {
            LOG.log(System.Logger.Level.INFO, "refusing a client of {0}: {1}", peer.userName(), e.getMessage());
            sendReply(frames, MALFORMED, peer, Reply.error(Status.FAILED_PRECONDITION, e.getMessage()));
            return null;
        } catch (ProtocolException e) {
            return refuse(frames, peer, e.getMessage());
        }
        if (!(message instanceof Request request)) {
            return refuse(frames, peer, "expected a request message");
        }
        return request;
    }

    private byte[] receiveWithinIdleTimeout(FrameChannel frames, Peer peer) throws IOException {
        ScheduledFuture<?> idle = deadline(idleMillis, "sent no complete request");
        if (idle == null) {
            return null;
        }
        try {
            return frames.receiveBody(router.frameLimit(peer));
        } catch (ProtocolException e) {
            refuse(frames, peer, e.getMessage());
            return null;
        } finally {
            idle.cancel(false);
        }
    }

    /** Answers a malformed frame with an error reply; the connection then ends. */
    private Request refuse(FrameChannel frames, Peer peer, String problem) throws IOException {
        LOG.log(System.Logger.Level.DEBUG, "malformed request from {0}: {1}", peer.userName(), problem);
        sendReply(frames, MALFORMED, peer, Reply.error(Status.INVALID_ARGUMENT, "malformed request: " + problem));
        return null;
    }

    private void respond(FrameChannel frames, Request request, Peer peer) throws IOException {
        RequestLog log = RequestLog.begin(request.verbosity(), line -> send(frames, line));
        Reply reply;
        try {
            reply = router.handle(request, peer);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "internal error serving {0}: {1}", request.command(), e.toString());
            reply = Reply.error(Status.INTERNAL, "internal daemon error: " + e.getMessage());
        } finally {
            reporting(request.command(), peer, log::end); // the log lines are the reply's start
        }
        sendReply(frames, request.command(), peer, reply);
    }

    /**
     * Sends {@code reply} to {@code command}, of any size: frame by frame, each made only when the
     * one before is out (so at most one frame is held) and each sent within the idle time. When
     * the rest cannot be made (a record too big for a frame, a failure reading the records), the
     * failure is logged and the reply ends with {@code INTERNAL}; when the connection fails under
     * it, the failure is logged and the connection ends.
     */
    private void sendReply(FrameChannel frames, String command, Peer peer, Reply reply) throws IOException {
        ReplyFrames bodies = new ReplyFrames(reply, FrameChannel.MAX_FRAME);
        while (true) {
            byte[] body;
            try {
                body = bodies.next();
            } catch (ProtocolException | RuntimeException e) {
                replyFailures.failed(command, peer, e.toString());
                String cause = e.getMessage() == null ? e.toString() : e.getMessage();
                bodies = new ReplyFrames(Reply.error(Status.INTERNAL, "internal daemon error: the reply could not be sent in full: "
                        + cause.substring(0, Math.min(cause.length(), MAX_CAUSE))), FrameChannel.MAX_FRAME);
                continue;
            }
            if (body == null) {
                return;
            }
            reporting(command, peer, () -> within("did not read what it was sent", () -> frames.sendBody(body)));
        }
    }

    /** Runs {@code step}, a part of the reply to {@code command}; a failure is logged as a reply that could not be sent, and thrown. */
    private void reporting(String command, Peer peer, Step step) throws IOException {
        try {
            step.run();
        } catch (IOException e) {
            String abandoned = abandonedBecause;
            replyFailures.failed(command, peer, abandoned != null ? "the client " + abandoned : e.toString());
            throw e;
        }
    }

    /**
     * Sends one message, within the idle time: a client that stops reading would otherwise
     * leave this thread blocked in a write, holding the connection, for as long as it likes.
     */
    private void send(FrameChannel frames, Message message) throws IOException {
        within("did not read what it was sent", () -> frames.send(message));
    }

    /** An I/O step the client can stall. */
    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    /** Runs {@code step}, closing the connection if it takes longer than the idle time. */
    private void within(String what, Step step) throws IOException {
        ScheduledFuture<?> stalled = deadline(idleMillis, what);
        try {
            step.run();
        } finally {
            if (stalled != null) {
                stalled.cancel(false);
            }
        }
    }

    /** Schedules closing the connection after {@code millis} unless cancelled; null when the daemon is stopping. */
    private ScheduledFuture<?> deadline(long millis, String what) {
        try {
            return watchdog.schedule(() -> abandon(millis, what), millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Closes a connection that outlived a deadline; the blocked read then fails. */
    private void abandon(long millis, String what) {
        abandonedBecause = what + " within " + millis + " ms";
        try {
            LOG.log(System.Logger.Level.DEBUG, "closing a connection that {0} within {1} ms", what, millis);
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing an abandoned connection failed: {0}", e.toString());
        }
    }
}
