// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.http2.ErrorCode;
import multipass.http2.Http2Stream;
import multipass.http2.StreamListener;
import multipass.api.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a {@link GrpcServer} puts on the wire, as a plain HTTP/2 stream sees it: the blocks and their END_STREAM. */
@Timeout(30)
class GrpcWireTest {
    /** Records each event of a stream as a line. */
    private static final class Recorder implements StreamListener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void onHeaders(List<HeaderField> fields, boolean endStream) {
            events.add("headers " + fields + (endStream ? " end" : ""));
        }

        @Override
        public void onData(ByteBuffer data, boolean endStream) {
            events.add("data " + data.remaining() + (endStream ? " end" : ""));
        }

        @Override
        public void onReset(ErrorCode code) {
            events.add("reset " + code);
        }

        String next() throws InterruptedException {
            return events.poll(5, TimeUnit.SECONDS);
        }
    }

    private static List<HeaderField> request(String method, String path, String contentType) {
        List<HeaderField> headers = new ArrayList<>();
        headers.add(new HeaderField(":method", method));
        headers.add(new HeaderField(":scheme", "https"));
        headers.add(new HeaderField(":path", path));
        headers.add(new HeaderField(":authority", "localhost"));
        headers.add(new HeaderField("content-type", contentType));
        headers.add(new HeaderField("te", "trailers"));
        return headers;
    }

    private static String trailersOnly(int http, Status status, String message) {
        return "headers " + GrpcHeaders.trailersOnly(http, status, message, List.of()) + " end";
    }

    @Test
    void anUnknownMethodIsTrailersOnlyThenNoErrorWhileTheClientStillSends() throws Exception {
        try (GrpcPair pair = new GrpcPair((path, call) -> null)) {
            Recorder recorder = new Recorder();
            pair.clientConnection.openStream(request("POST", "/a/b", "application/grpc"), false, recorder);
            assertEquals(trailersOnly(200, Status.UNIMPLEMENTED, "Method not found: /a/b"), recorder.next());
            assertEquals("reset NO_ERROR", recorder.next());
        }
    }

    @Test
    void aClientThatEndedItsSideGetsNoReset() throws Exception {
        try (GrpcPair pair = new GrpcPair((path, call) -> null)) {
            Recorder recorder = new Recorder();
            Http2Stream stream = pair.clientConnection.openStream(request("POST", "/a/b", "application/grpc"), false, recorder);
            stream.writeData(MessageFraming.frame(new byte[3]), true);
            assertEquals(trailersOnly(200, Status.UNIMPLEMENTED, "Method not found: /a/b"), recorder.next());
            assertEquals(null, recorder.events.poll(300, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void requestsThatAreNotGrpcAreRefusedWithTheSpecsHttpStatus() throws Exception {
        try (GrpcPair pair = new GrpcPair((path, call) -> null)) {
            Recorder json = new Recorder();
            pair.clientConnection.openStream(request("POST", "/a/b", "application/json"), true, json);
            assertEquals(trailersOnly(415, Status.INTERNAL, "content-type \"application/json\" is not application/grpc"), json.next());
            Recorder get = new Recorder();
            pair.clientConnection.openStream(request("GET", "/a/b", "application/grpc"), true, get);
            assertEquals(trailersOnly(405, Status.INTERNAL, "method \"GET\" is not POST"), get.next());
            Recorder timeout = new Recorder();
            List<HeaderField> headers = request("POST", "/a/b", "application/grpc");
            headers.add(new HeaderField("grpc-timeout", "1.5S"));
            pair.clientConnection.openStream(headers, true, timeout);
            assertEquals(trailersOnly(200, Status.INTERNAL, "malformed grpc-timeout: \"1.5S\""), timeout.next());
        }
    }

    @Test
    void aReplyIsHeadersDataTrailers() throws Exception {
        CallHandler echo = (path, call) -> message -> {
            try {
                call.sendMessage(message);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            call.close(Status.OK, "done");
        };
        try (GrpcPair pair = new GrpcPair(echo)) {
            Recorder recorder = new Recorder();
            Http2Stream stream = pair.clientConnection.openStream(request("POST", "/a/b", "application/grpc"), false, recorder);
            stream.writeData(MessageFraming.frame(new byte[10]), true);
            assertEquals("headers " + GrpcHeaders.responseHeaders(), recorder.next());
            assertEquals("data 15", recorder.next());
            assertEquals("headers [HeaderField[name=grpc-status, value=0], HeaderField[name=grpc-message, value=done]] end", recorder.next());
        }
    }

    @Test
    void theConnectionsBufferBudgetStopsTheStreamThatPassesIt() throws Exception {
        int announced = 1 << 20;
        CallHandler silent = (path, call) -> message -> { };
        try (GrpcPair pair = new GrpcPair(silent, new GrpcLimits(GrpcLimits.MAX_RECEIVE_MESSAGE, announced),
                java.util.concurrent.Executors.newCachedThreadPool(), 1024)) {
            Recorder first = new Recorder();
            Recorder second = new Recorder();
            for (Recorder recorder : List.of(first, second)) {
                Http2Stream stream = pair.clientConnection.openStream(request("POST", "/a/b", "application/grpc"), false, recorder);
                // The first holds at most 512 KiB of buffer and its 400 KiB while queued: it fits.
                int sent = recorder == first ? 400 * 1024 : 600 * 1024;
                ByteBuffer part = ByteBuffer.allocate(5 + sent).put((byte) 0).putInt(announced);
                try {
                    stream.writeData(part.rewind(), false);
                } catch (java.io.IOException e) {
                    assertEquals(second, recorder, "only the stream past the budget is stopped: " + e.getMessage());
                }
                if (recorder == first) {
                    assertEquals(null, first.events.poll(300, TimeUnit.MILLISECONDS), "the first stream fits");
                }
            }
            assertEquals(trailersOnly(200, Status.RESOURCE_EXHAUSTED, "the connection holds more than " + announced
                    + " bytes of incomplete messages"), second.next());
            assertEquals("reset NO_ERROR", second.next());
            assertEquals(null, first.events.poll(100, TimeUnit.MILLISECONDS), "the first stream lives on");
        }
    }
}
