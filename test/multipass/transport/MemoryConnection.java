// SPDX-License-Identifier: Apache-2.0
package multipass.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Pipe;

/**
 * An in-memory, full-duplex connection made of two crossed {@link Pipe}s: what one end
 * writes, the other reads. Real blocking {@code java.nio} channels (a 64 KiB kernel buffer
 * each way), so each end runs on its own thread like a socket. Closing an end closes both of
 * its pipe halves: the other end then reads EOF and its writes fail (broken pipe).
 */
final class MemoryConnection implements AutoCloseable {
    private final End client;
    private final End server;

    private MemoryConnection(End client, End server) {
        this.client = client;
        this.server = server;
    }

    static MemoryConnection open() throws IOException {
        Pipe toServer = Pipe.open();
        Pipe toClient = Pipe.open();
        return new MemoryConnection(new End(toClient.source(), toServer.sink()), new End(toServer.source(), toClient.sink()));
    }

    ByteChannel client() {
        return client;
    }

    ByteChannel server() {
        return server;
    }

    @Override
    public void close() throws IOException {
        try {
            client.close();
        } finally {
            server.close();
        }
    }

    /** One end: reads its incoming pipe, writes its outgoing one. */
    static final class End implements ByteChannel {
        private final Pipe.SourceChannel in;
        private final Pipe.SinkChannel out;

        End(Pipe.SourceChannel in, Pipe.SinkChannel out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return in.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return out.write(src);
        }

        @Override
        public boolean isOpen() {
            return in.isOpen() || out.isOpen();
        }

        @Override
        public void close() throws IOException {
            try {
                in.close();
            } finally {
                out.close();
            }
        }
    }

    /** A channel that reads at most one byte per call: TLS records arrive in fragments. */
    static ByteChannel oneByteReads(ByteChannel channel) {
        return new Filter(channel) {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                if (!dst.hasRemaining()) {
                    return 0;
                }
                ByteBuffer one = ByteBuffer.allocate(1);
                int n = channel.read(one);
                if (n > 0) {
                    dst.put(one.flip());
                }
                return n;
            }
        };
    }

    /** A channel that writes at most one byte per call: the caller must loop. */
    static ByteChannel oneByteWrites(ByteChannel channel) {
        return new Filter(channel) {
            @Override
            public int write(ByteBuffer src) throws IOException {
                if (!src.hasRemaining()) {
                    return 0;
                }
                ByteBuffer one = src.slice().limit(1);
                int n = channel.write(one);
                src.position(src.position() + n);
                return n;
            }
        };
    }

    /** Delegates everything to another channel. */
    private static class Filter implements ByteChannel {
        final ByteChannel channel;

        Filter(ByteChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
