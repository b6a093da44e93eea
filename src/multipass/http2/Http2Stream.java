// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One stream of an {@link Http2Connection}: the sending half, used from any thread, and the
 * flow-control credit of the receiving half (whose events go to a {@link StreamListener}).
 * Thread-safe.
 */
public final class Http2Stream {
    Http2Stream() {
    }

    /** The stream identifier: odd when the client opened it. */
    public int id() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Sends a header block (HEADERS, then CONTINUATION as the peer's frame size needs). */
    public void writeHeaders(List<HeaderField> fields, boolean endStream) throws IOException {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Sends {@code data} as DATA frames, blocking while the peer's stream or connection window
     * is closed; if the window stays closed past the connection's write deadline, the stream is
     * reset and an IOException thrown. Fails at once when the stream was reset or the
     * connection is gone.
     */
    public void writeData(ByteBuffer data, boolean endStream) throws IOException {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Returns {@code bytes} of received DATA to the receive windows (WINDOW_UPDATE as needed). */
    public void consumed(int bytes) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Resets the stream with RST_STREAM {@code code}, unless it is already closed. */
    public void reset(ErrorCode code) {
        throw new UnsupportedOperationException("skeleton");
    }
}
