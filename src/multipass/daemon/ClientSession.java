// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.grpc.GrpcLimits;
import multipass.grpc.GrpcServer;
import multipass.http2.Http2Connection;
import multipass.http2.Http2Settings;
import multipass.serve.Peer;
import multipass.serve.RequestRouter;
import multipass.serve.UnknownPeerException;
import multipass.tls.TlsContexts;
import multipass.transport.TlsChannel;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Serves one connection on its own thread: the TLS handshake (closed by a watchdog if it takes
 * longer than the grace time), the ALPN check, then HTTP/2 frames until the client closes. This
 * thread only reads: each gRPC call runs on the daemon's call executor ({@link RpcCalls}). The
 * watchdog also closes a connection that carries no call for the idle time, and one whose
 * client stops reading what it is sent ({@link DeadlineWrites}). Nothing a client sends can
 * take the daemon down: a protocol error ends this connection only (RFC 9113 section 5.4).
 */
final class ClientSession implements Runnable {
    private static final System.Logger LOG = System.getLogger(ClientSession.class.getName());
    /**
     * The gRPC limits of a connection whose certificate is not trusted when it starts: a request
     * message of 64 KiB and 128 KiB of incomplete messages (a trusted one gets gRPC's 4 MiB and
     * 8 MiB). Nothing a stranger may send (authenticate, a first client's first call) comes near
     * them, and they keep what a crowd of strangers can make the daemon buffer small. They hold
     * for the connection's life, also after an authenticate on it.
     */
    static final GrpcLimits STRANGER_LIMITS = new GrpcLimits(64 << 10, 128 << 10);
    /**
     * How long a reply may wait for the client to open its flow-control window before the
     * stream is reset: a client that reads opens it as it goes, so only one that stopped reading
     * waits this long, holding a call thread (of its own user's share, {@link FairCalls}).
     */
    static final Duration STALLED_WINDOW = Duration.ofSeconds(30);
    /** How long an idle connection's GOAWAY and close_notify may take before its socket is closed. */
    private static final long CLOSE_GRACE_MILLIS = 1000;

    private final SocketChannel channel;
    private final Peer.Credentials credentials;
    private final LaterPeerLookup later;
    private final TlsContexts tls;
    private final RequestRouter router;
    private final ReplyFailures replyFailures;
    private final ScheduledExecutorService watchdog;
    private final ScheduledExecutorService callDeadlines;
    private final FairCalls calls;
    private final LiveConnections live;
    private final long handshakeMillis;
    private final long idleMillis;
    private final Runnable onHandshakeOver;
    private final Runnable onClose;

