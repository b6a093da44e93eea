// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server {@link Http2Connection} against a {@link RawHttp2Peer} that breaks RFC 9113 one
 * rule at a time: each connection error must come back as GOAWAY with the RFC's code (and
 * {@code run()} end with it), each stream error as RST_STREAM with the RFC's code on a
 * connection that still answers PING.
 */
@Timeout(10)
class ServerProtocolErrorTest {
    private ServerHarness h;

    @AfterEach
    void close() throws IOException {
        if (h != null) {
            h.close();
        }
    }

    /** Reads up to the GOAWAY, checks its code, the end of stream after it, and what run() threw. */
    private void assertGoAway(ErrorCode code) throws Exception {
        Frame.GoAway goAway = h.peer.expect(Frame.GoAway.class);
        assertEquals(code, ErrorCode.of(goAway.code()), goAway.debug());
        h.peer.expectEnd(100);
        Http2Exception thrown = assertInstanceOf(Http2Exception.class, h.end());
        assertEquals(code, thrown.code());
    }

    /** Reads up to a RST_STREAM, checks it, and that the connection still answers a PING. */
    private void assertReset(int streamId, ErrorCode code) throws IOException {
        Frame.RstStream rst = h.peer.expect(Frame.RstStream.class);
        assertEquals(streamId, rst.streamId());
        assertEquals(code, ErrorCode.of(rst.code()));
        assertAlive();
    }

    private void assertAlive() throws IOException {
        h.peer.ping(0x1122334455667788L);
        Frame.Ping ping = h.peer.expect(Frame.Ping.class);
        assertTrue(ping.ack());
        assertEquals(0x1122334455667788L, ping.data());
    }

    private void open(int id, boolean endStream) throws IOException {
        h.peer.headers(id, RawHttp2Peer.request("/svc/M"), endStream);
    }

