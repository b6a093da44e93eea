// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.serve.Peer;
import multipass.util.LogThrottle;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The daemon's caps on connections, and their accounting. A connection is accepted only when
 * one of {@code max_pending_handshakes} handshake slots is free (the surplus waits in the
 * listen backlog); once accepted it is refused if {@code max_connections} are open. Where the
 * kernel names the peer (Unix sockets), one local user may hold at most
 * {@code max_pending_handshakes_per_user} of the handshake slots and
 * {@code max_connections_per_user} of the connections, so that no single user can keep the
 * others out; root is not counted, since it can stop the daemon anyway. Refusals are logged
 * through a {@link LogThrottle}: a flood of them makes one line a minute per user and reason.
 * Thread-safe.
 */
final class ConnectionQuotas {
    private static final System.Logger LOG = System.getLogger(ConnectionQuotas.class.getName());

    private final ConnectionLimits limits;
    private final LogThrottle refusalLog;
    private final Semaphore handshakeSlots;
    private int open;
    /**
     * Per user name (as the kernel's credentials give it, so that users the daemon cannot look
     * up, from a directory service say, count too): connections in their handshake, and open
     * connections. Guarded by {@code this}.
     */
    private final Map<String, int[]> perUser = new HashMap<>();

    ConnectionQuotas(ConnectionLimits limits, Clock clock) {
        this.limits = limits;
        this.refusalLog = new LogThrottle(clock);
        this.handshakeSlots = new Semaphore(limits.maxPendingHandshakes());
    }

    /** Waits for a free handshake slot, to be passed to {@link #admit} or given back; false when interrupted. */
    boolean awaitHandshakeSlot() {
        if (handshakeSlots.tryAcquire()) {
            return true;
        }
        LOG.log(System.Logger.Level.DEBUG, "{0} connections are in their TLS handshake; the next waits for one to finish",
                limits.maxPendingHandshakes());
        try {
            handshakeSlots.acquire();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Takes a free handshake slot if there is one, without waiting. */
    boolean tryHandshakeSlot() {
        return handshakeSlots.tryAcquire();
    }

    /** Gives back a slot from {@link #awaitHandshakeSlot} that no connection took. */
    void returnHandshakeSlot() {
        handshakeSlots.release();
    }

    /**
     * Counts in the connection just accepted from {@code credentials} (null: the transport does
     * not say, as on TCP), holding the handshake slot awaited for it; or, when a cap is reached,
     * logs why, gives the slot back and returns null: the caller closes the connection.
     */
    Ticket admit(Peer.Credentials credentials) {
        Refusal refusal;
        synchronized (this) {
            refusal = refusal(credentials);
            if (refusal == null) {
                return count(credentials);
            }
        }
        handshakeSlots.release();
        String from = credentials == null ? "" : " from " + credentials.user() + " (uid " + Long.toString(credentials.uid()) + ")";
        int skipped = refusalLog.occurrence(from + " " + refusal.limit());
        if (skipped != LogThrottle.NOT_NOW) {
            LOG.log(System.Logger.Level.WARNING, "refusing a connection{0}: {1} ({2}){3}", from, refusal.why(), refusal.limit(),
                    skipped == 0 ? "" : "; " + skipped + " more refused for this reason since the last such line");
        }
        return null;
    }

    /** Why a connection is refused, and the {@code [Limits]} key that caps it. */
    private record Refusal(String why, String limit) {
    }

    /** Counts in an admitted connection; call holding this object's lock. */
    private Ticket count(Peer.Credentials credentials) {
        open++;
        String user = counted(credentials) ? credentials.user() : null;
        if (user != null) {
            int[] counts = perUser.computeIfAbsent(user, u -> new int[2]);
            counts[0]++;
            counts[1]++;
        }
        return new Ticket(user);
    }

    /** Why a connection from {@code credentials} must be refused now, or null; call holding this object's lock. */
    private Refusal refusal(Peer.Credentials credentials) {
        if (open >= limits.maxConnections()) {
            return new Refusal(limits.maxConnections() + " connections already open", ConnectionLimits.MAX_CONNECTIONS.key());
        }
        if (!counted(credentials)) {
            return null;
        }
        int[] counts = perUser.getOrDefault(credentials.user(), new int[2]);
        if (counts[0] >= limits.maxPendingHandshakesPerUser()) {
            return new Refusal("this user has " + counts[0] + " connections in their TLS handshake already",
                    ConnectionLimits.MAX_PENDING_HANDSHAKES_PER_USER.key());
        }
        if (counts[1] >= limits.maxConnectionsPerUser()) {
            return new Refusal("this user has " + counts[1] + " connections open already", ConnectionLimits.MAX_CONNECTIONS_PER_USER.key());
        }
        return null;
    }

    private static boolean counted(Peer.Credentials credentials) {
        return credentials != null && credentials.uid() != 0 && !credentials.user().equals("root");
    }

    /** Open connections now. */
    synchronized int open() {
        return open;
    }

    /** Handshake slots free now. */
    int freeHandshakeSlots() {
        return handshakeSlots.availablePermits();
    }

    private synchronized void handshakeOver(String user) {
        handshakeSlots.release();
        if (user != null) {
            perUser.get(user)[0]--;
        }
    }

    private synchronized void closed(String user) {
        open--;
        if (user != null) {
            int[] counts = perUser.get(user);
            if (--counts[1] == 0) {
                perUser.remove(user);
            }
        }
    }

    /** One admitted connection's share of the counts; each step counts once however often it is called. */
    final class Ticket {
        private final String user;
        private boolean handshaking = true;
        private boolean open = true;

        private Ticket(String user) {
            this.user = user;
        }

        /** The handshake ended, successfully or not: its slot is free. */
        synchronized void handshakeOver() {
            if (handshaking) {
                handshaking = false;
                ConnectionQuotas.this.handshakeOver(user);
            }
        }

        /** The connection is closed (its handshake too, if it was still going on). */
        synchronized void closed() {
            handshakeOver();
            if (open) {
                open = false;
                ConnectionQuotas.this.closed(user);
            }
        }
    }
}
