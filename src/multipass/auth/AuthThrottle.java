// SPDX-License-Identifier: Apache-2.0
package multipass.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Guessing resistance for {@code authenticate}, after OpenSSH's MaxAuthTries and
 * PerSourcePenalties. Per identity (the local user the kernel names: the peer's uid on the Unix
 * socket and on loopback TCP on Linux; else its certificate fingerprint):
 *
 * <ul>
 *   <li>after each failure the next attempt is held back exponentially: 1 s, 2 s, 4 s, ...
 *       capped at 60 s (the defaults of {@link AuthLimits});
 *   <li>after 10 consecutive failures the identity is locked out for 10 minutes, and told for
 *       how long;
 *   <li>only one attempt per identity is in flight at a time, so opening many connections
 *       does not multiply the guesses;
 *   <li>a success forgets the identity's failures.
 * </ul>
 *
 * Time comes from an injected {@link Clock}, so tests need no sleeping. Thread-safe.
 */
public final class AuthThrottle {
    /** Idle states older than this are forgotten when the table grows. */
    private static final Duration FORGET_AFTER = Duration.ofHours(1);
    private static final int PRUNE_ABOVE = 10_000;

    private final AuthLimits limits;
    private final Clock clock;
    private final Map<String, State> states = new HashMap<>();

    public AuthThrottle(AuthLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** An identity's record of recent failures. */
    private static final class State {
        int failures;
        Instant nextAllowed = Instant.EPOCH;
        Instant lockedUntil = Instant.EPOCH;
        Instant lastSeen = Instant.EPOCH;
        boolean inFlight;
    }

    /** An attempt allowed to proceed after {@link #delay()}; must end with exactly one of success or failure. */
    public final class Attempt {
        private final String identity;
        private final Duration delay;

        private Attempt(String identity, Duration delay) {
            this.identity = identity;
            this.delay = delay;
        }

        /** How long to hold the attempt before checking the passphrase. */
        public Duration delay() {
            return delay;
        }

        /** The passphrase was right: the identity's failures are forgotten. */
        public void succeeded() {
            synchronized (AuthThrottle.this) {
                states.remove(identity);
            }
        }

        /** The passphrase was wrong; returns the lock-out, if this failure caused one. */
        public Duration failed() {
            synchronized (AuthThrottle.this) {
                State state = states.computeIfAbsent(identity, k -> new State());
                Instant now = clock.instant();
                state.inFlight = false;
                state.failures++;
                state.lastSeen = now;
                if (state.failures >= limits.maxFailures()) {
                    state.lockedUntil = now.plus(limits.lockout());
                    state.failures = 0;
                    state.nextAllowed = state.lockedUntil;
                    return limits.lockout();
                }
                state.nextAllowed = now.plus(delayAfter(state.failures));
                return Duration.ZERO;
            }
        }

        /** The attempt could not be judged (an internal error): release it without counting. */
        public void abandoned() {
            synchronized (AuthThrottle.this) {
                State state = states.get(identity);
                if (state != null) {
                    state.inFlight = false;
                }
            }
        }
    }

    /** Begins an attempt by {@code identity}, or refuses it with the reason to show. */
    public synchronized Attempt begin(String identity) throws RefusedException {
        Instant now = clock.instant();
        State state = states.computeIfAbsent(identity, k -> new State());
        state.lastSeen = now;
        if (now.isBefore(state.lockedUntil)) {
            throw new RefusedException(true, "Too many failed authentication attempts. Try again in "
                    + describe(Duration.between(now, state.lockedUntil)) + ".");
        }
        if (state.inFlight) {
            throw new RefusedException(false, "Another authentication attempt from this user is in progress. Try again when it has finished.");
        }
        state.inFlight = true;
        Duration wait = now.isBefore(state.nextAllowed) ? Duration.between(now, state.nextAllowed) : Duration.ZERO;
        if (states.size() > PRUNE_ABOVE) {
            prune(now);
        }
        return new Attempt(identity, wait);
    }

    /** The hold-back after {@code failures} consecutive failures: initial * 2^(failures-1), capped. */
    Duration delayAfter(int failures) {
        long factor = 1L << Math.min(failures - 1, 30);
        Duration delay = limits.initialDelay().multipliedBy(factor);
        return delay.compareTo(limits.maxDelay()) > 0 ? limits.maxDelay() : delay;
    }

    /** "10 minutes", "1 minute", "45 seconds": rounded up, for users. */
    static String describe(Duration duration) {
        long seconds = Math.max(1, (duration.toMillis() + 999) / 1000);
        if (seconds >= 60) {
            long minutes = (seconds + 59) / 60;
            return minutes + (minutes == 1 ? " minute" : " minutes");
        }
        return seconds + (seconds == 1 ? " second" : " seconds");
    }

    private void prune(Instant now) {
        states.values().removeIf(s -> !s.inFlight && now.isAfter(s.lockedUntil) && now.isAfter(s.lastSeen.plus(FORGET_AFTER)));
    }

    /** An attempt refused before it was judged; {@link #lockedOut()} tells a lock-out from a busy identity. */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean lockedOut;

        RefusedException(boolean lockedOut, String message) {
            super(message);
            this.lockedOut = lockedOut;
        }

        public boolean lockedOut() {
            return lockedOut;
        }
    }
}
