// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.serve.Peer;
import multipass.util.LogThrottle;

import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>Where the user costs a read to learn (loopback TCP), a connection may be counted in before
 * its user is known ({@link #admitUnresolved}) as long as no user could reach a per-user cap
 * ({@link #usersMatter}): the most any one user has counted, plus every connection whose user
 * is not known, stays within the cap. Before that can change, the accept loop learns the users of those still open ({@link #unresolved},
 * {@link #resolve}), so the per-user counts are exact whenever they can refuse anyone.
 * Thread-safe.
 */
final class ConnectionQuotas {
    private static final System.Logger LOG = System.getLogger(ConnectionQuotas.class.getName());

    private final ConnectionLimits limits;
    private final LogThrottle refusalLog;
    private final Semaphore handshakeSlots;
    private int open;
    /** Tickets counted in before their user was known, still open. */
    private final Set<Ticket> unresolved = new LinkedHashSet<>();
    /** Those of {@link #unresolved} still in their handshake. */
    private int unresolvedHandshaking;
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
        refuse(credentials, refusal);
        return null;
    }

    /** Gives back the handshake slot of a connection refused for {@code refusal}, and logs why (throttled). */
    private void refuse(Peer.Credentials credentials, Refusal refusal) {
        handshakeSlots.release();
        String from = credentials == null ? "" : " from " + credentials.user() + " (uid " + Long.toString(credentials.uid()) + ")";
        int skipped = refusalLog.occurrence(from + " " + refusal.limit());
        if (skipped != LogThrottle.NOT_NOW) {
            LOG.log(System.Logger.Level.WARNING, "refusing a connection{0}: {1} ({2}){3}", from, refusal.why(), refusal.limit(),
                    skipped == 0 ? "" : "; " + skipped + " more refused for this reason since the last such line");
        }
    }

    /** Why a connection is refused, and the {@code [Limits]} key that caps it. */
    private record Refusal(String why, String limit) {
    }

    /** Counts in an admitted connection; call holding this object's lock. */
    private Ticket count(Peer.Credentials credentials) {
        open++;
        Ticket ticket = new Ticket(null);
        countUser(ticket, credentials);
        return ticket;
    }

    /** Counts {@code ticket} in its user's share, by {@code credentials}; call holding this object's lock. */
    private void countUser(Ticket ticket, Peer.Credentials credentials) {
        ticket.user = counted(credentials) ? credentials.user() : null;
        if (ticket.user != null) {
            int[] counts = perUser.computeIfAbsent(ticket.user, u -> new int[2]);
            counts[0] += ticket.handshaking ? 1 : 0;
            counts[1]++;
        }
    }

    /**
     * True when, with {@code more} connections counted in, some user could reach a per-user
     * cap: only then must their users be known before they are admitted.
     */
    synchronized boolean usersMatter(int more) {
        int[] most = new int[2];
        for (int[] counts : perUser.values()) {
            most[0] = Math.max(most[0], counts[0]);
            most[1] = Math.max(most[1], counts[1]);
        }
        // Whoever the unknown connections belong to, no user can have more than this.
        return most[0] + unresolvedHandshaking + more > limits.maxPendingHandshakesPerUser()
                || most[1] + unresolved.size() + more > limits.maxConnectionsPerUser();
    }

    /**
     * Counts in {@code channel}, whose user is not known yet, holding the handshake slot awaited
     * for it; or, at {@code max_connections}, logs it, gives the slot back and returns null.
     * Only while {@link #usersMatter} is false for it.
     */
    Ticket admitUnresolved(SocketChannel channel) {
        Refusal refusal;
        synchronized (this) {
            refusal = refusal(null);
            if (refusal == null) {
                open++;
                Ticket ticket = new Ticket(channel);
                unresolved.add(ticket);
                unresolvedHandshaking++;
                return ticket;
            }
        }
        refuse(null, refusal);
        return null;
    }

    /** The open connections counted in before their users were known, with their channels. */
    synchronized List<Ticket> unresolved() {
        return new ArrayList<>(unresolved);
    }

    /** {@code ticket}'s user is now known (null: the kernel names none): counted in that user's share from now on. */
    synchronized void resolve(Ticket ticket, Peer.Credentials credentials) {
        if (unresolved.remove(ticket)) {
            unresolvedHandshaking -= ticket.handshaking ? 1 : 0;
            countUser(ticket, credentials);
        }
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

    private void handshakeOver(Ticket ticket) {
        synchronized (this) {
            if (!ticket.handshaking) {
                return;
            }
            ticket.handshaking = false;
            if (unresolved.contains(ticket)) {
                unresolvedHandshaking--;
            }
            if (ticket.user != null) {
                perUser.get(ticket.user)[0]--;
            }
        }
        handshakeSlots.release();
    }

    private void closed(Ticket ticket) {
        handshakeOver(ticket);
        synchronized (this) {
            if (!ticket.open) {
                return;
            }
            ticket.open = false;
            open--;
            unresolved.remove(ticket);
            if (ticket.user != null) {
                int[] counts = perUser.get(ticket.user);
                if (--counts[1] == 0) {
                    perUser.remove(ticket.user);
                }
            }
        }
    }

    /**
     * One admitted connection's share of the counts; each step counts once however often it is
     * called. Its state is guarded by the quotas' lock.
     */
    final class Ticket {
        /** The connection, while its user is not known yet; else null. */
        private final SocketChannel channel;
        private String user;
        private boolean handshaking = true;
        private boolean open = true;

        private Ticket(SocketChannel channel) {
            this.channel = channel;
        }

        /** The connection counted in before its user was known ({@link #unresolved}), else null. */
        SocketChannel channel() {
            return channel;
        }

        /** The handshake ended, successfully or not: its slot is free. */
        void handshakeOver() {
            ConnectionQuotas.this.handshakeOver(this);
        }

        /** The connection is closed (its handshake too, if it was still going on). */
        void closed() {
            ConnectionQuotas.this.closed(this);
        }
    }
}
