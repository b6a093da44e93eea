// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.http2.Http2Connection;
import multipass.http2.Http2Settings;
import multipass.transport.ByteStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A gRPC server and client over an HTTP/2 connection in memory: two pipes, one reader thread
 * per side. For tests; {@link #close()} stops everything it started.
 */
final class GrpcPair implements AutoCloseable {
    /** One direction of a pipe pair as a {@link ByteStream}. */
    private static final class PipeStream implements ByteStream {
        private final Pipe.SourceChannel in;
        private final Pipe.SinkChannel out;

        PipeStream(Pipe.SourceChannel in, Pipe.SinkChannel out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return in.read(dst);
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                out.write(src);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
            out.close();
        }
    }

    final ExecutorService executor;
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final GrpcServer server;
    final Http2Connection serverConnection;
    final Http2Connection clientConnection;
    final GrpcClient client;
    private final Thread serverThread;
    private final Thread clientThread;

    GrpcPair(CallHandler handler, GrpcLimits limits, ExecutorService executor, int clientLimit) throws IOException {
        this.executor = executor;
        Pipe up = Pipe.open();
        Pipe down = Pipe.open();
        server = new GrpcServer(handler, executor, timer, limits);
        serverConnection = Http2Connection.server(new PipeStream(up.source(), down.sink()), Http2Settings.DEFAULTS, server);
        PipeStream clientSide = new PipeStream(down.source(), up.sink());
        clientConnection = Http2Connection.client(clientSide, Http2Settings.DEFAULTS);
        serverThread = runner(serverConnection, "grpc-test-server");
        clientThread = runner(clientConnection, "grpc-test-client");
        client = new GrpcClient(clientConnection, "localhost", clientLimit);
    }

    GrpcPair(CallHandler handler) throws IOException {
        this(handler, GrpcLimits.DEFAULTS, Executors.newCachedThreadPool(), GrpcClient.MAX_RECEIVE_MESSAGE);
    }

    private static Thread runner(Http2Connection connection, String name) {
        Thread thread = new Thread(() -> {
            try {
                connection.run();
            } catch (IOException e) {
                System.getLogger(GrpcPair.class.getName()).log(System.Logger.Level.DEBUG, name + " ended: " + e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Override
    public void close() {
        clientConnection.close();
        serverConnection.close();
        try {
            serverThread.join(5000);
            clientThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdownNow();
            timer.shutdownNow();
        }
    }
}
