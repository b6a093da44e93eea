// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.grpc.PercentEncoding;
import multipass.hpack.HeaderField;
import multipass.api.Request;
import multipass.api.Status;
import multipass.testing.TestClient;
import multipass.tls.Identity;
import multipass.transport.TlsChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static multipass.http2.Attacker.LIST;
import static multipass.http2.Attacker.PING;
import static multipass.http2.Attacker.message;
import static multipass.http2.Attacker.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classic HTTP/2 abuses of issue 20 against the real daemon process (docs/attacks.md): no
 * preface or a wrong one, a frame over SETTINGS_MAX_FRAME_SIZE, stream identifiers reused,
 * even or going backwards, a WINDOW_UPDATE past 2^31-1, 1,000 streams at once, a gRPC length
 * prefix of 4 GiB, a header block dripped a byte at a time, and a TLS connection that never
 * sends a byte; each with its RFC 9113 answer, while a trusted client is served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2ClassicsIntegrationTest {
    /** The daemon's [Limits] here: what the timed cases wait for. */
    private static final int HANDSHAKE_SECONDS = 2;
    private static final int IDLE_SECONDS = 3;

    private AttackDaemon daemon;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void start(@TempDir Path dir) throws Exception {
        daemon = AttackDaemon.start(dir, "handshake_timeout_seconds=" + HANDSHAKE_SECONDS, "idle_timeout_seconds=" + IDLE_SECONDS);
    }

    @AfterAll
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** One connection's answer to {@code frames}: the GOAWAY's code and debug text. */
    private String goAwayAfter(Identity who, ErrorCode expected, String because, Frames frames) throws Exception {
        try (Attacker a = Attacker.on(daemon, who)) {
            try {
                frames.write(a);
            } catch (IOException e) {
                // The daemon may send its GOAWAY and close while the rest of a long frame is still
                // being written (a broken pipe here); the GOAWAY below says whether it answered right.
                System.out.println("  the write was cut by the daemon's close: " + e);
            }
            assertEquals(expected, a.awaitGoAway(10), "GOAWAY: " + a.goAwayDebug);
            assertTrue(a.goAwayDebug.contains(because), "GOAWAY says '" + because + "': " + a.goAwayDebug);
            a.awaitEnd(10);
            return "GOAWAY " + expected + " (" + a.goAwayDebug + ")";
        }
    }

    @FunctionalInterface
    private interface Frames {
        void write(Attacker a) throws Exception;
    }

    private static long closedAfterMillis(Attacker a, long maxSeconds) throws Exception {
        long start = System.nanoTime();
        a.awaitEnd(maxSeconds);
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    @Timeout(60)
    void aTlsConnectionThatNeverSendsAByte() throws Exception {
        daemon.underAttack("TCP connection, no TLS byte ever", () -> {
            try (SocketChannel channel = TestClient.open(daemon.address)) {
                long start = System.nanoTime();
                ByteBuffer sink = ByteBuffer.allocate(1024);
                try {
                    while (channel.read(sink.clear()) >= 0) {
                        continue;
                    }
                } catch (IOException e) {
                    // reset: closed as well
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis >= HANDSHAKE_SECONDS * 1000L - 200 && millis < HANDSHAKE_SECONDS * 1000L + 3000, "closed after " + millis + " ms");
                return "closed after " + millis + " ms (handshake_timeout_seconds=" + HANDSHAKE_SECONDS + ")";
            }
        });
    }

    @Test
    @Timeout(60)
    void noPrefaceAfterTheHandshake() throws Exception {
        daemon.underAttack("TLS done, no HTTP/2 preface ever", () -> {
            TlsChannel tls = daemon.tls(null);
            try (Attacker a = new Attacker(new RawHttp2Peer(tls), true)) {
                long millis = closedAfterMillis(a, IDLE_SECONDS + 5);
                assertTrue(millis >= IDLE_SECONDS * 1000L - 200, "closed after " + millis + " ms");
                return "SETTINGS, then closed after " + millis + " ms (idle_timeout_seconds=" + IDLE_SECONDS + "), GOAWAY " + a.awaitGoAway(1);
            }
        });
    }

    @Test
    @Timeout(60)
    void aWrongPreface() throws Exception {
        daemon.underAttack("wrong preface", () -> {
            TlsChannel tls = daemon.tls(null);
            try (Attacker a = new Attacker(new RawHttp2Peer(tls), true)) {
                tls.write(ByteBuffer.wrap("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                assertEquals(ErrorCode.PROTOCOL_ERROR, a.awaitGoAway(10));
                assertTrue(a.goAwayDebug.contains("not the HTTP/2 client preface: octet 18"), a.goAwayDebug);
                a.awaitEnd(10);
                return "GOAWAY PROTOCOL_ERROR at the first wrong octet (" + a.goAwayDebug + ")";
            }
        });
    }

    @Test
    @Timeout(60)
    void aFrameOverMaxFrameSize() throws Exception {
        int max = Http2Settings.DEFAULTS.maxFrameSize();
        daemon.underAttack("frame over SETTINGS_MAX_FRAME_SIZE", () -> goAwayAfter(null, ErrorCode.FRAME_SIZE_ERROR,
                (max + 1) + " octets, above our limit of " + max, a -> {
                    a.peer.headers(1, request(PING), false);
                    a.peer.data(1, new byte[max + 1], false);
                }));
    }

    @Test
    @Timeout(60)
    void streamIdentifiersReusedEvenOrBackwards() throws Exception {
        daemon.underAttack("stream ids reused, even, backwards", () -> {
            String reused = goAwayAfter(daemon.trustedAttacker, ErrorCode.STREAM_CLOSED, "HEADERS on closed stream 1", a -> {
                a.peer.headers(1, request(LIST), false);
                a.peer.data(1, message(LIST, Request.of("list", 0)), true);
                long deadline = System.currentTimeMillis() + 10_000;
                while (a.trailers.get() < 1 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(1, a.trailers.get(), "the first call on stream 1 is answered");
                a.peer.headers(1, request(LIST), true);
            });
            String even = goAwayAfter(null, ErrorCode.PROTOCOL_ERROR, "a client opens odd streams only", a -> a.peer.headers(2, request(PING), true));
            String backwards = goAwayAfter(null, ErrorCode.PROTOCOL_ERROR, "new stream 3 not above the last stream 5", a -> {
                a.peer.headers(5, request(PING), false);
                a.peer.headers(3, request(PING), false);
            });
            return "reused: " + reused + "; even: " + even + "; backwards: " + backwards;
        });
    }

    @Test
    @Timeout(60)
    void windowUpdatesPastTheLargestWindow() throws Exception {
        daemon.underAttack("WINDOW_UPDATE past 2^31-1", () -> {
            String connection = goAwayAfter(null, ErrorCode.FLOW_CONTROL_ERROR, "takes the connection window past 2^31-1",
                    a -> a.peer.windowUpdate(0, Integer.MAX_VALUE));
            try (Attacker a = Attacker.on(daemon, null)) {
                a.peer.headers(1, request(PING), false);
                a.peer.windowUpdate(1, Integer.MAX_VALUE);
                long deadline = System.currentTimeMillis() + 10_000;
                while (a.resets(ErrorCode.FLOW_CONTROL_ERROR) == 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(1, a.resets(ErrorCode.FLOW_CONTROL_ERROR), "the stream is reset");
                assertTrue(!a.goAwaySeen(), "the connection stays");
            }
            return "connection: " + connection + "; stream: RST_STREAM FLOW_CONTROL_ERROR";
        });
    }

    @Test
    @Timeout(60)
    void aThousandStreamsAtOnce() throws Exception {
        int max = Http2Settings.DEFAULTS.maxConcurrentStreams();
        daemon.underAttack("1,000 streams at once", () -> {
            try (Attacker a = Attacker.on(daemon, null)) {
                try {
                    for (int i = 0; i < 1000 && !a.goAwaySeen(); i++) {
                        a.peer.headers(1 + 2 * i, request(PING), false); // calls that wait for their request message
                    }
                } catch (IOException e) {
                    // closed by the daemon
                }
                assertEquals(ErrorCode.ENHANCE_YOUR_CALM, a.awaitGoAway(10));
                assertTrue(a.goAwayDebug.contains("more than " + AbuseLimits.OUR_RESETS + " streams we had to reset"), a.goAwayDebug);
                a.awaitEnd(10);
                assertEquals(AbuseLimits.OUR_RESETS, a.resets(ErrorCode.REFUSED_STREAM), "streams past " + max + " refused");
                return max + " open, RST_STREAM REFUSED_STREAM past them, GOAWAY ENHANCE_YOUR_CALM after " + AbuseLimits.OUR_RESETS + " refusals";
            }
        });
    }

    /** A 4 GiB (and 2 GiB) gRPC length prefix: refused from the prefix alone, by the connection's message limit. */
    @Test
    @Timeout(60)
    void aGrpcMessageOfFourGibibytes() throws Exception {
        daemon.underAttack("gRPC message length 4 GiB", () -> {
            StringBuilder answer = new StringBuilder();
            for (Identity who : new Identity[] {null, daemon.trustedAttacker}) {
                try (TestClient client = daemon.client(who)) {
                    for (long claim : new long[] {0xFFFF_FFFFL, 0x8000_0000L}) {
                        List<HeaderField> trailers = client.rawStream(LIST.path(), ByteBuffer.allocate(5).put((byte) 0).putInt((int) claim).array());
                        assertEquals(String.valueOf(Status.RESOURCE_EXHAUSTED.code()), TestClient.valueOf(trailers, "grpc-status"), claim + ": " + trailers);
                        String text = PercentEncoding.decode(String.valueOf(TestClient.valueOf(trailers, "grpc-message")));
                        assertTrue(text.contains(Long.toString(claim)), text);
                        if (claim == 0xFFFF_FFFFL) {
                            answer.append(who == null ? "no certificate: " : "; trusted: ").append(text);
                        }
                    }
                }
            }
            return "RESOURCE_EXHAUSTED from the prefix (" + answer + ")";
        });
    }

    /** A header block that never ends, one octet of CONTINUATION a second: no call starts, so the idle time ends it. */
    @Test
    @Timeout(60)
    void aSlowDripOfAHeaderBlock() throws Exception {
        daemon.underAttack("slow drip of a header block", () -> {
            try (Attacker a = Attacker.on(daemon, null)) {
                long start = System.nanoTime();
                a.peer.frame(Frame.HEADERS, 0, 1, new byte[] {(byte) 0x83}); // :method POST
                int sent = 0;
                try {
                    while (!a.isEnded() && sent < 30) {
                        Thread.sleep(500);
                        a.peer.frame(Frame.CONTINUATION, 0, 1, new byte[] {(byte) 0x86}); // :scheme http, again and again
                        sent++;
                    }
                } catch (IOException e) {
                    // closed by the daemon
                }
                a.awaitEnd(IDLE_SECONDS + 5);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis < (IDLE_SECONDS + 3) * 1000L, "closed after " + millis + " ms");
                return "closed after " + millis + " ms, " + sent + " CONTINUATIONs (idle_timeout_seconds=" + IDLE_SECONDS + "), GOAWAY "
                        + a.awaitGoAway(1);
            }
        });
    }
}
