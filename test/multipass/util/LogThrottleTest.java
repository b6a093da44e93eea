// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import multipass.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One line per key per interval, carrying the count of the occurrences skipped since. */
class LogThrottleTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final LogThrottle throttle = new LogThrottle(clock);

    @Test
    void theFirstOccurrenceIsLoggedAndTheRestOfTheIntervalIsCounted() {
        assertEquals(0, throttle.occurrence("mallory"));
        for (int i = 0; i < 57; i++) {
            assertEquals(LogThrottle.NOT_NOW, throttle.occurrence("mallory"));
        }
        clock.advance(LogThrottle.INTERVAL.minusSeconds(1));
        assertEquals(LogThrottle.NOT_NOW, throttle.occurrence("mallory"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(58, throttle.occurrence("mallory"), "the next line says how many were not logged");
        assertEquals(LogThrottle.NOT_NOW, throttle.occurrence("mallory"));
    }

    @Test
    void keysAreThrottledApart() {
        assertEquals(0, throttle.occurrence("mallory max_connections_per_user"));
        assertEquals(0, throttle.occurrence("mallory max_pending_handshakes_per_user"));
        assertEquals(0, throttle.occurrence("alice max_pending_handshakes_per_user"));
        assertEquals(LogThrottle.NOT_NOW, throttle.occurrence("alice max_pending_handshakes_per_user"));
    }
}
