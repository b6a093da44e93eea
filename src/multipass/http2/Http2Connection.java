// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;
import multipass.transport.ByteStream;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection (RFC 9113) over an established byte stream (TLS after ALPN {@code h2},
 * or plain between the CLI and its warm client), either side. One thread, the caller of
 * {@link #run()}, reads frames and drives every stream's listener ({@link FrameHandler});
 * any thread may send on a stream ({@link Outbound}). Thread-safe.
 *
 * <p>Two locks. The state lock ({@link #lock}) guards stream states, windows and the
 * connection's own state, and is never held across I/O. The write lock orders whole frames
 * onto the byte stream and guards the HPACK encoder, whose table must follow the order of the
 * header blocks on the wire. Order: write lock, then state lock, never the reverse. A thread
 * waiting for flow-control credit waits on the state lock, up to the write deadline.
 */
public final class Http2Connection implements AutoCloseable {
    /** How long a writer waits for the peer's window (or a free stream slot) before giving up. */
    static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(120);
    /** How long a GOAWAY before closing waits for a writer to finish its frame. */
    static final long CLOSE_WRITE_WAIT_MILLIS = 1000;
    /** The longest debug text a GOAWAY of ours carries. */
    static final int MAX_DEBUG_LENGTH = 200;

    private static final System.Logger LOG = LazyLogger.of(Http2Connection.class.getName());

    /** Decides what happens to each stream a client opens (server side), on the reader thread. */
    public interface Acceptor {
        /**
         * A new stream with its request headers. Returns the listener for the rest of its
         * events; must not block.
         */
        StreamListener accept(Http2Stream stream, List<HeaderField> requestHeaders, boolean endStream);
    }

    final Object lock = new Object();
    final boolean client;
    final Http2Settings ours;
    final Acceptor acceptor;
    final Outbound outbound;
    private final ByteStream io;
    private volatile long writeTimeoutNanos = DEFAULT_WRITE_TIMEOUT.toNanos();
    // Guarded by lock:
    final PeerSettings peer;
    final StreamTable streams;
    final ReceiveWindow connectionReceive;
    long connectionSendWindow = Setting.DEFAULT_WINDOW;
    /** The receive window a new stream starts with: ours once the peer acknowledged it, else at least the default. */
    int streamReceiveInitial;
    boolean goAwaySent;
    boolean goAwayReceived;
    boolean closed;
    private IOException writeFailure;
    /** The opaque data of our PINGs not acknowledged yet. */
    private final Set<Long> pingsInFlight = new HashSet<>();

    private Http2Connection(ByteStream io, Http2Settings ours, Acceptor acceptor, boolean client) {
        Setting.check(ours);
        this.io = Objects.requireNonNull(io);
        this.ours = ours;
        this.acceptor = acceptor;
        this.client = client;
        this.outbound = new Outbound(this, io);
        this.peer = new PeerSettings(client);
        this.streams = new StreamTable(client);
        this.connectionReceive = new ReceiveWindow(ours.connectionWindow(), ours.connectionWindow());
        this.streamReceiveInitial = Math.max(ours.initialWindowSize(), Setting.DEFAULT_WINDOW);
    }

    /** The server side of {@code io}: expects the client's preface, sends our SETTINGS. */
    public static Http2Connection server(ByteStream io, Http2Settings ours, Acceptor acceptor) {
        return new Http2Connection(io, ours, Objects.requireNonNull(acceptor), false);
    }

    /** The client side of {@code io}: sends the preface and our SETTINGS when {@link #run()} starts. */
    public static Http2Connection client(ByteStream io, Http2Settings ours) {
        return new Http2Connection(io, ours, null, true);
    }

    /**
     * How long {@link Http2Stream#writeData} waits for the peer to open its flow-control window,
     * and {@link #openStream} for a free stream slot, before failing (120 s by default). A peer
     * that never opens its window thus holds a writer thread for at most this long.
     */
    public void setWriteTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("write timeout must be positive: " + timeout);
        }
        writeTimeoutNanos = timeout.toNanos();
    }

    long writeTimeoutNanos() {
        return writeTimeoutNanos;
    }

    /**
     * Reads and handles frames until the connection ends: returns after a clean end (GOAWAY
     * exchanged and every stream finished, or the peer closed between frames), throws when
     * the peer broke the protocol (after sending GOAWAY with the error) or the stream failed.
     * Every stream still open then gets {@link StreamListener#onReset}.
     */
    public void run() throws IOException {
        ErrorCode ending = ErrorCode.CANCEL;
        try {
            outbound.sendControl(w -> { });
            new FrameHandler(this, io).run();
        } catch (Http2Exception e) {
            if (!e.isConnectionError()) {
                throw new IllegalStateException("stream error escaped the frame handler", e);
            }
            ending = e.code();
            if (!isClosed()) {
                LOG.log(Level.DEBUG, "HTTP/2 {0}", e.getMessage());
                goAwayAndClose(e.code(), e.getMessage());
                throw e;
            }
        } catch (IOException e) {
            if (!isClosed()) {
                closeTransport(e);
                throw e;
            }
        } finally {
            closeTransport(null);
            failAll(ending);
        }
        IOException failure;
        synchronized (lock) {
            failure = writeFailure;
        }
        if (failure != null) {
            throw new IOException("HTTP/2 connection failed while writing: " + failure.getMessage(), failure);
        }
    }

    /**
     * Client: opens a stream by sending {@code headers}; blocks while the server's
     * SETTINGS_MAX_CONCURRENT_STREAMS are all in use. Fails when the connection is going away.
     */
    public Http2Stream openStream(List<HeaderField> headers, boolean endStream, StreamListener listener) throws IOException {
        if (!client) {
            throw new IllegalStateException("a server does not open streams");
        }
        Objects.requireNonNull(listener);
        reserveStreamSlot();
        return outbound.open(headers, endStream, listener);
    }

    /** Waits until the peer's stream limit lets one more stream open, and takes that place. */
    private void reserveStreamSlot() throws IOException {
        long deadline = System.nanoTime() + writeTimeoutNanos;
        synchronized (lock) {
            while (!closed && !goAwaySent && !goAwayReceived && streams.localCount() >= peer.maxConcurrentStreams) {
                if (!awaitChange(deadline)) {
                    throw new IOException("waited " + TimeUnit.NANOSECONDS.toSeconds(writeTimeoutNanos)
                            + " s for a free stream (the server allows " + peer.maxConcurrentStreams + ")");
                }
            }
            if (closed || goAwaySent || goAwayReceived) {
                throw new IOException("the HTTP/2 connection is going away: no new streams");
            }
            streams.reserveLocal();
        }
    }

    /**
     * Graceful shutdown: GOAWAY(NO_ERROR) with the last stream accepted; streams in flight
     * finish, new ones are refused, and the connection closes when the last one is done.
     */
    public void shutdown() {
        try {
            outbound.sendControl(w -> {
                int last;
                synchronized (lock) {
                    if (goAwaySent) {
                        return;
                    }
                    goAwaySent = true;
                    last = streams.lastPeerId();
                    lock.notifyAll();
                }
                w.goAway(last, ErrorCode.NO_ERROR, "shutting down");
            });
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "HTTP/2 shutdown: GOAWAY not sent: {0}", e.getMessage());
        }
        finishIfDrained();
    }

    /** True until GOAWAY was sent or received, or the connection failed. */
    public boolean isOpen() {
        synchronized (lock) {
            return !closed && !goAwaySent && !goAwayReceived;
        }
    }

    /** Closes at once: GOAWAY(NO_ERROR) best effort, every open stream reset, the byte stream closed. */
    @Override
    public void close() {
        goAwayAndClose(ErrorCode.NO_ERROR, "closing");
    }

    /**
     * Sends a PING with 8 random octets and waits up to {@code timeout} for the peer's
     * acknowledgement of exactly them. True when it came: the peer's end of the connection was
     * open and reading after this call began (a peer cannot acknowledge, in advance, data it
     * has not seen). False when the connection ended or the time ran out. Not on the reader
     * thread, which is the one that reads the acknowledgement.
     */
    public boolean roundTrip(Duration timeout) throws InterruptedIOException {
        long data = PingData.RANDOM.nextLong();
        synchronized (lock) {
            if (closed) {
                return false;
            }
            pingsInFlight.add(data);
        }
        try {
            outbound.sendControl(w -> w.ping(false, data));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "HTTP/2 PING not sent: {0}", e.getMessage());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            try {
                while (pingsInFlight.contains(data) && !closed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
                return !pingsInFlight.contains(data);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a PING's acknowledgement");
            } finally {
                pingsInFlight.remove(data);
            }
        }
    }

    /** The opaque data of our PINGs: unpredictable, so that no acknowledgement can be sent before its PING is seen; made at first use (a CLI never pings). */
    private static final class PingData {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    /** The peer acknowledged a PING carrying {@code data}: ours if one of ours waits for it, else ignored. */
    void pingAcknowledged(long data) {
        synchronized (lock) {
            if (pingsInFlight.remove(data)) {
                lock.notifyAll();
            }
        }
    }

    // ---- stream state, for Outbound and FrameHandler ----

    /**
     * Waits on the state lock (held) until notified or {@code deadline}. False, at once, when
     * the deadline has passed: the caller decides what a timeout means (the one check of the
     * deadline, so that no caller can miss it between a check of its own and this one).
     */
    boolean awaitChange(long deadline) throws InterruptedIOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to send on HTTP/2");
        }
        return true;
    }

    /** Gives back connection send window that was reserved for DATA never sent. Lock held. */
    void returnSendWindow(int octets) {
        if (octets > 0) {
            connectionSendWindow += octets;
            lock.notifyAll();
        }
    }

    /** Closes a stream that did not end normally; returns the connection credit to announce. Lock held. */
    int closeAbruptly(Http2Stream stream) {
        long unconsumed = stream.receiveWindow.unconsumed();
        stream.receiveWindow.consume(unconsumed);
        close(stream);
        return connectionReceive.consume(unconsumed);
    }

    /** The peer sent END_STREAM on {@code stream}. Lock held. */
    void endedByPeer(Http2Stream stream) {
        stream.state = stream.state.afterRemoteEnd();
        if (stream.state == StreamState.CLOSED) {
            close(stream);
        }
    }

    /** Marks a stream closed and removes it; wakes writers waiting on it or on a free slot. Lock held. */
    void close(Http2Stream stream) {
        stream.state = StreamState.CLOSED;
        streams.remove(stream);
        lock.notifyAll();
    }

    void checkCanSend(Http2Stream stream) throws IOException {
        synchronized (lock) {
            if (stream.refused) { // first: the GOAWAY that refused it may have closed the connection since
                throw new StreamRefusedException(stream + " was refused by the peer before processing: cannot send on it");
            }
            if (closed) {
                throw new IOException("the HTTP/2 connection is closed");
            }
            if (!stream.state.canSend()) {
                throw new IOException(stream + " is " + stream.state.name().toLowerCase() + ": cannot send on it");
            }
        }
    }


    // ---- ending ----

    /** Sends GOAWAY(code) if none was sent, waiting only briefly for a writer in the middle of a frame, then closes. */
    void goAwayAndClose(ErrorCode code, String debug) {
        int last;
        synchronized (lock) {
            if (closed) {
                return;
            }
            goAwaySent = true;
            last = streams.lastPeerId();
            lock.notifyAll();
        }
        String text = debug.length() > MAX_DEBUG_LENGTH ? debug.substring(0, MAX_DEBUG_LENGTH) : debug;
        outbound.goAway(last, code, text, CLOSE_WRITE_WAIT_MILLIS);
        closeTransport(null);
    }

    /** After GOAWAY (either way) the connection closes once its last stream is done. */
    void finishIfDrained() {
        synchronized (lock) {
            if (closed || !(goAwaySent || goAwayReceived) || !streams.isEmpty()) {
                return;
            }
        }
        closeTransport(null);
    }

    boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Closes the byte stream once; a blocked reader or writer then fails and ends. {@code cause}: a write failed. */
    void closeTransport(IOException cause) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            writeFailure = cause;
            lock.notifyAll();
        }
        try {
            io.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "HTTP/2 closing the byte stream: {0}", e.getMessage());
        }
    }

    /** The connection ended: every stream still open gets onReset(code), on the reader thread. */
    private void failAll(ErrorCode code) {
        List<Http2Stream> open;
        synchronized (lock) {
            open = streams.all();
            for (Http2Stream stream : open) {
                close(stream);
            }
        }
        for (Http2Stream stream : open) {
            FrameHandler.deliverReset(stream, code);
        }
    }
}
