// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A server {@link Http2Connection} on its own reader thread over a {@link MemoryPipe}, with a
 * {@link RawHttp2Peer} as the client. Streams the server accepts are queued, their events
 * recorded as text ("data 5 end", "reset CANCEL"); their data is consumed at once unless
 * {@link #holdData} is set. {@link #ended} completes with what {@code run()} threw, or null.
 */
final class ServerHarness implements AutoCloseable {
    final MemoryPipe pipe;
    final Http2Connection server;
    final RawHttp2Peer peer;
    final BlockingQueue<Http2Stream> accepted = new LinkedBlockingQueue<>();
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    volatile boolean holdData;

    ServerHarness(Http2Settings settings) throws IOException {
        pipe = MemoryPipe.open();
        server = Http2Connection.server(pipe.server, settings, this::accept);
        Thread reader = new Thread(() -> {
            try {
                server.run();
                ended.complete(null);
            } catch (IOException | RuntimeException e) {
                ended.complete(e);
            }
        }, "http2-test-server");
        reader.setDaemon(true);
        reader.start();
        peer = new RawHttp2Peer(pipe.client);
    }

    /** A server with the defaults and a started raw client. */
    static ServerHarness started() throws IOException {
        return started(Http2Settings.DEFAULTS);
    }

    static ServerHarness started(Http2Settings settings) throws IOException {
        ServerHarness harness = new ServerHarness(settings);
        harness.peer.startClient();
        return harness;
    }

    private StreamListener accept(Http2Stream stream, List<HeaderField> headers, boolean endStream) {
        accepted.add(stream);
        events.add("accept " + stream.id() + (endStream ? " end" : ""));
        return new StreamListener() {
            @Override
            public void onHeaders(List<HeaderField> fields, boolean end) {
                events.add("headers " + stream.id() + (end ? " end" : ""));
            }

            @Override
            public void onData(ByteBuffer data, boolean end) {
                int n = data.remaining();
                events.add("data " + stream.id() + " " + n + (end ? " end" : ""));
                if (!holdData) {
                    stream.consumed(n);
                }
            }

            @Override
            public void onReset(ErrorCode code) {
                events.add("reset " + stream.id() + " " + code);
            }
        };
    }

    /** The next accepted stream, waiting up to 5 s. */
    Http2Stream nextStream() throws InterruptedException {
        Http2Stream stream = accepted.poll(5, TimeUnit.SECONDS);
        if (stream == null) {
            fail("no stream accepted");
        }
        return stream;
    }

    /** The next event, waiting up to 5 s. */
    String nextEvent() throws InterruptedException {
        String event = events.poll(5, TimeUnit.SECONDS);
        if (event == null) {
            fail("no event");
        }
        return event;
    }

    /** What {@code run()} ended with, waiting up to 5 s. */
    Throwable end() throws Exception {
        return ended.get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
        peer.close();
    }
}