    /**
     * @param credentials     the peer's kernel credentials, null where the kernel names no one (see {@link multipass.serve.Endpoint#credentials})
     * @param later           where the peer's credentials are found when first needed, instead of {@code credentials}; null
     *                        when they are known
     * @param calls           where the calls of every connection run, shared fairly among users
     * @param callDeadlines   the gRPC calls' deadlines ({@code grpc-timeout}): not the watchdog, as
     *                        ending a call writes, and a write may block until the watchdog closes the socket
     * @param live            the daemon's open HTTP/2 connections, which it sends GOAWAY when it stops
     * @param onHandshakeOver run once when the handshake ends, successfully or not
     * @param onClose         run once when the connection is closed
     */
    ClientSession(SocketChannel channel, Peer.Credentials credentials, LaterPeerLookup later, TlsContexts tls, RequestRouter router, ReplyFailures replyFailures,
                  ScheduledExecutorService watchdog, ScheduledExecutorService callDeadlines, FairCalls calls, LiveConnections live,
                  ConnectionLimits limits,
                  Runnable onHandshakeOver, Runnable onClose) {
        this.channel = channel;
        this.credentials = credentials;
        this.later = later;
        this.tls = tls;
        this.router = router;
        this.replyFailures = replyFailures;
        this.watchdog = watchdog;
        this.callDeadlines = callDeadlines;
        this.calls = calls;
        this.live = live;
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
            byte[] certificate = TlsContexts.peerCertificate(connection.session());
            Peer peer = later == null ? new Peer(certificate, credentials) : Peer.later(certificate, Peer.Source.LOOPBACK_TCP, later);
            if (!TlsContexts.speaksH2(connection.engine())) {
                LOG.log(System.Logger.Level.INFO, "refusing a client of {0} that did not negotiate HTTP/2 (ALPN {1}): it is not a gRPC client",
                        peer.knownName(), TlsContexts.ALPN_H2);
                return;
            }
            serve(connection, peer);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "connection ended: {0}", e.toString());
        } finally {
            if (handshaking) {
                onHandshakeOver.run();
            }
            onClose.run();
        }
    }

    /** Runs HTTP/2 on the verified connection until it ends; the calls themselves run elsewhere. */
    private void serve(TlsChannel connection, Peer peer) throws IOException {
        RpcCalls rpc = new RpcCalls(router, peer, replyFailures);
        DeadlineWrites writes = new DeadlineWrites(connection, watchdog, idleMillis, channel);
        boolean trusted = router.isTrusted(peer);
        Executor lane = trusted ? calls.forCertificate(peer.certificate()) : strangersLane(peer);
        if (lane == null) {
            return;
        }
        GrpcLimits limits = trusted ? GrpcLimits.DEFAULTS : STRANGER_LIMITS;
        Http2Connection http2 = Http2Connection.server(writes, Http2Settings.DEFAULTS, new GrpcServer(rpc, lane, callDeadlines, limits));
        http2.setWriteTimeout(STALLED_WINDOW);
        if (later != null) {
            later.attach(http2);
        }
        if (!live.add(http2)) {
            return; // the daemon is stopping
        }
        ScheduledFuture<?> idle = idleCheck(rpc, http2);
        try {
            http2.run();
        } finally {
            if (idle != null) {
                idle.cancel(false);
            }
            live.remove(http2);
            http2.close();
        }
    }

    /**
     * The lane of the calls of a connection that was not trusted when it started: its user's
     * strangers' lane. Its user is read now where it was put off (a stranger is about to
     * authenticate or be refused, which needs it anyway); null, and the connection is refused,
     * when the kernel no longer shows its client end open.
     */
    private Executor strangersLane(Peer peer) {
        if (later == null) {
            return calls.forUser(peer.uid());
        }
        try {
            Peer.Credentials read = later.read();
            return calls.forUser(read == null ? -1 : read.uid());
        } catch (UnknownPeerException e) {
            LOG.log(System.Logger.Level.INFO, "refusing a connection from loopback that was not trusted: {0}", e.getMessage());
            return null;
        }
    }

    /**
     * Every quarter of the idle time, closes the connection if no call has been in progress for
     * the idle time: a client that opens a connection and sends nothing, or keeps one it no longer
     * uses, gives it back. Null when the daemon is stopping.
     */
    private ScheduledFuture<?> idleCheck(RpcCalls rpc, Http2Connection http2) {
        long period = Math.max(1, idleMillis / 4);
        try {
            return watchdog.scheduleAtFixedRate(() -> {
                if (rpc.idleFor(TimeUnit.MILLISECONDS.toNanos(idleMillis))) {
                    LOG.log(System.Logger.Level.DEBUG, "closing a connection that carried no call within {0} ms", idleMillis);
                    closeOffTheWatchdog(http2);
                }
            }, period, period, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /**
     * Closes {@code http2} (GOAWAY, close_notify) on a thread of its own, with the socket closed
     * a second later whatever happens: a close writes, and a write to a client that stopped
     * reading may block, which must never hold the watchdog, the one thread of every deadline.
     */
    private void closeOffTheWatchdog(Http2Connection http2) {
        Thread closer = new Thread(http2::close, "idle-close");
        closer.setDaemon(true);
        closer.start();
        deadline(CLOSE_GRACE_MILLIS, "did not take the close of its idle connection");
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
        try {
            LOG.log(System.Logger.Level.DEBUG, "closing a connection that {0} within {1} ms", what, millis);
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing an abandoned connection failed: {0}", e.toString());
        }
    }
}
