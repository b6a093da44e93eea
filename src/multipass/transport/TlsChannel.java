// SPDX-License-Identifier: Apache-2.0
package multipass.transport;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Drives one {@link SSLEngine} over a blocking {@link ByteChannel}: a Unix domain or TCP
 * {@code SocketChannel}, or an in-memory channel in tests. The same code serves both ends.
 *
 * <pre>
 *   application bytes ──write()──► engine.wrap ──► netOut ──► channel
 *   application bytes ◄──read()─── appIn ◄── engine.unwrap ◄── netIn ◄── channel
 * </pre>
 *
 * Buffers start at the sizes the {@link SSLSession} asks for and grow when the engine reports
 * BUFFER_OVERFLOW (destination too small) or BUFFER_UNDERFLOW with a full source buffer (a
 * record larger than the source). Delegated tasks run on the calling thread. End of stream
 * calls {@link SSLEngine#closeInbound()}, which throws when the peer did not send close_notify
 * (a truncation attack, RFC 8446 section 6.1). {@link #close()} closes both directions.
 *
 * <p>Threading: one reader and any number of writers, as HTTP/2 needs (a reader thread and
 * the threads of its streams). The reading side ({@link #read}, {@link #quiet}, the
 * ciphertext and plaintext input buffers) belongs to one thread at a time. Every wrap, and so
 * every write, takes the write lock: writers are serialized, and a reply the read path owes a
 * post-handshake message (a KeyUpdate in return) takes the same lock. {@link SSLEngine} allows
 * one wrap and one unwrap to run at once. {@link #handshake()} runs before any other thread
 * uses the channel. {@link #close()} may come from any thread; it waits only briefly for a
 * writer stuck in the middle of a write, then closes the channel without close_notify, which
 * ends that write.
 */
public final class TlsChannel implements ByteStream {
    private static final System.Logger LOG = System.getLogger(TlsChannel.class.getName());
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** How long {@link #close()} waits for a writer to finish before closing without close_notify. */
    static final long CLOSE_WAIT_MILLIS = 1000;

    private final ByteChannel channel;
    private final SSLEngine engine;
    /** Ciphertext read from the channel, not yet unwrapped; kept in write (fill) mode. */
    private ByteBuffer netIn;
    /** Serializes wraps and the channel writes that flush them; guards netOut. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Ciphertext produced by wrap, flushed to the channel before wrap is called again. Guarded by writeLock. */
    private ByteBuffer netOut;
    /** Plaintext unwrapped but not yet handed to the caller; kept in write (fill) mode. */
    private ByteBuffer appIn;
    /** Set by the reading side, read by close() on any thread. */
    private volatile boolean inboundDone;

    public TlsChannel(ByteChannel channel, SSLEngine engine) {
        this.channel = channel;
        this.engine = engine;
        SSLSession session = engine.getSession();
        this.netIn = ByteBuffer.allocate(session.getPacketBufferSize());
        this.netOut = ByteBuffer.allocate(session.getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
    }

    /**
     * Runs the full handshake; throws if the peer fails it, or a {@link HandshakeCutShortException}
     * if the connection ends before it completes.
     */
    public void handshake() throws IOException {
        engine.beginHandshake();
        HandshakeStatus status = engine.getHandshakeStatus();
        try {
            while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
                status = step(status);
            }
        } catch (SSLException e) {
            sendAlert();
            throw inboundDone ? new HandshakeCutShortException(e) : e;
        } catch (IOException e) {
            throw new HandshakeCutShortException(e); // writing failed: the peer is gone
        }
    }

    /** After a failed handshake the engine holds a fatal alert: send it, so the peer learns why (best effort). */
    private void sendAlert() {
        try {
            engine.closeOutbound();
            if (!engine.isOutboundDone()) {
                wrap(EMPTY);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "could not send the TLS alert: {0}", e.getMessage());
        }
    }

    /** The engine, for what the handshake negotiated beyond the session (the ALPN protocol). */
    public SSLEngine engine() {
        return engine;
    }

    /** The session after the handshake: protocol, cipher suite, peer certificates. */
    public SSLSession session() {
        return engine.getSession();
    }

    /**
     * Reads plaintext into {@code dst}, blocking until at least one byte is available.
     * Returns -1 when the peer closed its side cleanly with close_notify.
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        while (appIn.position() == 0) {
            if (inboundDone) {
                return -1;
            }
            HandshakeStatus status = unwrap();
            // Post-handshake messages (TLS 1.3 KeyUpdate, NewSessionTicket) may need a reply.
            while (status == HandshakeStatus.NEED_WRAP || status == HandshakeStatus.NEED_TASK) {
                status = step(status);
            }
        }
        appIn.flip();
        int n = Math.min(dst.remaining(), appIn.remaining());
        ByteBuffer slice = appIn.slice().limit(n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        appIn.compact();
        return n;
    }

    /**
     * Between requests: true when no plaintext or ciphertext is buffered and the channel, read
     * once without blocking, has nothing either (no record, no close_notify, no end of stream).
     * What that read brings stays in the ciphertext buffer, so the stream stays intact. Only a
     * {@link SelectableChannel} can be asked; for any other channel the answer is false.
     */
    @Override
    public boolean quiet() throws IOException {
        if (inboundDone || appIn.position() > 0 || netIn.position() > 0 || !(channel instanceof SelectableChannel selectable)) {
            return false;
        }
        synchronized (selectable.blockingLock()) {
            selectable.configureBlocking(false);
            try {
                return channel.read(netIn) == 0;
            } finally {
                selectable.configureBlocking(true);
            }
        }
    }

    /** Encrypts and sends all of {@code src}, its records not interleaved with another writer's. */
    @Override
    public void write(ByteBuffer src) throws IOException {
        writeLock.lock();
        try {
            while (src.hasRemaining()) {
                SSLEngineResult result = wrap(src);
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new SSLException("cannot write: the TLS connection is closed");
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Sends close_notify, acknowledges the peer's if it already came, and closes the channel.
     * TLS 1.3 closes each direction separately, so both are closed here explicitly.
     */
    @Override
    public void close() throws IOException {
        try {
            if (!lockForClose()) {
                LOG.log(Level.DEBUG, "a writer is stuck: closing without close_notify");
                return;
            }
            try {
                sendCloseNotify();
            } finally {
                writeLock.unlock();
            }
            if (!inboundDone) {
                closeInboundQuietly();
            }
        } finally {
            channel.close();
        }
    }

    /** Takes the write lock, waiting at most {@link #CLOSE_WAIT_MILLIS}; false if a writer still holds it. */
    private boolean lockForClose() throws InterruptedIOException {
        try {
            return writeLock.tryLock(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while closing the TLS connection");
        }
    }

    private void sendCloseNotify() throws IOException {
        engine.closeOutbound();
        try {
            while (!engine.isOutboundDone()) {
                wrap(EMPTY);
            }
        } catch (IOException e) {
            if (!inboundDone) {
                throw e;
            }
            // The peer closed first and is gone: our close_notify has no one to reach.
            LOG.log(Level.DEBUG, "peer closed before our close_notify could be sent: {0}", e.getMessage());
        }
    }

    private HandshakeStatus step(HandshakeStatus status) throws IOException {
        switch (status) {
            case NEED_WRAP:
                return wrap(EMPTY).getHandshakeStatus();
            case NEED_UNWRAP:
            case NEED_UNWRAP_AGAIN:
                if (inboundDone) {
                    throw new SSLHandshakeException("peer closed the connection during the TLS handshake");
                }
                return unwrap();
            case NEED_TASK:
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                return engine.getHandshakeStatus();
            default:
                return status;
        }
    }

    /**
     * Wraps once (growing netOut as needed) and writes what was produced to the channel, under
     * the write lock (reentrant: {@link #write} holds it across its wraps).
     */
    private SSLEngineResult wrap(ByteBuffer src) throws IOException {
        writeLock.lock();
        try {
            return wrapLocked(src);
        } finally {
            writeLock.unlock();
        }
    }

    private SSLEngineResult wrapLocked(ByteBuffer src) throws IOException {
        while (true) {
            netOut.clear();
            SSLEngineResult result = engine.wrap(src, netOut);
            trace("wrap", result);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(Math.max(netOut.capacity() * 2, engine.getSession().getPacketBufferSize()));
                continue;
            }
            netOut.flip();
            while (netOut.hasRemaining()) {
                channel.write(netOut);
            }
            return result;
        }
    }

    /**
     * Unwraps one record into appIn, reading from the channel while the engine needs more
     * bytes. Returns the engine's handshake status afterwards.
     */
    private HandshakeStatus unwrap() throws IOException {
        while (true) {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            trace("unwrap", result);
            switch (result.getStatus()) {
                case OK:
                    return result.getHandshakeStatus();
                case CLOSED:
                    inboundDone = true;
                    return result.getHandshakeStatus();
                case BUFFER_OVERFLOW:
                    appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                    break;
                case BUFFER_UNDERFLOW:
                    if (!netIn.hasRemaining()) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                    }
                    if (channel.read(netIn) < 0) {
                        inboundDone = true;
                        engine.closeInbound(); // throws unless close_notify arrived: truncation
                        return engine.getHandshakeStatus();
                    }
                    break;
                default:
                    throw new IllegalStateException("unexpected unwrap status " + result.getStatus());
            }
        }
    }

    /** A buffer in fill mode with the content of {@code buffer} and room for at least {@code atLeast} more bytes. */
    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(buffer.position() + Math.max(atLeast, buffer.capacity()));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }

    private void closeInboundQuietly() {
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            // Expected in TLS 1.3 when we close first: the peer's close_notify is not awaited.
            LOG.log(Level.TRACE, "closing inbound before the peer''s close_notify: {0}", e.getMessage());
        }
    }

    private void trace(String operation, SSLEngineResult result) {
        if (LOG.isLoggable(Level.TRACE)) {
            LOG.log(Level.TRACE, "{0}: {1} {2}, consumed {3}, produced {4}", operation, result.getStatus(),
                    result.getHandshakeStatus(), result.bytesConsumed(), result.bytesProduced());
        }
    }
}
