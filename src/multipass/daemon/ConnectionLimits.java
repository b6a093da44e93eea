// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.util.Limit;
import multipass.util.LimitValues;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The limits on connections, with documented defaults (docs/trust-model.md), overridable in
 * the {@code [Limits]} section of {@code multipassd.conf}; {@link #KEYS} is the table of their
 * keys (adding one: a constant, its place in {@code KEYS}, an accessor). Immutable.
 */
final class ConnectionLimits {
    /** Connections still in their TLS handshake. */
    static final Limit MAX_PENDING_HANDSHAKES = Limit.count("max_pending_handshakes", 64, 1);
    /** Of these, held by one local user (Unix sockets; root is not counted). */
    static final Limit MAX_PENDING_HANDSHAKES_PER_USER = Limit.count("max_pending_handshakes_per_user", 32, 1);
    /** Time a connection has to finish its handshake. */
    static final Limit HANDSHAKE_TIMEOUT = Limit.seconds("handshake_timeout_seconds", 10, 1);
    /** Open connections in all. */
    static final Limit MAX_CONNECTIONS = Limit.count("max_connections", 1024, 1);
    /** Of these, held by one local user (Unix sockets; root is not counted). */
    static final Limit MAX_CONNECTIONS_PER_USER = Limit.count("max_connections_per_user", 512, 1);
    /** Time a connection may take to send its next complete request, or to read a frame the daemon sends it. */
    static final Limit IDLE_TIMEOUT = Limit.seconds("idle_timeout_seconds", 120, 1);

    /** Every key of this group, for the check of {@code [Limits]}. */
    static final List<Limit> KEYS = List.of(MAX_PENDING_HANDSHAKES, MAX_PENDING_HANDSHAKES_PER_USER, HANDSHAKE_TIMEOUT, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_USER, IDLE_TIMEOUT);

    private final LimitValues values;

    private ConnectionLimits(LimitValues values) {
        this.values = values;
    }

    /** The defaults with the overrides of a {@code [Limits]} section (other tables' keys are ignored here). */
    static ConnectionLimits fromSettings(Map<String, String> section) {
        return new ConnectionLimits(LimitValues.read(KEYS, section));
    }

    int maxPendingHandshakes() {
        return values.count(MAX_PENDING_HANDSHAKES);
    }

    int maxPendingHandshakesPerUser() {
        return values.count(MAX_PENDING_HANDSHAKES_PER_USER);
    }

    Duration handshakeTimeout() {
        return values.seconds(HANDSHAKE_TIMEOUT);
    }

    int maxConnections() {
        return values.count(MAX_CONNECTIONS);
    }

    int maxConnectionsPerUser() {
        return values.count(MAX_CONNECTIONS_PER_USER);
    }

    Duration idleTimeout() {
        return values.seconds(IDLE_TIMEOUT);
    }
}
