// SPDX-License-Identifier: Apache-2.0
package multipass.auth;

import multipass.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guessing-resistance rules, on an injected clock: no test here sleeps. */
class AuthThrottleTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AuthThrottle throttle = new AuthThrottle(AuthLimits.DEFAULTS, clock);

    /** Fails one attempt at the moment it is allowed, returning the hold-back it had. */
    private Duration failOnce(String identity) throws AuthThrottle.RefusedException {
        AuthThrottle.Attempt attempt = throttle.begin(identity);
        clock.advance(attempt.delay());
        attempt.failed();
        return attempt.delay();
    }

    @Test
    void holdBackDoublesFromOneSecondUpToAMinute() throws Exception {
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            delays.add(failOnce("uid:1000"));
        }
        assertEquals(List.of(0L, 1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L), delays.stream().map(Duration::toSeconds).toList());
    }

    @Test
    void tenFailuresLockOutForTenMinutesAndSayHowLong() throws Exception {
        for (int i = 0; i < 9; i++) {
            failOnce("uid:1000");
        }
        AuthThrottle.Attempt tenth = throttle.begin("uid:1000");
        clock.advance(tenth.delay());
        assertEquals(Duration.ofMinutes(10), tenth.failed());
        AuthThrottle.RefusedException refused = assertThrows(AuthThrottle.RefusedException.class, () -> throttle.begin("uid:1000"));
        assertTrue(refused.lockedOut());
        assertEquals("Too many failed authentication attempts. Try again in 10 minutes.", refused.getMessage());
        clock.advance(Duration.ofMinutes(9).plusSeconds(30));
        assertEquals("Too many failed authentication attempts. Try again in 30 seconds.",
                assertThrows(AuthThrottle.RefusedException.class, () -> throttle.begin("uid:1000")).getMessage());
        clock.advance(Duration.ofSeconds(31));
        assertEquals(Duration.ZERO, throttle.begin("uid:1000").delay(), "after the lock-out, a fresh start");
    }

    @Test
    void successForgetsFailures() throws Exception {
        failOnce("uid:7");
        failOnce("uid:7");
        AuthThrottle.Attempt attempt = throttle.begin("uid:7");
        assertEquals(Duration.ofSeconds(2), attempt.delay());
        attempt.succeeded();
        assertEquals(Duration.ZERO, throttle.begin("uid:7").delay());
    }

    @Test
    void identitiesAreThrottledSeparately() throws Exception {
        failOnce("uid:1");
        failOnce("uid:1");
        assertEquals(Duration.ZERO, throttle.begin("uid:2").delay());
    }

    @Test
    void oneAttemptInFlightPerIdentity() throws Exception {
        AuthThrottle.Attempt first = throttle.begin("uid:5");
        AuthThrottle.RefusedException busy = assertThrows(AuthThrottle.RefusedException.class, () -> throttle.begin("uid:5"));
        assertFalse(busy.lockedOut());
        first.abandoned();
        throttle.begin("uid:5");
    }

    @Test
    void lockOutMessagesRoundUp() {
        assertEquals("1 second", AuthThrottle.describe(Duration.ofMillis(10)));
        assertEquals("59 seconds", AuthThrottle.describe(Duration.ofSeconds(59)));
        assertEquals("1 minute", AuthThrottle.describe(Duration.ofSeconds(60)));
        assertEquals("2 minutes", AuthThrottle.describe(Duration.ofSeconds(61)));
    }

    @Test
    void limitsComeFromTheSettingsSection() {
        AuthLimits limits = AuthLimits.fromSettings(java.util.Map.of("auth_max_failures", "3", "auth_initial_delay_seconds", "0"));
        assertEquals(3, limits.maxFailures());
        assertEquals(Duration.ZERO, limits.initialDelay());
        assertEquals(AuthLimits.DEFAULTS.lockout(), limits.lockout());
        assertThrows(IllegalArgumentException.class, () -> AuthLimits.fromSettings(java.util.Map.of("auth_max_failures", "many")));
        assertThrows(IllegalArgumentException.class, () -> AuthLimits.fromSettings(java.util.Map.of("auth_max_failures", "0")));
    }
}
