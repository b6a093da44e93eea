// SPDX-License-Identifier: Apache-2.0
package multipass.transport;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A blocking, ordered, two-way byte stream that HTTP/2 ({@code multipass.http2}) runs over:
 * {@link TlsChannel} (to and from the daemon) or {@link PlainChannel} (between the CLI and its
 * warm client, a private Unix socket of one user). Both allow one reading thread beside
 * serialized writers (what HTTP/2 needs); see each implementation.
 */
public interface ByteStream extends AutoCloseable {
    /** Reads at least one byte into {@code dst}, blocking; -1 when the peer closed its side cleanly. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes all of {@code src}. */
    void write(ByteBuffer src) throws IOException;

    @Override
    void close() throws IOException;

    /**
     * True if, as far as can be told without blocking, nothing has arrived since the last read
     * and the peer has not closed its side: a connection that may carry another request. False
     * when it cannot tell. Whatever this reads stays buffered for the next {@link #read}.
     */
    default boolean quiet() throws IOException {
        return false;
    }

    /** Reads exactly {@code dst.remaining()} bytes; end of stream first is an {@link EOFException}. */
    default void readFully(ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (read(dst) < 0) {
                throw new EOFException("connection closed by peer after " + dst.position() + " of " + dst.limit() + " byte(s)");
            }
        }
    }
}
