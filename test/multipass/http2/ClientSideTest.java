// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.grpc.CallResult;
import multipass.grpc.GrpcClient;
import multipass.hpack.HeaderField;
import multipass.api.Status;
import multipass.transport.ByteStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our client against a {@link RawHttp2Peer} acting as the server: the preface and SETTINGS it
 * sends, GOAWAY received (streams above the last one refused, no new streams, a clean end once
 * the rest finish), the server's MAX_CONCURRENT_STREAMS, a malformed response, and a stream
 * that ends abnormally (its listener told once, whatever else fails).
 */
@Timeout(10)
class ClientSideTest {
    /** The client's byte stream; once {@link #cut}, its writes fail, as on a connection dying under the reader. */
    private static final class Cuttable implements ByteStream {
        private final ByteStream io;
        volatile boolean cut;

        Cuttable(ByteStream io) {
            this.io = io;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return io.read(dst);
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            if (cut) {
                throw new IOException("connection reset (cut by the test)");
            }
            io.write(src);
        }

        @Override
        public void close() throws IOException {
            io.close();
        }
    }

    private MemoryPipe pipe;
    private Cuttable clientIo;
    private Http2Connection client;
    private RawHttp2Peer server;
    private final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws IOException {
        pipe = MemoryPipe.open();
        clientIo = new Cuttable(pipe.client);
        client = Http2Connection.client(clientIo, Http2Settings.DEFAULTS);
        Thread reader = new Thread(() -> {
            try {
                client.run();
                ended.complete(null);
            } catch (IOException | RuntimeException e) {
                ended.complete(e);
            }
        }, "http2-test-client");
        reader.setDaemon(true);
        reader.start();
        server = new RawHttp2Peer(pipe.server);
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        server.close();
    }

    /** Starts the raw server and waits until the client acknowledged its SETTINGS (so they apply). */
    private void startServer(Setting... settings) throws IOException {
        server.startServer();
        if (settings.length > 0) {
            server.settings(settings);
        }
        Frame.Settings clientSettings = server.expect(Frame.Settings.class);
        assertFalse(clientSettings.ack());
        assertTrue(clientSettings.settings().contains(new Setting(Setting.ENABLE_PUSH, 0)));
        server.frame(Frame.SETTINGS, Frame.FLAG_ACK, 0);
        for (int acks = 0; acks < 1 + (settings.length > 0 ? 1 : 0); acks++) {
            assertTrue(server.expect(Frame.Settings.class).ack());
        }
    }

    private StreamListener recorder(String name) {
        return new StreamListener() {
            @Override
            public void onHeaders(List<HeaderField> fields, boolean endStream) {
                events.add(name + " headers " + fields.get(0).value() + (endStream ? " end" : ""));
            }

            @Override
            public void onReset(ErrorCode code) {
                events.add(name + " reset " + code);
            }
        };
    }

    private String nextEvent() throws InterruptedException {
        String event = events.poll(5, TimeUnit.SECONDS);
        return event == null ? "none" : event;
    }

    @Test
    void goAwayRefusesStreamsAboveTheLastAndEndsCleanlyAfterTheRest() throws Exception {
        startServer();
        Http2Stream first = client.openStream(RawHttp2Peer.request("/a"), false, recorder("a"));
        client.openStream(RawHttp2Peer.request("/b"), false, recorder("b"));
        assertEquals(1, server.expect(Frame.Headers.class).streamId());
        assertEquals(3, server.expect(Frame.Headers.class).streamId());
        server.frame(Frame.GOAWAY, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0);
        assertEquals("b reset REFUSED_STREAM", nextEvent());
        assertThrows(IOException.class, () -> client.openStream(RawHttp2Peer.request("/c"), true, recorder("c")));
        assertFalse(client.isOpen());
        server.headers(1, List.of(new HeaderField(":status", "200")), true);
        assertEquals("a headers 200 end", nextEvent());
        first.writeData(ByteBuffer.allocate(0), true);
        server.expect(Frame.Data.class);
        server.expectEnd(10);
        assertNull(ended.get(5, TimeUnit.SECONDS));
    }

