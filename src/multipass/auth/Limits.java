// SPDX-License-Identifier: Apache-2.0
package multipass.auth;

import java.time.Duration;
import java.util.Map;

/**
 * The daemon's protective limits, with documented defaults (docs/trust-model.md), overridable
 * in the {@code [Limits]} section of {@code multipassd.conf}:
 *
 * <pre>
 * [Limits]
 * auth_initial_delay_seconds=1     hold-back after the first failed authenticate
 * auth_max_delay_seconds=60        cap of the exponential hold-back
 * auth_max_failures=10             consecutive failures before a lock-out
 * auth_lockout_seconds=600         length of a lock-out
 * max_concurrent_hashes=1          passphrase hashes computed at once (PBKDF2 is CPU-bound)
 * max_queued_hashes=32             attempts allowed to wait for a hash slot; more are refused
 * max_pending_handshakes=64        connections still in their TLS handshake
 * max_pending_handshakes_per_user=32  of these, held by one local user (Unix sockets; root is not counted)
 * handshake_timeout_seconds=10     time a connection has to finish its handshake
 * max_connections=1024             open connections in all
 * max_connections_per_user=512     of these, held by one local user (Unix sockets; root is not counted)
 * idle_timeout_seconds=120         time a connection may take to send its next complete request, or to
 *                                  read a frame the daemon sends it
 * </pre>
 */
public record Limits(Duration initialDelay, Duration maxDelay, int maxFailures, Duration lockout, int maxConcurrentHashes,
                     int maxQueuedHashes, int maxPendingHandshakes, int maxPendingHandshakesPerUser, Duration handshakeTimeout,
                     int maxConnections, int maxConnectionsPerUser, Duration idleTimeout) {

    /** The defaults. */
    public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(1), Duration.ofSeconds(60), 10, Duration.ofMinutes(10), 1, 32, 64, 32,
            Duration.ofSeconds(10), 1024, 512, Duration.ofSeconds(120));

    public Limits {
        if (maxFailures < 1 || maxConcurrentHashes < 1 || maxQueuedHashes < 0 || maxPendingHandshakes < 1 || maxPendingHandshakesPerUser < 1
                || maxConnections < 1 || maxConnectionsPerUser < 1
                || initialDelay.isNegative() || maxDelay.isNegative() || lockout.isNegative() || handshakeTimeout.isNegative()
                || handshakeTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("limits out of range: " + this);
        }
    }

    /** The keys {@link #fromSettings} understands. */
    static final java.util.Set<String> KEYS = java.util.Set.of("auth_initial_delay_seconds", "auth_max_delay_seconds", "auth_max_failures",
            "auth_lockout_seconds", "max_concurrent_hashes", "max_queued_hashes", "max_pending_handshakes", "max_pending_handshakes_per_user",
            "handshake_timeout_seconds", "max_connections", "max_connections_per_user", "idle_timeout_seconds");

    /** The defaults with the given {@code key=value} overrides (keys as in the class comment); an unknown key is an error. */
    public static Limits fromSettings(Map<String, String> values) {
        for (String key : values.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "'; known keys: " + new java.util.TreeSet<>(KEYS));
            }
        }
        Limits d = DEFAULTS;
        return new Limits(seconds(values, "auth_initial_delay_seconds", d.initialDelay()), seconds(values, "auth_max_delay_seconds", d.maxDelay()),
                number(values, "auth_max_failures", d.maxFailures()), seconds(values, "auth_lockout_seconds", d.lockout()),
                number(values, "max_concurrent_hashes", d.maxConcurrentHashes()), number(values, "max_queued_hashes", d.maxQueuedHashes()),
                number(values, "max_pending_handshakes", d.maxPendingHandshakes()),
                number(values, "max_pending_handshakes_per_user", d.maxPendingHandshakesPerUser()),
                seconds(values, "handshake_timeout_seconds", d.handshakeTimeout()), number(values, "max_connections", d.maxConnections()),
                number(values, "max_connections_per_user", d.maxConnectionsPerUser()), seconds(values, "idle_timeout_seconds", d.idleTimeout()));
    }

    private static Duration seconds(Map<String, String> values, String key, Duration fallback) {
        return values.containsKey(key) ? Duration.ofSeconds(number(values, key, 0)) : fallback;
    }

    private static int number(Map<String, String> values, String key, int fallback) {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("[Limits] " + key + "=" + value + " is not a whole number", e);
        }
    }
}
