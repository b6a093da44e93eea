// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.serve.Peer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection caps: handshake slots, open connections, and one user's share of each (Unix socket and loopback TCP alike). */
class ConnectionQuotasTest {
    private static final Peer.Credentials ALICE = new Peer.Credentials("alice", 1001, Peer.Source.UNIX_SOCKET);
    private static final Peer.Credentials MALLORY = new Peer.Credentials("mallory", 1002, Peer.Source.UNIX_SOCKET);
    private static final Peer.Credentials ROOT = new Peer.Credentials("root", 0, Peer.Source.UNIX_SOCKET);

    private final ConnectionQuotas quotas = new ConnectionQuotas(ConnectionLimits.fromSettings(Map.of("max_pending_handshakes", "8",
            "max_pending_handshakes_per_user", "2", "max_connections", "6", "max_connections_per_user", "3")), Clock.systemUTC());

    private ConnectionQuotas.Ticket connect(Peer.Credentials credentials) {
        assertTrue(quotas.awaitHandshakeSlot());
        return quotas.admit(credentials);
    }

    @Test
    void oneUserHoldsAtMostItsShareOfTheHandshakeSlots() {
        assertNotNull(connect(MALLORY));
        assertNotNull(connect(MALLORY));
        assertNull(connect(MALLORY), "a third handshake of the same user is refused");
        assertEquals(6, quotas.freeHandshakeSlots(), "the refused connection's slot was given back");
        assertNotNull(connect(ALICE), "another user still gets in");
    }

    @Test
    void aLoopbackTcpPeerCountsAgainstItsUsersShare() {
        Peer.Credentials malloryOverTcp = new Peer.Credentials("mallory", 1002, Peer.Source.LOOPBACK_TCP);
        assertNotNull(connect(malloryOverTcp));
        assertNotNull(connect(MALLORY));
        assertNull(connect(malloryOverTcp), "TCP and the Unix socket share one user's handshake slots");
        assertNotNull(connect(ALICE));
    }

    @Test
    void aFinishedHandshakeFreesTheUsersShare() {
        ConnectionQuotas.Ticket first = connect(MALLORY);
        connect(MALLORY);
        first.handshakeOver();
        assertNotNull(connect(MALLORY));
        assertEquals(6, quotas.freeHandshakeSlots());
    }

    @Test
    void oneUserHoldsAtMostItsShareOfTheConnections() {
        for (int i = 0; i < 3; i++) {
            connect(MALLORY).handshakeOver();
        }
        assertNull(connect(MALLORY), "a fourth open connection of the same user is refused");
        assertNotNull(connect(ALICE));
        assertEquals(4, quotas.open());
    }

    @Test
    void openConnectionsAreCappedForEveryone() {
        for (int i = 0; i < 6; i++) {
            assertNotNull(connect(i % 2 == 0 ? ROOT : null), "root and TCP peers have no share, only the totals");
        }
        assertNull(connect(ROOT), "the seventh connection exceeds max_connections");
        assertEquals(6, quotas.open());
    }

    @Test
    void rootAndUnknownPeersAreNotHeldToAShare() {
        for (int i = 0; i < 3; i++) {
            assertNotNull(connect(ROOT));
            assertNotNull(connect(null));
        }
        assertEquals(2, quotas.freeHandshakeSlots(), "six handshakes going on, of one user and of none, beyond either share of 2");
    }

    @Test
    void eachStepCountsOnceAndClosingEndsTheHandshakeToo() {
        ConnectionQuotas.Ticket ticket = connect(MALLORY);
        ticket.closed();
        ticket.closed();
        ticket.handshakeOver();
        assertEquals(8, quotas.freeHandshakeSlots());
        assertEquals(0, quotas.open());
        for (int i = 0; i < 2; i++) {
            assertNotNull(connect(MALLORY), "mallory's share is whole again");
        }
    }

    @Test
    void connectionsMayCountInBeforeTheirUsersAreKnownWhileNoUserCouldReachACap() {
        assertTrue(quotas.awaitHandshakeSlot());
        assertTrue(!quotas.usersMatter(2), "2 handshakes in all cannot exceed a user's share of 2");
        assertTrue(quotas.usersMatter(3), "3 could");
        ConnectionQuotas.Ticket first = quotas.admitUnresolved(null);
        assertTrue(quotas.awaitHandshakeSlot());
        ConnectionQuotas.Ticket second = quotas.admitUnresolved(null);
        assertEquals(2, quotas.unresolved().size());
        assertTrue(quotas.usersMatter(1), "with 2 in their handshake, a third could make a user's third");
        quotas.resolve(first, MALLORY);
        quotas.resolve(second, MALLORY);
        assertEquals(0, quotas.unresolved().size());
        assertNull(connect(MALLORY), "once known, the two earlier ones count against mallory's share");
        assertNotNull(connect(ALICE));
    }

    @Test
    void aResolvedConnectionCountsOnlyWhatItStillHolds() {
        assertTrue(quotas.awaitHandshakeSlot());
        ConnectionQuotas.Ticket done = quotas.admitUnresolved(null);
        done.handshakeOver();
        assertTrue(quotas.awaitHandshakeSlot());
        ConnectionQuotas.Ticket closed = quotas.admitUnresolved(null);
        closed.closed();
        assertEquals(1, quotas.unresolved().size(), "a closed one leaves the list");
        quotas.resolve(done, MALLORY);
        quotas.resolve(closed, MALLORY); // no effect: it is gone
        assertNotNull(connect(MALLORY), "the earlier one is past its handshake: mallory has a handshake slot left");
        assertNotNull(connect(MALLORY));
        assertNull(connect(MALLORY), "and holds 3 connections, her share");
        done.closed();
        assertEquals(2, quotas.open(), "closing the resolved one gives back its place");
    }

    @Test
    void anUnresolvedConnectionStillCountsTowardsTheTotal() {
        for (int i = 0; i < 6; i++) {
            assertTrue(quotas.awaitHandshakeSlot());
            ConnectionQuotas.Ticket ticket = quotas.admitUnresolved(null);
            assertNotNull(ticket);
            ticket.handshakeOver();
        }
        assertTrue(quotas.awaitHandshakeSlot());
        assertNull(quotas.admitUnresolved(null), "max_connections holds whether users are known or not");
        assertEquals(8, quotas.freeHandshakeSlots());
    }

    @Test
    void whatMattersIsTheMostAnyOneUserCouldHave() {
        connect(ALICE).handshakeOver();
        assertNotNull(connect(ROOT));
        assertNotNull(connect(ROOT));
        assertTrue(!quotas.usersMatter(1), "alice has 1 handshake: 0 + 1 new; root's are never counted");
        assertTrue(quotas.usersMatter(3), "3 unknown ones could all be one user's");
        assertNotNull(connect(MALLORY));
        assertTrue(!quotas.usersMatter(1), "mallory 1 + 1 unknown is her share of 2, no more");
        assertTrue(quotas.usersMatter(2));
    }
}