    @Test
    void openStreamWaitsForTheServersConcurrencyLimit() throws Exception {
        startServer(new Setting(Setting.MAX_CONCURRENT_STREAMS, 1));
        client.openStream(RawHttp2Peer.request("/a"), false, recorder("a"));
        CompletableFuture<Http2Stream> second = CompletableFuture.supplyAsync(() -> {
            try {
                return client.openStream(RawHttp2Peer.request("/b"), true, recorder("b"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(1, server.expect(Frame.Headers.class).streamId());
        Thread.sleep(200);
        assertFalse(second.isDone());
        server.rstStream(1, ErrorCode.CANCEL);
        assertEquals("a reset CANCEL", nextEvent());
        assertEquals(3, second.get(5, TimeUnit.SECONDS).id());
        assertEquals(3, server.expect(Frame.Headers.class).streamId());
    }

    @Test
    void malformedResponseResetsTheStream() throws Exception {
        startServer();
        client.openStream(RawHttp2Peer.request("/a"), true, recorder("a"));
        server.expect(Frame.Headers.class);
        server.headers(1, List.of(new HeaderField("content-type", "text/plain")), false);
        Frame.RstStream rst = server.expect(Frame.RstStream.class);
        assertEquals(ErrorCode.PROTOCOL_ERROR, ErrorCode.of(rst.code()));
        assertEquals("a reset PROTOCOL_ERROR", nextEvent());
    }

    @Test
    void enablePushFromAServerIsProtocolError() throws Exception {
        server.startServer();
        server.settings(new Setting(Setting.ENABLE_PUSH, 1));
        Frame.GoAway goAway = server.expect(Frame.GoAway.class);
        assertEquals(ErrorCode.PROTOCOL_ERROR, ErrorCode.of(goAway.code()));
        assertEquals(ErrorCode.PROTOCOL_ERROR, ((Http2Exception) ended.get(5, TimeUnit.SECONDS)).code());
    }

    @Test
    void aStreamErrorWhoseResetCannotBeWrittenStillTellsTheListener() throws Exception {
        startServer();
        client.openStream(RawHttp2Peer.request("/a"), false, recorder("a"));
        server.expect(Frame.Headers.class);
        clientIo.cut = true;
        server.frame(Frame.WINDOW_UPDATE, 0, 1, 0, 0, 0, 0); // a stream error: RST_STREAM, which cannot be written
        assertEquals("a reset PROTOCOL_ERROR", nextEvent());
        assertEquals("none", nextEvent(), "told once");
    }

    @Test
    void aListenerThatThrowsIsResetAndToldSo() throws Exception {
        startServer();
        client.openStream(RawHttp2Peer.request("/a"), false, new StreamListener() {
            @Override
            public void onHeaders(List<HeaderField> fields, boolean endStream) {
                throw new IllegalStateException("a listener that fails");
            }

            @Override
            public void onReset(ErrorCode code) {
                events.add("a reset " + code);
            }
        });
        server.expect(Frame.Headers.class);
        server.headers(1, List.of(new HeaderField(":status", "200")), false);
        assertEquals(ErrorCode.INTERNAL_ERROR, ErrorCode.of(server.expect(Frame.RstStream.class).code()));
        assertEquals("a reset INTERNAL_ERROR", nextEvent());
        assertEquals("none", nextEvent(), "told once");
    }

    @Test
    void dataReservedForAStreamResetBeforeItsWriteGoesBackToTheConnectionWindow() throws Exception {
        startServer();
        Http2Stream reset = client.openStream(RawHttp2Peer.request("/a"), false, recorder("a"));
        server.expect(Frame.Headers.class);
        assertEquals(1000, client.outbound.reserveSendWindow(reset, 1000, System.nanoTime() + 1_000_000_000L));
        server.rstStream(1, ErrorCode.CANCEL);
        assertEquals("a reset CANCEL", nextEvent());
        assertThrows(IOException.class, () -> client.outbound.sendData(reset, ByteBuffer.allocate(1000), false));
        client.setWriteTimeout(java.time.Duration.ofSeconds(1));
        Http2Stream next = client.openStream(RawHttp2Peer.request("/b"), false, recorder("b"));
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
            try {
                next.writeData(ByteBuffer.allocate(Setting.DEFAULT_WINDOW), true); // the whole connection window, never updated
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(3, server.expect(Frame.Headers.class).streamId());
        int received = 0;
        while (received < Setting.DEFAULT_WINDOW) {
            received += server.expect(Frame.Data.class).data().remaining();
        }
        assertNull(written.get(5, TimeUnit.SECONDS));
    }

    @Test
    void dataReservedBeforeALowerMaxFrameSizeIsSentInFramesOfTheNewSize() throws Exception {
        startServer(new Setting(Setting.MAX_FRAME_SIZE, 1 << 20), new Setting(Setting.INITIAL_WINDOW_SIZE, 1 << 20));
        server.windowUpdate(0, 1 << 20);
        Http2Stream stream = client.openStream(RawHttp2Peer.request("/a"), false, recorder("a"));
        server.expect(Frame.Headers.class);
        int n = client.outbound.reserveSendWindow(stream, 40_000, System.nanoTime() + 1_000_000_000L);
        assertEquals(40_000, n);
        server.settings(new Setting(Setting.MAX_FRAME_SIZE, Setting.MIN_FRAME_SIZE));
        assertTrue(server.expect(Frame.Settings.class).ack());
        client.outbound.sendData(stream, ByteBuffer.allocate(n), true);
        int received = 0;
        boolean ended = false;
        while (!ended) {
            Frame.Data data = server.expect(Frame.Data.class);
            assertTrue(data.flowLength() <= Setting.MIN_FRAME_SIZE, "a DATA frame of " + data.flowLength() + " octets");
            received += data.flowLength();
            ended = data.endStream();
        }
        assertEquals(n, received);
    }

    @Test
    void everyWriteThatTimesOutWaitingForTheWindowResetsItsStream() throws Exception {
        startServer(new Setting(Setting.INITIAL_WINDOW_SIZE, 0));
        for (int i = 0; i < 400; i++) {
            client.setWriteTimeout(java.time.Duration.ofNanos(1 + 25L * i)); // deadlines around the first check of the window
            Http2Stream stream = client.openStream(RawHttp2Peer.request("/a"), false, recorder("s"));
            IOException e = assertThrows(IOException.class, () -> stream.writeData(ByteBuffer.allocate(1), true));
            assertTrue(e.getMessage().endsWith("stream reset"), e.getMessage());
            assertEquals(stream.id(), server.expect(Frame.Headers.class).streamId());
            Frame.RstStream rst = server.expect(Frame.RstStream.class);
            assertEquals(stream.id(), rst.streamId());
            assertEquals(ErrorCode.CANCEL, ErrorCode.of(rst.code()));
        }
    }

    @Test
    void aCallAboveTheLastStreamOfAGoAwayIsARetriableRefusalNotALostConnection() throws Exception {
        startServer();
        GrpcClient grpc = new GrpcClient(client, "localhost");
        CompletableFuture<CallResult> result = CompletableFuture.supplyAsync(() -> {
            try {
                return grpc.call("/svc/M", new byte[] {1}, null, message -> { });
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(1, server.expect(Frame.Headers.class).streamId());
        server.frame(Frame.GOAWAY, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0); // last stream 0: stream 1 was not processed
        CallResult refused = result.get(5, TimeUnit.SECONDS);
        assertEquals(Status.UNAVAILABLE, refused.status());
        assertEquals(CallResult.REFUSED, refused.message());
        assertTrue(refused.isRefused());
    }
}
