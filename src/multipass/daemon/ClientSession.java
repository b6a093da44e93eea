package multipass.daemon;

import multipass.auth.Peer;
import multipass.protocol.LogLine;
import multipass.protocol.Message;
import multipass.protocol.MessageCodec;
import multipass.protocol.ProtocolException;
import multipass.protocol.Reply;
import multipass.protocol.Request;
import multipass.protocol.Status;
import multipass.protocol.VersionMismatchException;
import multipass.tls.TlsContexts;
import multipass.transport.FrameChannel;
import multipass.transport.TlsChannel;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Serves one connection on its own thread: TLS handshake (closed by a watchdog if it takes
 * longer than the grace time), then request after request until the client closes. Each
 * request's log lines go back before its reply. A malformed frame gets an error reply and the
 * connection is closed; nothing a client sends can take the daemon down.
 */
final class ClientSession implements Runnable {
    private static final System.Logger LOG = System.getLogger(ClientSession.class.getName());

    private final SocketChannel channel;
    private final Endpoint endpoint;
    private final TlsContexts tls;
    private final RequestRouter router;
    private final ScheduledExecutorService watchdog;
    private final long handshakeMillis;
    private final Runnable onHandshakeOver;
    private final Runnable onClose;

    /**
     * @param onHandshakeOver run once when the handshake ends, successfully or not
     * @param onClose         run once when the connection is closed
     */
    ClientSession(SocketChannel channel, Endpoint endpoint, TlsContexts tls, RequestRouter router,
                  ScheduledExecutorService watchdog, long handshakeMillis, Runnable onHandshakeOver, Runnable onClose) {
        this.channel = channel;
        this.endpoint = endpoint;
        this.tls = tls;
        this.router = router;
        this.watchdog = watchdog;
        this.handshakeMillis = handshakeMillis;
        this.onHandshakeOver = onHandshakeOver;
        this.onClose = onClose;
    }

    @Override
    public void run() {
        boolean handshaking = true;
        try (channel) {
            Peer.Credentials credentials = endpoint.credentials(channel);
            TlsChannel connection = new TlsChannel(channel, tls.newEngine());
            ScheduledFuture<?> timeout;
            try {
                timeout = watchdog.schedule(this::abandon, handshakeMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
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
            try (FrameChannel frames = new FrameChannel(connection)) {
                serve(frames, peer);
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
        while (true) {
            byte[] body;
            try {
                body = frames.receiveBody();
            } catch (ProtocolException e) {
                LOG.log(System.Logger.Level.DEBUG, "malformed frame from {0}: {1}", peer.userName(), e.getMessage());
                frames.send(Reply.error(Status.INVALID_ARGUMENT, "malformed request: " + e.getMessage()));
                return;
            }
            if (body == null) {
                return;
            }
            Message message;
            try {
                message = MessageCodec.decode(body);
            } catch (VersionMismatchException e) {
                frames.send(Reply.error(Status.FAILED_PRECONDITION, e.getMessage()));
                return;
            } catch (ProtocolException e) {
                LOG.log(System.Logger.Level.DEBUG, "malformed request from {0}: {1}", peer.userName(), e.getMessage());
                frames.send(Reply.error(Status.INVALID_ARGUMENT, "malformed request: " + e.getMessage()));
                return;
            }
            if (!(message instanceof Request)) {
                frames.send(Reply.error(Status.INVALID_ARGUMENT, "malformed request: expected a request message"));
                return;
            }
            respond(frames, (Request) message, peer);
        }
    }

    private void respond(FrameChannel frames, Request request, Peer peer) throws IOException {
        RequestLog log = RequestLog.begin(request.verbosity());
        Reply reply;
        List<LogLine> lines;
        try {
            reply = router.handle(request, peer);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "internal error serving {0}: {1}", request.command(), e.toString());
            reply = Reply.error(Status.INTERNAL, "internal daemon error: " + e.getMessage());
        } finally {
            lines = log.end();
        }
        for (LogLine line : lines) {
            frames.send(line);
        }
        frames.send(reply);
    }

    /** Closes a connection whose handshake outlived the grace time; the blocked read then fails. */
    private void abandon() {
        try {
            LOG.log(System.Logger.Level.DEBUG, "closing a connection that did not finish its TLS handshake in {0} ms", handshakeMillis);
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing an abandoned connection failed: {0}", e.toString());
        }
    }
}
