// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.transport.ByteStream;
import multipass.transport.PlainChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Pipe;

/**
 * Two ends of an in-memory, full-duplex byte stream made of two crossed {@link Pipe}s (real
 * blocking channels with a kernel buffer each way). Closing an end closes both of its pipe
 * halves: the other end reads end of stream and its writes fail. One reader and one writer
 * may use an end at once, like a socket.
 */
final class MemoryPipe {
    final ByteStream client;
    final ByteStream server;

    private MemoryPipe(ByteStream client, ByteStream server) {
        this.client = client;
        this.server = server;
    }

    static MemoryPipe open() throws IOException {
        Pipe toServer = Pipe.open();
        Pipe toClient = Pipe.open();
        return new MemoryPipe(end(toClient, toServer), end(toServer, toClient));
    }

    private static ByteStream end(Pipe in, Pipe out) {
        Pipe.SourceChannel source = in.source();
        Pipe.SinkChannel sink = out.sink();
        return new PlainChannel(new ByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return source.read(dst);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return sink.write(src);
            }

            @Override
            public boolean isOpen() {
                return source.isOpen() || sink.isOpen();
            }

            @Override
            public void close() throws IOException {
                try {
                    source.close();
                } finally {
                    sink.close();
                }
            }
        });
    }
}
