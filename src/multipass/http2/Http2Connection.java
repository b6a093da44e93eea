// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;
import multipass.transport.ByteStream;

import java.io.IOException;
import java.util.List;

/**
 * One HTTP/2 connection (RFC 9113) over an established byte stream (TLS after ALPN {@code h2},
 * or plain between the CLI and its warm client), either side. One thread, the caller of
 * {@link #run()}, reads frames and drives every stream's listener; any thread may send on a
 * stream. Thread-safe.
 */
public final class Http2Connection implements AutoCloseable {
    /** Decides what happens to each stream a client opens (server side), on the reader thread. */
    public interface Acceptor {
        /**
         * A new stream with its request headers. Returns the listener for the rest of its
         * events; must not block.
         */
        StreamListener accept(Http2Stream stream, List<HeaderField> requestHeaders, boolean endStream);
    }

    private Http2Connection() {
    }

    /** The server side of {@code io}: expects the client's preface, sends our SETTINGS. */
    public static Http2Connection server(ByteStream io, Http2Settings ours, Acceptor acceptor) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The client side of {@code io}: sends the preface and our SETTINGS when {@link #run()} starts. */
    public static Http2Connection client(ByteStream io, Http2Settings ours) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Reads and handles frames until the connection ends: returns after a clean end (GOAWAY
     * exchanged and every stream finished, or the peer closed between frames), throws when
     * the peer broke the protocol (after sending GOAWAY with the error) or the stream failed.
     * Every stream still open then gets {@link StreamListener#onReset}.
     */
    public void run() throws IOException {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Client: opens a stream by sending {@code headers}; blocks while the server's
     * SETTINGS_MAX_CONCURRENT_STREAMS are all in use. Fails when the connection is going away.
     */
    public Http2Stream openStream(List<HeaderField> headers, boolean endStream, StreamListener listener) throws IOException {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Graceful shutdown: GOAWAY(NO_ERROR) with the last stream accepted; streams in flight
     * finish, new ones are refused, and the connection closes when the last one is done.
     */
    public void shutdown() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** True until GOAWAY was sent or received, or the connection failed. */
    public boolean isOpen() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Closes at once: GOAWAY(NO_ERROR) best effort, every open stream reset, the byte stream closed. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("skeleton");
    }
}
