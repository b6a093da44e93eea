// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.serve.Endpoint;
import multipass.serve.Peer;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The daemon's accept thread: takes connections within the caps of {@link ConnectionQuotas}
 * and starts a session for each on a thread of its own. A connection is accepted only when a
 * handshake slot is free (the surplus waits in the listen backlog, so a burst of clients is
 * served a little later instead of being turned away), and refused once accepted when it would
 * exceed the open connections, or its user's share of either. Connections already waiting are
 * taken together, and where the peer's user costs a read (loopback TCP) it is read for all of
 * them at once, and only when a per-user cap could refuse one (else later, when needed:
 * {@link LaterPeerLookup}). Not thread-safe: one thread runs it.
 */
final class AcceptLoop {
    private static final System.Logger LOG = System.getLogger(AcceptLoop.class.getName());
    /**
     * The most connections taken from the backlog at once, whose peers are read together (on
     * loopback TCP, one read of the kernel's socket tables for all).
     */
    static final int MAX_ACCEPT_BATCH = 64;
    /** Marks a connection whose peer could not be read (it is closed). */
    private static final Peer.Credentials UNREADABLE = new Peer.Credentials("", -1, Peer.Source.LOOPBACK_TCP);

    /** Makes the session of an accepted, counted-in connection. */
    @FunctionalInterface
    interface Sessions {
        /** {@code credentials} of the peer, or null and {@code later} to find them when needed. */
        ClientSession session(SocketChannel channel, Peer.Credentials credentials, LaterPeerLookup later, ConnectionQuotas.Ticket ticket);
    }

    private final Endpoint endpoint;
    private final ConnectionQuotas quotas;
    private final Sessions sessions;

    AcceptLoop(Endpoint endpoint, ConnectionQuotas quotas, Sessions sessions) {
        this.endpoint = endpoint;
        this.quotas = quotas;
        this.sessions = sessions;
    }

    /**
     * Accepts connections and starts their sessions until {@code stopping} says so (once the
     * endpoint is closed, the blocked accept then fails and this returns).
     */
    void run(BooleanSupplier stopping) throws IOException {
        List<SocketChannel> batch = new ArrayList<>(MAX_ACCEPT_BATCH);
        while (!stopping.getAsBoolean()) {
            if (!quotas.awaitHandshakeSlot()) {
                return;
            }
            SocketChannel channel;
            try {
                channel = endpoint.accept();
            } catch (ClosedChannelException e) {
                quotas.returnHandshakeSlot();
                if (stopping.getAsBoolean()) {
                    return;
                }
                throw e;
            } catch (IOException | RuntimeException e) {
                quotas.returnHandshakeSlot();
                throw e;
            }
            batch.clear();
            batch.add(channel);
            acceptReady(batch);
            if (endpoint.defersCredentials() && !quotas.usersMatter(batch.size())) {
                for (SocketChannel later : batch) {
                    startLater(later);
                }
                continue;
            }
            List<Peer.Credentials> credentials = credentials(batch);
            for (int i = 0; i < batch.size(); i++) {
                if (credentials.get(i) != UNREADABLE) {
                    start(batch.get(i), credentials.get(i));
                }
            }
        }
    }

    /**
     * Adds to {@code batch} the connections already waiting in the backlog, as many as there
     * are free handshake slots (each holding one), up to {@link #MAX_ACCEPT_BATCH}: their
     * peers are then read together.
     */
    private void acceptReady(List<SocketChannel> batch) {
        while (batch.size() < MAX_ACCEPT_BATCH && quotas.tryHandshakeSlot()) {
            SocketChannel more;
            try {
                more = endpoint.acceptReady();
            } catch (IOException | RuntimeException e) {
                more = null; // the next blocking accept reports a closed or broken endpoint
            }
            if (more == null) {
                quotas.returnHandshakeSlot();
                return;
            }
            batch.add(more);
        }
    }

    /**
     * The peers of {@code batch}, read together; if that fails, each on its own, and one that
     * cannot be read is closed (its slot given back) and marked {@link #UNREADABLE}. Where peers
     * were counted in before their users were known, those still open are read in the same read
     * and counted in their users' shares from now on ({@link ConnectionQuotas#resolve}): the
     * per-user caps are about to matter. One whose client end the kernel no longer shows open is
     * closed: it half-closed or reset, and cannot send again, but could hold its place uncounted.
     */
    private List<Peer.Credentials> credentials(List<SocketChannel> batch) {
        List<ConnectionQuotas.Ticket> earlier = new ArrayList<>();
        List<SocketChannel> all = new ArrayList<>(batch);
        if (endpoint.defersCredentials()) {
            for (ConnectionQuotas.Ticket ticket : quotas.unresolved()) {
                if (ticket.channel().isOpen()) { // a closed one leaves the list on its own
                    earlier.add(ticket);
                    all.add(ticket.channel());
                }
            }
        }
        try {
            List<Peer.Credentials> found = endpoint.credentials(all);
            for (int i = 0; i < earlier.size(); i++) {
                resolve(earlier.get(i), found.get(batch.size() + i));
            }
            return found.subList(0, batch.size());
        } catch (IOException e) {
            List<Peer.Credentials> each = new ArrayList<>(batch.size());
            for (SocketChannel channel : batch) {
                try {
                    each.add(endpoint.credentials(channel));
                } catch (IOException failure) {
                    LOG.log(System.Logger.Level.DEBUG, "closing a connection whose peer credentials cannot be read: {0}", failure.getMessage());
                    quotas.returnHandshakeSlot();
                    close(channel);
                    each.add(UNREADABLE);
                }
            }
            return each;
        }
    }

    /** Counts an earlier connection in its user's share, or closes it if its client end is gone (see {@link #credentials}). */
    private void resolve(ConnectionQuotas.Ticket ticket, Peer.Credentials credentials) {
        quotas.resolve(ticket, credentials);
        if (credentials == null && endpoint.mustName(ticket.channel())) {
            LOG.log(System.Logger.Level.DEBUG, "closing a loopback connection whose client end is no longer open");
            close(ticket.channel());
        }
    }

    /** Counts the connection in (or closes it, over a cap) and starts its session. */
    private void start(SocketChannel channel, Peer.Credentials credentials) {
        ConnectionQuotas.Ticket ticket = quotas.admit(credentials);
        if (ticket == null) {
            close(channel);
            return;
        }
        run(sessions.session(channel, credentials, null, ticket));
    }

    /**
     * Counts the connection in before its user is known (or closes it, over a cap) and starts
     * its session, which reads the user when it is first needed ({@link LaterPeerLookup}).
     */
    private void startLater(SocketChannel channel) {
        ConnectionQuotas.Ticket ticket = quotas.admitUnresolved(channel);
        if (ticket == null) {
            close(channel);
            return;
        }
        run(sessions.session(channel, null, new LaterPeerLookup(endpoint, channel), ticket));
    }

    private static void run(ClientSession session) {
        Thread thread = new Thread(session, "client");
        thread.setDaemon(true);
        thread.start();
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot close a refused connection: {0}", e.getMessage());
        }
    }
}
