package multipass.daemon;

import multipass.auth.Limits;
import multipass.auth.Peer;

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
 * others out; root is not counted, since it can stop the daemon anyway. Thread-safe.
 */
final class ConnectionQuotas {
    private static final System.Logger LOG = System.getLogger(ConnectionQuotas.class.getName());
    private static final long ROOT = 0;

    private final Limits limits;
    private final Semaphore handshakeSlots;
    private int open;
    /** Per uid: connections in their handshake, and open connections. Guarded by {@code this}. */
    private final Map<Long, int[]> perUser = new HashMap<>();

    ConnectionQuotas(Limits limits) {
        this.limits = limits;
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

    /** Gives back a slot from {@link #awaitHandshakeSlot} that no connection took. */
    void returnHandshakeSlot() {
        handshakeSlots.release();
    }

    /**
     * Counts in the connection just accepted from {@code credentials} (null: the transport does
     * not say, as on TCP), holding the handshake slot awaited for it; or, when a cap is reached,
     * logs why, gives the slot back and returns null: the caller closes the connection.
     */
    synchronized Ticket admit(Peer.Credentials credentials) {
        String refusal = refusal(credentials);
        if (refusal != null) {
            handshakeSlots.release();
            LOG.log(System.Logger.Level.WARNING, "refusing a connection{0}: {1}",
                    credentials == null ? "" : " from " + credentials.user() + " (uid " + Long.toString(credentials.uid()) + ")", refusal);
            return null;
        }
        open++;
        Long uid = counted(credentials) ? credentials.uid() : null;
        if (uid != null) {
            int[] counts = perUser.computeIfAbsent(uid, u -> new int[2]);
            counts[0]++;
            counts[1]++;
        }
        return new Ticket(uid);
    }

    /** Why a connection from {@code credentials} must be refused now, or null. */
    private String refusal(Peer.Credentials credentials) {
        if (open >= limits.maxConnections()) {
            return limits.maxConnections() + " connections already open";
        }
        if (!counted(credentials)) {
            return null;
        }
        int[] counts = perUser.getOrDefault(credentials.uid(), new int[2]);
        if (counts[0] >= limits.maxPendingHandshakesPerUser()) {
            return "this user has " + counts[0] + " connections in their TLS handshake already (max_pending_handshakes_per_user)";
        }
        if (counts[1] >= limits.maxConnectionsPerUser()) {
            return "this user has " + counts[1] + " connections open already (max_connections_per_user)";
        }
        return null;
    }

    private static boolean counted(Peer.Credentials credentials) {
        return credentials != null && credentials.uid() >= 0 && credentials.uid() != ROOT;
    }

    /** Open connections now. */
    synchronized int open() {
        return open;
    }

    /** Handshake slots free now. */
    int freeHandshakeSlots() {
        return handshakeSlots.availablePermits();
    }

    private synchronized void handshakeOver(Long uid) {
        handshakeSlots.release();
        if (uid != null) {
            perUser.get(uid)[0]--;
        }
    }

    private synchronized void closed(Long uid) {
        open--;
        if (uid != null) {
            int[] counts = perUser.get(uid);
            if (--counts[1] == 0) {
                perUser.remove(uid);
            }
        }
    }

    /** One admitted connection's share of the counts; each step counts once however often it is called. */
    final class Ticket {
        private final Long uid;
        private boolean handshaking = true;
        private boolean open = true;

        private Ticket(Long uid) {
            this.uid = uid;
        }

        /** The handshake ended, successfully or not: its slot is free. */
        synchronized void handshakeOver() {
            if (handshaking) {
                handshaking = false;
                ConnectionQuotas.this.handshakeOver(uid);
            }
        }

        /** The connection is closed (its handshake too, if it was still going on). */
        synchronized void closed() {
            handshakeOver();
            if (open) {
                open = false;
                ConnectionQuotas.this.closed(uid);
            }
        }
    }
}
