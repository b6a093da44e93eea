// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Our client against our server ({@link EchoPair}): many requests on concurrent streams, and
 * bodies far larger than every window, so that both directions live on WINDOW_UPDATEs. Either
 * side would end the connection with FLOW_CONTROL_ERROR if the other sent past a window.
 */
@Timeout(30)
class Http2ConnectionTest {
    private static final Http2Settings SMALL_WINDOWS = new Http2Settings(4096, 100, 65_535, 16_384, 16_384, 65_535);

    private final ExecutorService callers = Executors.newFixedThreadPool(16);
    private EchoPair pair;

    @AfterEach
    void close() {
        callers.shutdownNow();
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void manyConcurrentStreamsEachGetTheirOwnEcho() throws Exception {
        pair = new EchoPair(Http2Settings.DEFAULTS, Http2Settings.DEFAULTS);
        Random random = new Random(1);
        List<byte[]> bodies = new ArrayList<>();
        List<Future<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] body = new byte[random.nextInt(40_000)];
            random.nextBytes(body);
            bodies.add(body);
            answers.add(callers.submit(() -> pair.call(body).get(20, TimeUnit.SECONDS)));
        }
        for (int i = 0; i < bodies.size(); i++) {
            assertArrayEquals(bodies.get(i), answers.get(i).get(20, TimeUnit.SECONDS), "stream " + i);
        }
        assertNull(pair.serverEnded.getNow(null));
        assertNull(pair.clientEnded.getNow(null));
    }

    @Test
    void largeBodiesNeedManyWindowUpdatesBothWays() throws Exception {
        pair = new EchoPair(SMALL_WINDOWS, SMALL_WINDOWS);
        byte[] body = new byte[5 << 20];
        new Random(2).nextBytes(body);
        List<CompletableFuture<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return pair.call(body).get(25, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, callers));
        }
        for (CompletableFuture<byte[]> answer : answers) {
            assertArrayEquals(body, answer.get(25, TimeUnit.SECONDS));
        }
    }

    @Test
    void gracefulShutdownLetsStreamsInFlightFinish() throws Exception {
        pair = new EchoPair(Http2Settings.DEFAULTS, Http2Settings.DEFAULTS);
        byte[] body = new byte[300_000];
        new Random(3).nextBytes(body);
        EchoPair.Response response = new EchoPair.Response();
        Http2Stream stream = pair.client.openStream(RawHttp2Peer.request("/echo"), false, response);
        response.stream = stream;
        stream.writeData(java.nio.ByteBuffer.wrap(body, 0, 100_000), false);
        pair.client.shutdown();
        stream.writeData(java.nio.ByteBuffer.wrap(body, 100_000, 200_000), true);
        assertArrayEquals(body, response.done.get(20, TimeUnit.SECONDS));
        assertNull(pair.clientEnded.get(10, TimeUnit.SECONDS));
        assertNull(pair.serverEnded.get(10, TimeUnit.SECONDS));
    }
}
