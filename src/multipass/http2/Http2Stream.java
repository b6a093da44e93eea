// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One stream of an {@link Http2Connection}: the sending half, used from any thread, and the
 * flow-control credit of the receiving half (whose events go to a {@link StreamListener}).
 * Its state (RFC 9113 section 5.1) and windows (section 5.2) are guarded by the connection's
 * state lock; the connection's write lock orders its frames. Thread-safe.
 */
public final class Http2Stream {
    private final Http2Connection connection;
    private final int id;
    /** Set once, before the reader delivers the stream's first event; read on the reader thread only. */
    StreamListener listener;
    // Guarded by connection.lock:
    StreamState state;
    /** What the peer lets us send; may go negative after a SETTINGS_INITIAL_WINDOW_SIZE decrease (section 6.9.2). */
    long sendWindow;
    final ReceiveWindow receiveWindow;
    /** Client: a final (non-1xx) response arrived, so the next header block must be trailers. */
    boolean responseSeen;
    /** The peer refused the stream unprocessed (GOAWAY below it, or REFUSED_STREAM): sends fail with {@link StreamRefusedException}. */
    boolean refused;

    Http2Stream(Http2Connection connection, int id, StreamState state, long sendWindow, ReceiveWindow receiveWindow) {
        this.connection = connection;
        this.id = id;
        this.state = state;
        this.sendWindow = sendWindow;
        this.receiveWindow = receiveWindow;
    }

    /** The stream identifier: odd when the client opened it. */
    public int id() {
        return id;
    }

    /** Sends a header block (HEADERS, then CONTINUATION as the peer's frame size needs). */
    public void writeHeaders(List<HeaderField> fields, boolean endStream) throws IOException {
        connection.outbound.sendHeaders(this, fields, endStream);
    }

    /**
     * Sends {@code data} as DATA frames, blocking while the peer's stream or connection window
     * is closed; if the window stays closed past the connection's write deadline, the stream is
     * reset and an IOException thrown. Fails at once when the stream was reset or the
     * connection is gone.
     */
    public void writeData(ByteBuffer data, boolean endStream) throws IOException {
        long deadline = System.nanoTime() + connection.writeTimeoutNanos();
        if (!data.hasRemaining()) {
            if (endStream) {
                connection.outbound.sendData(this, data, true);
            }
            return;
        }
        while (data.hasRemaining()) {
            int n = connection.outbound.reserveSendWindow(this, data.remaining(), deadline);
            ByteBuffer chunk = data.slice().limit(n);
            data.position(data.position() + n);
            connection.outbound.sendData(this, chunk, endStream && !data.hasRemaining());
        }
    }

    /** Returns {@code bytes} of received DATA to the receive windows (WINDOW_UPDATE as needed). */
    public void consumed(int bytes) {
        connection.outbound.consumed(this, bytes);
    }

    /** Resets the stream with RST_STREAM {@code code}, unless it is already closed. */
    public void reset(ErrorCode code) {
        connection.outbound.resetLocally(this, code);
    }

    @Override
    public String toString() {
        return "stream " + id;
    }
}
