// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.api.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@link GrpcServer} and a {@link GrpcClient} over an in-memory HTTP/2 connection: calls end to end. */
@Timeout(30)
class GrpcCallTest {
    static final String ECHO = "/test.Echo/echo";
    static final String MANY = "/test.Echo/many";
    static final String SILENT = "/test.Echo/silent";
    static final String FAIL = "/test.Echo/fail";
    static final String FLOOD = "/test.Echo/flood";
    static final int FLOOD_MESSAGES = 100;
    static final int FLOOD_SIZE = 64 * 1024;

    /** Messages the flood handler has sent so far. */
    final java.util.concurrent.atomic.AtomicInteger flooded = new java.util.concurrent.atomic.AtomicInteger();

    /** What the server's listeners saw, in order: "message N bytes", "half-close", "cancel STATUS". */
    final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

    /** Echo replies once and closes; many replies with as many messages as the request's first byte times 100; silent never replies. */
    final CallHandler handler = (path, call) -> switch (path) {
        case ECHO -> recording(message -> {
            send(call, message);
            call.close(Status.OK, null, List.of(new HeaderField("x-echo", "yes")));
        });
        case MANY -> recording(message -> {
            for (int i = 0; i < (message[0] & 0xFF) * 100; i++) {
                send(call, new byte[] {(byte) i, (byte) (i >> 8), 7, 7});
            }
            call.close(Status.OK, "");
        });
        case SILENT -> recording(message -> { });
        case FLOOD -> recording(message -> {
            for (int i = 0; i < FLOOD_MESSAGES; i++) {
                send(call, new byte[FLOOD_SIZE]);
                flooded.incrementAndGet();
            }
            call.close(Status.OK, "");
        });
        case FAIL -> recording(message -> call.close(Status.UNAUTHENTICATED, PercentEncodingTest.NOT_AUTHENTICATED));
        default -> null;
    };

