// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flow control seen from the wire (RFC 9113 section 5.2, 6.9): a raw client that grants
 * windows by hand checks that the server never sends past one, that consumed() is what gives
 * credit back, that SETTINGS_INITIAL_WINDOW_SIZE moves open streams' windows, and that a peer
 * that never opens its window costs a writer only the write deadline.
 */
@Timeout(10)
class FlowControlTest {
    private static final List<HeaderField> OK = List.of(new HeaderField(":status", "200"));
    private ServerHarness h;

    @AfterEach
    void close() throws IOException {
        h.close();
    }

    private CompletableFuture<Void> writeInBackground(Http2Stream stream, byte[] body) {
        return CompletableFuture.runAsync(() -> {
            try {
                stream.writeHeaders(OK, false);
                stream.writeData(ByteBuffer.wrap(body), true);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void serverNeverSendsPastTheWindowsItWasGiven() throws Exception {
        h = ServerHarness.started();
        h.peer.settings(new Setting(Setting.INITIAL_WINDOW_SIZE, 1000));
        h.peer.expect(Frame.Settings.class);
        h.peer.headers(1, RawHttp2Peer.request("/big"), true);
        CompletableFuture<Void> writing = writeInBackground(h.nextStream(), new byte[200_000]);
        long streamGranted = 1000;
        long connectionGranted = 65_535;
        long received = 0;
        while (true) {
            Frame frame = h.peer.next();
            if (frame instanceof Frame.Data data) {
                received += data.flowLength();
                assertTrue(data.flowLength() <= Setting.MIN_FRAME_SIZE, "frame of " + data.flowLength());
                assertTrue(received <= streamGranted && received <= connectionGranted,
                        received + " octets sent, " + streamGranted + "/" + connectionGranted + " granted");
                if (data.endStream()) {
                    break;
                }
                if (received == streamGranted) {
                    h.peer.windowUpdate(1, 7000);
                    streamGranted += 7000;
                }
                if (connectionGranted - received < 20_000) {
                    h.peer.windowUpdate(0, 50_000);
                    connectionGranted += 50_000;
                }
            }
        }
        assertEquals(200_000, received);
        writing.get();
    }

    @Test
    void consumedGivesCreditBackInHalfWindowSteps() throws Exception {
        h = ServerHarness.started(new Http2Settings(4096, 100, 16_384, 16_384, 16_384, 1 << 20));
        h.holdData = true;
        h.peer.headers(1, RawHttp2Peer.request("/up"), false);
        Http2Stream stream = h.nextStream();
        h.peer.data(1, new byte[16_384], false);
        assertEquals("accept 1", h.nextEvent());
        assertEquals("data 1 16384", h.nextEvent());
        stream.consumed(4000);
        h.peer.ping(9);
        for (Frame frame = h.peer.next(); !(frame instanceof Frame.Ping); frame = h.peer.next()) {
            assertFalse(frame instanceof Frame.WindowUpdate update && update.streamId() == 1,
                    "WINDOW_UPDATE before half the window is consumed: " + frame);
        }
        stream.consumed(4192);
        Frame.WindowUpdate update = h.peer.expect(Frame.WindowUpdate.class);
        assertEquals(1, update.streamId());
        assertEquals(8192, update.increment());
        h.peer.data(1, new byte[8192], false); // exactly what the window holds again
        assertEquals("data 1 8192", h.nextEvent());
        assertThrows(IllegalArgumentException.class, () -> stream.consumed(20_000));
    }

    @Test
    void zeroWindowFailsTheWriterAtTheDeadlineAndResetsTheStream() throws Exception {
        h = ServerHarness.started();
        h.server.setWriteTimeout(Duration.ofMillis(300));
        h.peer.settings(new Setting(Setting.INITIAL_WINDOW_SIZE, 0));
        h.peer.expect(Frame.Settings.class);
        h.peer.headers(1, RawHttp2Peer.request("/stuck"), true);
        Http2Stream stream = h.nextStream();
        stream.writeHeaders(OK, false);
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> stream.writeData(ByteBuffer.wrap(new byte[10]), true));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 250 && millis < 5000, "waited " + millis + " ms: " + e.getMessage());
        Frame.RstStream rst = h.peer.expect(Frame.RstStream.class);
        assertEquals(ErrorCode.CANCEL, ErrorCode.of(rst.code()));
    }

    @Test
    void initialWindowSettingMovesOpenStreamsWindows() throws Exception {
        h = ServerHarness.started();
        h.peer.settings(new Setting(Setting.INITIAL_WINDOW_SIZE, 0));
        h.peer.expect(Frame.Settings.class);
        h.peer.headers(1, RawHttp2Peer.request("/later"), true);
        CompletableFuture<Void> writing = writeInBackground(h.nextStream(), new byte[100]);
        h.peer.expect(Frame.Headers.class);
        Thread.sleep(100);
        assertFalse(writing.isDone());
        h.peer.settings(new Setting(Setting.INITIAL_WINDOW_SIZE, 60));
        Frame.Data first = h.peer.expect(Frame.Data.class);
        assertEquals(60, first.flowLength());
        h.peer.settings(new Setting(Setting.INITIAL_WINDOW_SIZE, 100)); // +40 on the open stream
        Frame.Data second = h.peer.expect(Frame.Data.class);
        assertEquals(40, second.flowLength());
        assertTrue(second.endStream());
        writing.get();
    }
}
