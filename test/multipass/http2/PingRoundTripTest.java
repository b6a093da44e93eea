// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Http2Connection#roundTrip}: the proof that a peer's end was open and reading after a
 * moment, which the daemon needs before it believes a loopback user looked up late. Only the
 * acknowledgement of the PING just sent counts: not one sent in advance, not another PING's.
 */
class PingRoundTripTest {
    @Test
    void aPeerThatReadsAcknowledgesThePing() throws Exception {
        try (EchoPair pair = new EchoPair(Http2Settings.DEFAULTS, Http2Settings.DEFAULTS)) {
            assertTrue(pair.server.roundTrip(Duration.ofSeconds(10)), "our own client answers PINGs");
            assertTrue(pair.client.roundTrip(Duration.ofSeconds(10)), "so does our server");
        }
    }

    @Test
    void onlyTheAcknowledgementOfThisPingCounts() throws Exception {
        try (ServerHarness harness = ServerHarness.started()) {
            CompletableFuture<Boolean> answered = CompletableFuture.supplyAsync(() -> roundTrip(harness.server, Duration.ofSeconds(3)));
            Frame.Ping ping = harness.peer.expect(Frame.Ping.class);
            assertFalse(ping.ack());
            harness.peer.frame(Frame.PING, Frame.FLAG_ACK, 0, longBytes(ping.data() + 1)); // a guess, one off
            harness.peer.frame(Frame.PING, Frame.FLAG_ACK, 0, longBytes(0));
            assertFalse(answered.get(10, TimeUnit.SECONDS), "acknowledgements of other data do not count, and the wait ends");
        }
    }

    @Test
    void theRightAcknowledgementEndsTheWait() throws Exception {
        try (ServerHarness harness = ServerHarness.started()) {
            CompletableFuture<Boolean> answered = CompletableFuture.supplyAsync(() -> roundTrip(harness.server, Duration.ofSeconds(30)));
            Frame.Ping ping = harness.peer.expect(Frame.Ping.class);
            harness.peer.frame(Frame.PING, Frame.FLAG_ACK, 0, longBytes(ping.data()));
            assertTrue(answered.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClosedConnectionAnswersNoAtOnce() throws Exception {
        try (ServerHarness harness = ServerHarness.started()) {
            CompletableFuture<Boolean> answered = CompletableFuture.supplyAsync(() -> roundTrip(harness.server, Duration.ofSeconds(60)));
            harness.peer.expect(Frame.Ping.class);
            harness.peer.close();
            assertFalse(answered.get(10, TimeUnit.SECONDS), "the connection's end ends the wait, well before its 60 s");
            assertFalse(harness.server.roundTrip(Duration.ofSeconds(60)), "and a later one fails at once");
        }
    }

    @Test
    void eachPingCarriesFreshData() throws Exception {
        try (ServerHarness harness = ServerHarness.started()) {
            CompletableFuture.supplyAsync(() -> roundTrip(harness.server, Duration.ofMillis(200)));
            long first = harness.peer.expect(Frame.Ping.class).data();
            CompletableFuture.supplyAsync(() -> roundTrip(harness.server, Duration.ofMillis(200)));
            long second = harness.peer.expect(Frame.Ping.class).data();
            assertEquals(false, first == second, "two PINGs, two random payloads");
        }
    }

    private static boolean roundTrip(Http2Connection connection, Duration timeout) {
        try {
            return connection.roundTrip(timeout);
        } catch (java.io.InterruptedIOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] longBytes(long value) {
        return java.nio.ByteBuffer.allocate(8).putLong(value).array();
    }
}
