// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.http2.ErrorCode;
import multipass.http2.Http2Stream;
import multipass.api.Status;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of one server call (grpc's doc/PROTOCOL-HTTP2.md "Responses"):
 * Response-Headers before the first message, the messages, then Trailers, or Trailers-Only
 * when nothing was sent. After {@link #close}, if the client has not ended its side, the
 * stream is reset with NO_ERROR (RFC 9113 section 8.1: the response is complete, stop
 * sending). Thread-safe: sends are serialized; a deadline that passes while a send waits on
 * flow control resets the stream (CANCEL) instead of waiting for it.
 */
public final class ServerCall {
    private static final System.Logger LOG = System.getLogger(ServerCall.class.getName());

    private final Http2Stream stream;
    private final String path;
    private final List<HeaderField> requestHeaders;
    private final Instant deadline;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final Runnable onEnd;
    private boolean headersSent;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean closed;
    private volatile boolean cancelled;
    /** A send failed: the stream is gone (reset here, or the connection lost), though nobody cancelled the call yet. */
    private volatile boolean broken;
    private volatile boolean clientDone;

    ServerCall(Http2Stream stream, String path, List<HeaderField> requestHeaders, Instant deadline, Runnable onEnd) {
        this.stream = stream;
        this.path = path;
        this.requestHeaders = List.copyOf(requestHeaders);
        this.deadline = deadline;
        this.onEnd = onEnd;
    }

    /** The method called: {@code /<service>/<method>}. */
    public String path() {
        return path;
    }

    /** The request's header block, pseudo-headers and Custom-Metadata included. */
    public List<HeaderField> requestHeaders() {
        return requestHeaders;
    }

    /** When the client's {@code grpc-timeout} runs out, if it sent one. */
    public Optional<Instant> deadline() {
        return Optional.ofNullable(deadline);
    }

    /**
     * True once the client reset the stream, the connection was lost, the deadline passed, or a
     * send failed (the stream reset here, as for a client that kept its window closed too long).
     */
    public boolean isCancelled() {
        return cancelled || broken;
    }

    /** Sends Response-Headers now (the first message sends them otherwise). */
    public void sendHeaders() throws IOException {
        sendLock.lock();
        try {
            checkOpen();
            sendHeadersLocked();
        } catch (IOException e) {
            broken();
            throw e;
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Sends one response message, blocking while flow control holds it back.
     *
     * @throws IOException           the call was cancelled or the stream failed (the call is
     *                               then finished: e.g. reset for a client that stopped reading)
     * @throws IllegalStateException the call was already closed
     */
    public void sendMessage(byte[] message) throws IOException {
        sendLock.lock();
        try {
            checkOpen();
            sendHeadersLocked();
            stream.writeData(MessageFraming.frame(message), false);
        } catch (IOException e) {
            broken();
            throw e;
        } finally {
            sendLock.unlock();
        }
    }

    /** {@link #close(Status, String, List)} without extra trailers. */
    public void close(Status status, String message) {
        close(status, message, List.of());
    }

    /**
     * Ends the call with {@code status}, {@code message} (percent-encoded into grpc-message;
     * null or empty for none) and {@code extraTrailers} (Custom-Metadata). Does nothing when
     * the call was already closed or cancelled. A failure to send is logged: the client then
     * sees the stream fail, and there is nobody else to tell.
     */
    public void close(Status status, String message, List<HeaderField> extraTrailers) {
        List<HeaderField> trailers = GrpcHeaders.trailers(status, message, extraTrailers); // checks the metadata first
        sendLock.lock();
        try {
            if (closed || cancelled || broken) {
                return;
            }
            closed = true;
            sendTrailersLocked(trailers);
        } finally {
            sendLock.unlock();
        }
        end();
    }

    /** The client ended its side (END_STREAM): no RST_STREAM is needed after our trailers. */
    void clientDone() {
        clientDone = true;
    }

    /** True once {@link #close} ran, the call was cancelled or a send failed: arriving messages are discarded. */
    boolean isFinished() {
        return closed || cancelled || broken;
    }

    /**
     * The peer reset the stream or the connection was lost: nothing more is sent. False if the
     * call was already closed or cancelled (not when a failed send only broke it).
     */
    boolean cancel() {
        if (closed || cancelled) {
            return false;
        }
        cancelled = true;
        end();
        return true;
    }

    /**
     * The deadline passed: DEADLINE_EXCEEDED goes out as trailers, or, when a send is holding
     * the stream, as RST_STREAM CANCEL. False if the call was already finished.
     */
    boolean expire() {
        boolean locked = sendLock.tryLock();
        try {
            if (closed || cancelled) {
                return false;
            }
            cancelled = true;
            if (locked) {
                sendTrailersLocked(GrpcHeaders.trailers(Status.DEADLINE_EXCEEDED, "deadline exceeded", List.of()));
            } else {
                stream.reset(ErrorCode.CANCEL);
            }
        } finally {
            if (locked) {
                sendLock.unlock();
            }
        }
        end();
        return true;
    }

    /**
     * A send failed: nothing more can be sent, and the call's end is run. Its listener is not
     * told here (the handler got the IOException); a reset from the peer that follows still
     * cancels the call and tells it ({@link #cancel} is not refused for a broken call).
     */
    private void broken() {
        broken = true;
        end();
    }

    /** Runs {@code onEnd} once, whichever way the call ends first. */
    private void end() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
        }
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IllegalStateException("call " + path + " is already closed");
        }
        if (cancelled) {
            throw new IOException("call " + path + " was cancelled");
        }
    }

    private void sendHeadersLocked() throws IOException {
        if (!headersSent) {
            stream.writeHeaders(GrpcHeaders.responseHeaders(), false);
            headersSent = true;
        }
    }

    private void sendTrailersLocked(List<HeaderField> trailers) {
        try {
            if (headersSent) {
                stream.writeHeaders(trailers, true);
            } else {
                stream.writeHeaders(GrpcHeaders.trailersOnly(200, trailers), true);
            }
            if (!clientDone) {
                stream.reset(ErrorCode.NO_ERROR);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "could not send the status of call {0}: {1}", path, e.getMessage());
        }
    }
}