    private static void send(ServerCall call, byte[] message) {
        try {
            call.sendMessage(message);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private MessageListener recording(java.util.function.Consumer<byte[]> onMessage) {
        return new MessageListener() {
            @Override
            public void onMessage(byte[] message) {
                seen.add("message " + message.length + " bytes");
                onMessage.accept(message);
            }

            @Override
            public void onHalfClose() {
                seen.add("half-close");
            }

            @Override
            public void onCancel(Status reason) {
                seen.add("cancel " + reason);
            }
        };
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void unary() throws Exception {
        try (GrpcPair pair = new GrpcPair(handler)) {
            List<byte[]> replies = new ArrayList<>();
            CallResult result = pair.client.call(ECHO, bytes("hello"), Duration.ofSeconds(10), replies::add);
            assertEquals(new CallResult(Status.OK, "", List.of(new HeaderField("grpc-status", "0"), new HeaderField("x-echo", "yes"))), result);
            assertEquals(1, replies.size());
            assertArrayEquals(bytes("hello"), replies.get(0));
            assertEquals("message 5 bytes", seen.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void messagesLargerThanTheWindowsGoBothWays() throws Exception {
        try (GrpcPair pair = new GrpcPair(handler)) {
            byte[] large = new byte[GrpcLimits.MAX_RECEIVE_MESSAGE];
            new java.util.Random(7).nextBytes(large);
            List<byte[]> replies = new ArrayList<>();
            assertEquals(Status.OK, pair.client.call(ECHO, large, null, replies::add).status());
            assertArrayEquals(large, replies.get(0));
            assertEquals(Status.OK, pair.client.call(ECHO, large, null, replies::add).status(), "every byte went back to the windows");
        }
    }

    @Test
    void aSlowCallerHoldsTheServerBackThroughFlowControl() throws Exception {
        try (GrpcPair pair = new GrpcPair(handler)) {
            List<Integer> sentWhenTaken = new ArrayList<>();
            CallResult result = pair.client.call(FLOOD, bytes("go"), null, message -> {
                if (sentWhenTaken.isEmpty()) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                sentWhenTaken.add(flooded.get());
            });
            assertEquals(Status.OK, result.status());
            assertEquals(FLOOD_MESSAGES, sentWhenTaken.size());
            int windowInMessages = (1 << 20) / FLOOD_SIZE; // Http2Settings.DEFAULTS: a 1 MiB stream window
            assertTrue(sentWhenTaken.get(0) <= windowInMessages + 2, "while the caller slept, the server sent " + sentWhenTaken.get(0)
                    + " messages: more than the stream window holds");
        }
    }

    @Test
    void serverStreamingDeliversEveryReplyInOrder() throws Exception {
        try (GrpcPair pair = new GrpcPair(handler)) {
            List<byte[]> replies = new ArrayList<>();
            CallResult result = pair.client.call(MANY, new byte[] {50}, null, replies::add);
            assertEquals(Status.OK, result.status());
            assertEquals(5000, replies.size());
            for (int i = 0; i < replies.size(); i++) {
                assertArrayEquals(new byte[] {(byte) i, (byte) (i >> 8), 7, 7}, replies.get(i), "reply " + i);
            }
        }
    }

    @Test
    void aStatusMessageWithNewlinesArrivesIntact() throws Exception {
        try (GrpcPair pair = new GrpcPair(handler)) {
            CallResult result = pair.client.call(FAIL, bytes("x"), null, message -> { });
            assertEquals(Status.UNAUTHENTICATED, result.status());
            assertEquals(PercentEncodingTest.NOT_AUTHENTICATED, result.message());
        }
    }

    @Test
    void aClientThatNeverHalfClosesIsStillAnswered() throws Exception {
        try (GrpcPair pair = new GrpcPair(handler)) {
            ClientCall call = ClientCall.start(pair.clientConnection, pair.client.requestHeaders(ECHO, null), 1024);
            call.sendMessage(bytes("open"), false);
            List<byte[]> replies = new ArrayList<>();
            CallResult result = call.receive(replies::add, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            assertEquals(Status.OK, result.status());
            assertArrayEquals(bytes("open"), replies.get(0));
            assertEquals("message 4 bytes", seen.poll(5, TimeUnit.SECONDS));
            assertEquals(null, seen.poll(200, TimeUnit.MILLISECONDS), "no half-close, no cancel");
        }
    }

    @Test
    void anUnknownMethodIsUnimplemented() throws Exception {
        try (GrpcPair pair = new GrpcPair(handler)) {
            CallResult result = pair.client.call("/test.Echo/nothing", bytes("x"), null, message -> { });
            assertEquals(CallResult.local(Status.UNIMPLEMENTED, "Method not found: /test.Echo/nothing").status(), result.status());
            assertEquals("Method not found: /test.Echo/nothing", result.message());
        }
    }

    @Test
    void theClientsDeadlinePassesAndTheServerIsTold() throws Exception {
        try (GrpcPair pair = new GrpcPair(handler)) {
            long start = System.nanoTime();
            CallResult result = pair.client.call(SILENT, bytes("x"), Duration.ofMillis(300), message -> { });
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(Status.DEADLINE_EXCEEDED, result.status());
            assertTrue(took >= 250 && took < 5000, "took " + took + " ms");
            assertEquals("message 1 bytes", seen.poll(5, TimeUnit.SECONDS));
            assertEquals("half-close", seen.poll(5, TimeUnit.SECONDS), "call() ends its side with the request");
            String cancel = seen.poll(5, TimeUnit.SECONDS);
            assertTrue("cancel DEADLINE_EXCEEDED".equals(cancel) || "cancel CANCELLED".equals(cancel), cancel);
        }
    }

    @Test
    void theServerEndsACallWhoseTimeoutPasses() throws Exception {
        try (GrpcPair pair = new GrpcPair(handler)) {
            List<HeaderField> headers = new ArrayList<>(pair.client.requestHeaders(SILENT, null));
            headers.add(new HeaderField("grpc-timeout", "200m"));
            ClientCall call = ClientCall.start(pair.clientConnection, headers, 1024);
            call.sendMessage(bytes("x"), false);
            CallResult result = call.receive(message -> { }, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            assertEquals(CallResult.local(Status.DEADLINE_EXCEEDED, "deadline exceeded").status(), result.status());
            assertEquals("deadline exceeded", result.message());
            assertEquals("message 1 bytes", seen.poll(5, TimeUnit.SECONDS));
            assertEquals("cancel DEADLINE_EXCEEDED", seen.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aRequestOverTheServersLimitIsResourceExhausted() throws Exception {
        try (GrpcPair pair = new GrpcPair(handler, new GrpcLimits(1000, 1 << 20), Executors.newCachedThreadPool(), 1 << 20)) {
            CallResult result = pair.client.call(ECHO, new byte[1001], null, message -> { });
            assertEquals(Status.RESOURCE_EXHAUSTED, result.status());
            assertEquals("received a message of 1001 bytes, over the limit of 1000 bytes", result.message());
            assertEquals(Status.OK, pair.client.call(ECHO, new byte[1000], null, message -> { }).status(), "the connection lives on");
        }
    }

    @Test
    void aReplyOverTheClientsLimitIsResourceExhausted() throws Exception {
        try (GrpcPair pair = new GrpcPair(handler, GrpcLimits.DEFAULTS, Executors.newCachedThreadPool(), 100)) {
            CallResult result = pair.client.call(ECHO, new byte[101], null, message -> { });
            assertEquals(CallResult.local(Status.RESOURCE_EXHAUSTED, "received a message of 101 bytes, over the limit of 100 bytes"), result);
            assertEquals(Status.OK, pair.client.call(ECHO, new byte[100], null, message -> { }).status(), "the connection lives on");
        }
    }

    @Test
    void concurrentCallsOnOneConnection() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (GrpcPair pair = new GrpcPair(handler)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(callers.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        byte[] request = bytes("caller " + thread + " call " + i);
                        List<byte[]> replies = new CopyOnWriteArrayList<>();
                        CallResult result = pair.client.call(i % 5 == 0 ? MANY : ECHO, i % 5 == 0 ? new byte[] {2} : request, null, replies::add);
                        assertEquals(Status.OK, result.status());
                        assertEquals(i % 5 == 0 ? 200 : 1, replies.size());
                        if (i % 5 != 0) {
                            assertArrayEquals(request, replies.get(0));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aSinkThatFailsCancelsTheCallOnTheServer() throws Exception {
        try (GrpcPair pair = new GrpcPair(handler)) {
            IOException e = assertThrows(IOException.class, () -> pair.client.call(MANY, new byte[] {(byte) 200}, null, message -> {
                throw new IOException("the caller gave up");
            }));
            assertEquals("the caller gave up", e.getMessage());
            assertEquals("message 1 bytes", seen.poll(5, TimeUnit.SECONDS));
            assertEquals("cancel CANCELLED", seen.poll(10, TimeUnit.SECONDS));
            assertEquals(Status.OK, pair.client.call(ECHO, bytes("after"), null, message -> { }).status(), "the connection lives on");
        }
    }

    @Test
    void aSaturatedExecutorIsResourceExhaustedAndAStoppedOneUnavailable() throws Exception {
        ExecutorService stopped = Executors.newSingleThreadExecutor();
        stopped.shutdown();
        try (GrpcPair pair = new GrpcPair(handler, GrpcLimits.DEFAULTS, stopped, 1024)) {
            CallResult result = pair.client.call(ECHO, bytes("x"), null, message -> { });
            assertEquals(Status.UNAVAILABLE, result.status());
            assertEquals("the daemon is stopping", result.message());
        }
        ExecutorService saturated = new java.util.concurrent.ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>());
        saturated.execute(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (GrpcPair pair = new GrpcPair(handler, GrpcLimits.DEFAULTS, saturated, 1024)) {
            CallResult result = pair.client.call(ECHO, bytes("x"), null, message -> { });
            assertEquals(Status.RESOURCE_EXHAUSTED, result.status());
            assertEquals("the daemon is busy", result.message());
        }
        assertEquals(List.of(), Arrays.asList(seen.toArray()), "no listener ran");
    }

    @Test
    void dataQueuedWhileTheCallWaitsForAThreadCountsAgainstTheConnectionsBudget() throws Exception {
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        ExecutorService oneThread = Executors.newSingleThreadExecutor();
        oneThread.execute(() -> {
            try {
                go.await(); // every drain waits behind this: nothing takes the queued DATA
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        GrpcLimits limits = new GrpcLimits(64 << 10, 128 << 10); // the daemon's for strangers
        try (GrpcPair pair = new GrpcPair(handler, limits, oneThread, 1024)) {
            ClientCall call = ClientCall.start(pair.clientConnection, pair.client.requestHeaders(SILENT, null), 1024);
            for (int i = 0; i < 3; i++) { // 180 KiB, well within the windows (1 MiB, 4 MiB)
                call.sendMessage(new byte[60 << 10], false);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (pair.server.buffered() < 100 << 10 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(pair.server.buffered() >= 100 << 10, "queued DATA is charged: " + pair.server.buffered());
            Thread.sleep(300); // the rest reaches the server: refused, and returned to flow control
            assertTrue(pair.server.buffered() <= limits.maxBuffered(), "at most the budget: " + pair.server.buffered());
            go.countDown();
            CallResult result = call.receive(message -> { }, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            assertEquals(CallResult.local(Status.RESOURCE_EXHAUSTED, "the connection holds more than 131072 bytes of incomplete messages"),
                    new CallResult(result.status(), result.message(), List.of()));
            while (pair.server.buffered() > 0 && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(5)) {
                Thread.sleep(10);
            }
            assertEquals(0, pair.server.buffered(), "everything given back");
            assertEquals(Status.OK, pair.client.call(ECHO, bytes("after"), null, message -> { }).status(), "the connection lives on");
        }
    }

    @Test
    void aCallWhoseStreamIsResetForAClosedWindowIsFinished() throws Exception {
        BlockingQueue<String> outcome = new LinkedBlockingQueue<>();
        CallHandler stuck = (path, call) -> new MessageListener() {
            @Override
            public void onMessage(byte[] message) {
                try {
                    for (int i = 0; i < 100; i++) { // 6.4 MB: far past the client's 1 MiB stream window
                        call.sendMessage(new byte[FLOOD_SIZE]);
                    }
                    outcome.add("all sent");
                } catch (IOException e) {
                    outcome.add("send failed; cancelled " + call.isCancelled() + ", finished " + call.isFinished());
                }
            }

            @Override
            public void onHalfClose() {
            }

            @Override
            public void onCancel(Status reason) {
            }
        };
        try (GrpcPair pair = new GrpcPair(stuck)) {
            pair.serverConnection.setWriteTimeout(Duration.ofMillis(300));
            ClientCall call = ClientCall.start(pair.clientConnection, pair.client.requestHeaders(FLOOD, null), GrpcClient.MAX_RECEIVE_MESSAGE);
            call.sendMessage(bytes("go"), true); // and never read the replies
            assertEquals("send failed; cancelled true, finished true", outcome.poll(10, TimeUnit.SECONDS));
            call.cancel();
        }
    }
}