    @Test
    void wrongPrefaceIsProtocolError() throws Exception {
        h = new ServerHarness(Http2Settings.DEFAULTS);
        h.peer.io.write(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void firstFrameMustBeSettings() throws Exception {
        h = new ServerHarness(Http2Settings.DEFAULTS);
        h.peer.io.write(ByteBuffer.wrap(FrameReader.PREFACE));
        h.peer.ping(1);
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void settingsAreAcknowledgedAndUnknownOnesIgnored() throws Exception {
        h = ServerHarness.started();
        h.peer.settings(new Setting(0x99, 7), new Setting(Setting.MAX_FRAME_SIZE, 1 << 20));
        Frame.Settings ack = h.peer.expect(Frame.Settings.class);
        assertTrue(ack.ack());
        assertAlive();
    }

    @Test
    void enablePushAboveOneIsProtocolError() throws Exception {
        h = ServerHarness.started();
        h.peer.settings(new Setting(Setting.ENABLE_PUSH, 2));
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void initialWindowAboveLimitIsFlowControlError() throws Exception {
        h = ServerHarness.started();
        h.peer.settings(new Setting(Setting.INITIAL_WINDOW_SIZE, 1L << 31));
        assertGoAway(ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    void maxFrameSizeOutOfRangeIsProtocolError() throws Exception {
        h = ServerHarness.started();
        h.peer.settings(new Setting(Setting.MAX_FRAME_SIZE, 16_383));
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void settingsOfOddLengthIsFrameSizeError() throws Exception {
        h = ServerHarness.started();
        h.peer.frame(Frame.SETTINGS, 0, 0, new byte[5]);
        assertGoAway(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void frameAboveOurMaxFrameSizeIsFrameSizeError() throws Exception {
        h = ServerHarness.started();
        open(1, false);
        h.peer.frame(Frame.DATA, 0, 1, new byte[Setting.MIN_FRAME_SIZE + 1]);
        assertGoAway(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void padLengthAsLongAsThePayloadIsProtocolError() throws Exception {
        h = ServerHarness.started();
        open(1, false);
        h.peer.frame(Frame.DATA, Frame.FLAG_PADDED, 1, (byte) 3, (byte) 0, (byte) 0);
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void paddedDataReachesTheListenerWithoutItsPadding() throws Exception {
        h = ServerHarness.started();
        open(1, false);
        assertEquals("accept 1", h.nextEvent());
        h.peer.frame(Frame.DATA, Frame.FLAG_PADDED | Frame.FLAG_END_STREAM, 1, (byte) 2, (byte) 'x', (byte) 0, (byte) 0);
        assertEquals("data 1 1 end", h.nextEvent());
    }

    @Test
    void pingIsAnsweredWithTheSameOctets() throws Exception {
        h = ServerHarness.started();
        assertAlive();
    }

    @Test
    void pingOfWrongLengthIsFrameSizeError() throws Exception {
        h = ServerHarness.started();
        h.peer.frame(Frame.PING, 0, 0, new byte[7]);
        assertGoAway(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void unknownFrameTypesAreIgnored() throws Exception {
        h = ServerHarness.started();
        h.peer.frame(0x42, 0xff, 3, new byte[100]);
        assertAlive();
    }

    @Test
    void continuationFloodIsCutAtTheBlockBound() throws Exception {
        h = ServerHarness.started();
        byte[] fragment = new byte[Setting.MIN_FRAME_SIZE];
        h.peer.frame(Frame.HEADERS, 0, 1, fragment);
        int sent = 1;
        try {
            for (; sent < 1000; sent++) {
                h.peer.frame(Frame.CONTINUATION, 0, 1, fragment);
            }
        } catch (IOException expected) {
            // the server closed the connection: the flood was cut
        }
        assertTrue(sent < 100, "frames sent before the cut: " + sent);
        assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
    }

    @Test
    void otherFrameInsideAHeaderBlockIsProtocolError() throws Exception {
        h = ServerHarness.started();
        byte[] block = h.peer.block(RawHttp2Peer.request("/a"));
        h.peer.frame(Frame.HEADERS, 0, 1, block);
        h.peer.ping(3);
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void continuationOfAnotherStreamIsProtocolError() throws Exception {
        h = ServerHarness.started();
        byte[] block = h.peer.block(RawHttp2Peer.request("/a"));
        h.peer.frame(Frame.HEADERS, 0, 1, block);
        h.peer.frame(Frame.CONTINUATION, Frame.FLAG_END_HEADERS, 3);
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void headerBlockSplitOverContinuationsOpensTheStream() throws Exception {
        h = ServerHarness.started();
        byte[] block = h.peer.block(RawHttp2Peer.request("/split"));
        int half = block.length / 2;
        h.peer.frame(Frame.HEADERS, Frame.FLAG_END_STREAM, 1, java.util.Arrays.copyOf(block, half));
        h.peer.frame(Frame.CONTINUATION, Frame.FLAG_END_HEADERS, 1, java.util.Arrays.copyOfRange(block, half, block.length));
        assertEquals("accept 1 end", h.nextEvent());
    }

    @Test
    void priorityOfWrongLengthIsStreamFrameSizeError() throws Exception {
        h = ServerHarness.started();
        open(1, false);
        h.peer.frame(Frame.PRIORITY, 0, 1, new byte[4]);
        assertReset(1, ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void streamDependingOnItselfIsStreamProtocolError() throws Exception {
        h = ServerHarness.started();
        open(1, false);
        h.peer.frame(Frame.PRIORITY, 0, 1, (byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 16);
        assertReset(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void priorityFramesAndFlagsAreIgnored() throws Exception {
        h = ServerHarness.started();
        h.peer.frame(Frame.PRIORITY, 0, 5, (byte) 0, (byte) 0, (byte) 0, (byte) 3, (byte) 16);
        byte[] block = h.peer.block(RawHttp2Peer.request("/p"));
        byte[] payload = new byte[5 + block.length];
        payload[3] = 3; // depends on stream 3
        System.arraycopy(block, 0, payload, 5, block.length);
        h.peer.frame(Frame.HEADERS, Frame.FLAG_PRIORITY | Frame.FLAG_END_HEADERS | Frame.FLAG_END_STREAM, 1, payload);
        assertEquals("accept 1 end", h.nextEvent());
    }

    @Test
    void windowUpdateOfZeroOnAStreamIsStreamProtocolError() throws Exception {
        h = ServerHarness.started();
        open(1, false);
        h.peer.windowUpdate(1, 0);
        assertReset(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void windowUpdateOfZeroOnTheConnectionIsProtocolError() throws Exception {
        h = ServerHarness.started();
        h.peer.windowUpdate(0, 0);
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void windowOverflowIsFlowControlError() throws Exception {
        h = ServerHarness.started();
        h.peer.windowUpdate(0, Integer.MAX_VALUE);
        assertGoAway(ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    void streamWindowOverflowIsStreamFlowControlError() throws Exception {
        h = ServerHarness.started();
        open(1, false);
        h.peer.windowUpdate(1, Integer.MAX_VALUE);
        assertReset(1, ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    void evenStreamFromClientIsProtocolError() throws Exception {
        h = ServerHarness.started();
        open(2, true);
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void decreasingStreamIdIsProtocolError() throws Exception {
        h = ServerHarness.started();
        open(5, true);
        open(3, true);
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void headersReusingAStreamThePeerClosedIsStreamClosed() throws Exception {
        h = ServerHarness.started();
        open(1, false);
        assertEquals("accept 1", h.nextEvent());
        h.peer.rstStream(1, ErrorCode.CANCEL);
        assertEquals("reset 1 CANCEL", h.nextEvent());
        open(1, true);
        assertGoAway(ErrorCode.STREAM_CLOSED);
    }

    @Test
    void headersReusingAStreamClosedByBothEndsIsStreamClosed() throws Exception {
        h = ServerHarness.started();
        open(1, true);
        h.nextStream().writeHeaders(List.of(new HeaderField(":status", "200")), true);
        h.peer.expect(Frame.Headers.class);
        assertAlive(); // the response was written and the stream closed before the reuse comes
        open(1, true);
        assertGoAway(ErrorCode.STREAM_CLOSED);
    }

    @Test
    void dataOnHalfClosedRemoteStreamIsStreamClosed() throws Exception {
        h = ServerHarness.started();
        open(1, true);
        h.peer.data(1, new byte[10], false);
        assertReset(1, ErrorCode.STREAM_CLOSED);
    }

    @Test
    void dataOnIdleStreamIsProtocolError() throws Exception {
        h = ServerHarness.started();
        h.peer.data(1, new byte[10], false);
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void rstStreamOnIdleStreamIsProtocolError() throws Exception {
        h = ServerHarness.started();
        h.peer.rstStream(7, ErrorCode.CANCEL);
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void pushPromiseFromClientIsProtocolError() throws Exception {
        h = ServerHarness.started();
        open(1, false);
        h.peer.frame(Frame.PUSH_PROMISE, Frame.FLAG_END_HEADERS, 1, (byte) 0, (byte) 0, (byte) 0, (byte) 2);
        assertGoAway(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void undecodableHeaderBlockIsCompressionError() throws Exception {
        h = ServerHarness.started();
        h.peer.frame(Frame.HEADERS, Frame.FLAG_END_HEADERS, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x0f);
        assertGoAway(ErrorCode.COMPRESSION_ERROR);
    }

    @Test
    void malformedRequestsAreStreamProtocolErrors() throws Exception {
        h = ServerHarness.started();
        List<List<HeaderField>> malformed = List.of(
                without(":path"),
                with(new HeaderField("Content-Type", "x")),
                with(new HeaderField("connection", "close")),
                with(new HeaderField("te", "gzip")),
                with(new HeaderField(":status", "200")),
                with(new HeaderField(":method", "GET")),
                with(new HeaderField(":authority", "elsewhere")),
                with(new HeaderField("x-bad", "a\r\nb")),
                pseudoAfterRegular());
        int id = 1;
        for (List<HeaderField> fields : malformed) {
            h.peer.headers(id, fields, true);
            assertReset(id, ErrorCode.PROTOCOL_ERROR);
            id += 2;
        }
    }

    private static List<HeaderField> without(String name) {
        List<HeaderField> fields = new ArrayList<>(RawHttp2Peer.request("/m"));
        fields.removeIf(f -> f.name().equals(name));
        return fields;
    }

    private static List<HeaderField> with(HeaderField extra) {
        List<HeaderField> fields = new ArrayList<>(RawHttp2Peer.request("/m"));
        fields.add(extra);
        return fields;
    }

    private static List<HeaderField> pseudoAfterRegular() {
        List<HeaderField> fields = new ArrayList<>(without(":authority"));
        fields.add(new HeaderField(":authority", "localhost"));
        return fields;
    }

    @Test
    void headerListOverOurLimitResetsOnlyTheStream() throws Exception {
        h = ServerHarness.started();
        h.peer.headers(1, with(new HeaderField("x-big", "v".repeat(16_300))), true);
        assertReset(1, ErrorCode.ENHANCE_YOUR_CALM);
        open(3, true);
        assertEquals("accept 3 end", h.nextEvent());
    }

    @Test
    void streamsBeyondMaxConcurrentAreRefusedAndTheirLateFramesIgnored() throws Exception {
        h = ServerHarness.started(new Http2Settings(4096, 2, 1 << 20, 16_384, 16_384, 4 << 20));
        open(1, false);
        open(3, false);
        open(5, false);
        assertReset(5, ErrorCode.REFUSED_STREAM);
        h.peer.data(5, new byte[100], true);
        assertAlive();
        h.peer.data(1, new byte[0], true);
        assertEquals("accept 1", h.nextEvent());
        assertEquals("accept 3", h.nextEvent());
        assertEquals("data 1 0 end", h.nextEvent());
        h.nextStream().writeHeaders(List.of(new HeaderField(":status", "200")), true);
        assertEquals(1, h.peer.expect(Frame.Headers.class).streamId());
        open(7, true);
        assertEquals("accept 7 end", h.nextEvent());
    }

    @Test
    void dataBeyondTheStreamWindowIsStreamFlowControlError() throws Exception {
        h = ServerHarness.started(new Http2Settings(4096, 100, 16_384, 16_384, 16_384, 1 << 20));
        h.holdData = true;
        open(1, false);
        h.peer.data(1, new byte[16_384], false);
        h.peer.data(1, new byte[1], false);
        assertReset(1, ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    void dataBeyondTheConnectionWindowIsFlowControlError() throws Exception {
        h = ServerHarness.started(new Http2Settings(4096, 100, 65_535, 16_384, 16_384, 65_535));
        h.holdData = true;
        for (int id = 1; id <= 7; id += 2) { // the fourth frame crosses 65,535
            open(id, false);
            h.peer.data(id, new byte[16_384], false);
        }
        assertGoAway(ErrorCode.FLOW_CONTROL_ERROR);
    }
}
