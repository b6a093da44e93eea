// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A client and a server {@link Http2Connection} over a {@link MemoryPipe}, each on its own
 * reader thread. The server echoes every request: once the request body ended, a handler
 * thread sends :status 200, the body back, and trailers. Data is consumed as it arrives.
 */
final class EchoPair implements AutoCloseable {
    final MemoryPipe pipe;
    final Http2Connection server;
    final Http2Connection client;
    final CompletableFuture<Throwable> serverEnded = new CompletableFuture<>();
    final CompletableFuture<Throwable> clientEnded = new CompletableFuture<>();
    private final ExecutorService handlers = Executors.newCachedThreadPool();

    EchoPair(Http2Settings serverSettings, Http2Settings clientSettings) throws IOException {
        pipe = MemoryPipe.open();
        server = Http2Connection.server(pipe.server, serverSettings, this::accept);
        client = Http2Connection.client(pipe.client, clientSettings);
        start(server, serverEnded, "server");
        start(client, clientEnded, "client");
    }

    private static void start(Http2Connection connection, CompletableFuture<Throwable> ended, String name) {
        Thread reader = new Thread(() -> {
            try {
                connection.run();
                ended.complete(null);
            } catch (IOException | RuntimeException e) {
                ended.complete(e);
            }
        }, "http2-test-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private StreamListener accept(Http2Stream stream, List<HeaderField> headers, boolean endStream) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (endStream) {
            handlers.execute(() -> respond(stream, body.toByteArray()));
        }
        return new StreamListener() {
            @Override
            public void onData(ByteBuffer data, boolean end) {
                int n = data.remaining();
                byte[] bytes = new byte[n];
                data.get(bytes);
                body.write(bytes, 0, n);
                stream.consumed(n);
                if (end) {
                    handlers.execute(() -> respond(stream, body.toByteArray()));
                }
            }
        };
    }

    private static void respond(Http2Stream stream, byte[] body) {
        try {
            stream.writeHeaders(List.of(new HeaderField(":status", "200"),
                    new HeaderField("content-type", "application/grpc")), false);
            stream.writeData(ByteBuffer.wrap(body), false);
            stream.writeHeaders(List.of(new HeaderField("grpc-status", "0")), true);
        } catch (IOException e) {
            stream.reset(ErrorCode.INTERNAL_ERROR);
        }
    }

    /** Sends {@code body} on a new stream and returns the response body once the trailers arrived. */
    CompletableFuture<byte[]> call(byte[] body) throws IOException {
        Response response = new Response();
        Http2Stream stream = client.openStream(RawHttp2Peer.request("/echo"), false, response);
        response.stream = stream;
        stream.writeData(ByteBuffer.wrap(body), true);
        return response.done;
    }

    /** Collects a response body; completes with it at the trailers, exceptionally at a reset. */
    static final class Response implements StreamListener {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        volatile Http2Stream stream;

        @Override
        public void onHeaders(List<HeaderField> fields, boolean endStream) {
            if (endStream) {
                done.complete(body.toByteArray());
            }
        }

        @Override
        public void onData(ByteBuffer data, boolean endStream) {
            int n = data.remaining();
            byte[] bytes = new byte[n];
            data.get(bytes);
            body.write(bytes, 0, n);
            stream.consumed(n);
        }

        @Override
        public void onReset(ErrorCode code) {
            done.completeExceptionally(new IOException("reset: " + code));
        }
    }

    @Override
    public void close() {
        client.close();
        server.close();
        handlers.shutdownNow();
    }
}
