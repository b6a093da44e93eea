// SPDX-License-Identifier: Apache-2.0
package multipass.auth;

import multipass.util.Limit;
import multipass.util.LimitValues;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The limits on authentication, with documented defaults (docs/trust-model.md), overridable
 * in the {@code [Limits]} section of {@code multipassd.conf}; {@link #KEYS} is the table of
 * their keys (adding one: a constant, its place in {@code KEYS}, an accessor). Immutable.
 */
public final class AuthLimits {
    /** Hold-back after the first failed authenticate. */
    public static final Limit INITIAL_DELAY = Limit.seconds("auth_initial_delay_seconds", 1, 0);
    /** Cap of the exponential hold-back. */
    public static final Limit MAX_DELAY = Limit.seconds("auth_max_delay_seconds", 60, 0);
    /** Consecutive failures before a lock-out. */
    public static final Limit MAX_FAILURES = Limit.count("auth_max_failures", 10, 1);
    /** Length of a lock-out. */
    public static final Limit LOCKOUT = Limit.seconds("auth_lockout_seconds", 600, 0);
    /** Passphrase hashes computed at once (PBKDF2 is CPU-bound). */
    public static final Limit MAX_CONCURRENT_HASHES = Limit.count("max_concurrent_hashes", 1, 1);
    /** Attempts allowed to wait for a hash slot; more are refused. */
    public static final Limit MAX_QUEUED_HASHES = Limit.count("max_queued_hashes", 32, 0);

    /** Trusted certificates one local user may have; {@code authenticate} refuses one more. */
    public static final Limit MAX_CERTIFICATES_PER_USER = Limit.count("max_certificates_per_user", 32, 1);

    /** Every key of this group, for the check of {@code [Limits]}. */
    public static final List<Limit> KEYS = List.of(INITIAL_DELAY, MAX_DELAY, MAX_FAILURES, LOCKOUT, MAX_CONCURRENT_HASHES, MAX_QUEUED_HASHES,
            MAX_CERTIFICATES_PER_USER);

    /** The defaults. */
    public static final AuthLimits DEFAULTS = fromSettings(Map.of());

    private final LimitValues values;

    private AuthLimits(LimitValues values) {
        this.values = values;
    }

    /** The defaults with the overrides of a {@code [Limits]} section (other tables' keys are ignored here). */
    public static AuthLimits fromSettings(Map<String, String> section) {
        return new AuthLimits(LimitValues.read(KEYS, section));
    }

    public Duration initialDelay() {
        return values.seconds(INITIAL_DELAY);
    }

    public Duration maxDelay() {
        return values.seconds(MAX_DELAY);
    }

    public int maxFailures() {
        return values.count(MAX_FAILURES);
    }

    public Duration lockout() {
        return values.seconds(LOCKOUT);
    }

    public int maxConcurrentHashes() {
        return values.count(MAX_CONCURRENT_HASHES);
    }

    public int maxQueuedHashes() {
        return values.count(MAX_QUEUED_HASHES);
    }

    public int maxCertificatesPerUser() {
        return values.count(MAX_CERTIFICATES_PER_USER);
    }
}
