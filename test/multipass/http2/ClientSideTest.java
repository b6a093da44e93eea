// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;
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
 * the rest finish), the server's MAX_CONCURRENT_STREAMS, and a malformed response.
 */
@Timeout(10)
class ClientSideTest {
    private MemoryPipe pipe;
    private Http2Connection client;
    private RawHttp2Peer server;
    private final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws IOException {
        pipe = MemoryPipe.open();
        client = Http2Connection.client(pipe.client, Http2Settings.DEFAULTS);
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
}
