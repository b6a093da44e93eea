// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.transport.ByteStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection's byte stream whose every write must finish within the idle time, or the
 * socket is closed (and the write fails). HTTP/2 flow control bounds what we send by the
 * window the peer grants, but a peer may grant a large window and then stop reading: without
 * this, the thread writing to it would block in the kernel for as long as the peer likes.
 * Reads are passed through. Thread-safety is that of the stream it wraps.
 */
final class DeadlineWrites implements ByteStream {
    private static final System.Logger LOG = System.getLogger(DeadlineWrites.class.getName());

    private final ByteStream stream;
    private final ScheduledExecutorService watchdog;
    private final long millis;
    private final Channel socket;

    DeadlineWrites(ByteStream stream, ScheduledExecutorService watchdog, long millis, Channel socket) {
        this.stream = stream;
        this.watchdog = watchdog;
        this.millis = millis;
        this.socket = socket;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return stream.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        ScheduledFuture<?> stalled;
        try {
            stalled = watchdog.schedule(this::abandon, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            throw new IOException("the daemon is stopping", e);
        }
        try {
            stream.write(src);
        } finally {
            stalled.cancel(false);
        }
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }

    private void abandon() {
        LOG.log(System.Logger.Level.DEBUG, "closing a connection whose client did not read what it was sent within {0} ms", millis);
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a stalled connection failed: {0}", e.toString());
        }
    }
}
