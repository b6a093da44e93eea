// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.platform.Address;
import multipass.platform.CurrentUser;
import multipass.platform.TcpSocketOwner;
import multipass.platform.UserDatabase;
import multipass.serve.Peer;
import multipass.serve.UnknownPeerException;
import multipass.testing.QuickIdentities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loopback TCP peer's user read after accept ({@link TcpEndpoint#credentialsLater}), on real
 * sockets and the kernel's real tables: named while the client's end is open, and refused
 * ({@link UnknownPeerException}) once the client half-closed or reset it, instead of being
 * served as nobody (which would take it out of its user's limits).
 */
class LaterPeerLookupIntegrationTest {
    @TempDir
    Path rendezvous;
    private TcpEndpoint endpoint;
    private SocketChannel client;
    private SocketChannel accepted;

    @BeforeEach
    void connect() throws Exception {
        endpoint = TcpEndpoint.bind(new Address.Tcp("127.0.0.1", 0), rendezvous, QuickIdentities.client("ca").certificate(),
                TcpSocketOwner.forThisSystem(), UserDatabase.system());
        client = SocketChannel.open(endpoint.localAddress());
        accepted = endpoint.accept();
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        accepted.close();
        endpoint.close();
    }

    @Test
    void anOpenLoopbackPeerIsNamed() throws Exception {
        assertTrue(endpoint.defersCredentials());
        assertTrue(endpoint.mustName(accepted));
        Peer.Credentials credentials = endpoint.credentialsLater(accepted);
        assertEquals(CurrentUser.get().uid(), credentials.uid());
        assertEquals(Peer.Source.LOOPBACK_TCP, credentials.source());
    }

    @Test
    void aPeerThatHalfClosedIsRefused() throws Exception {
        client.shutdownOutput();
        UnknownPeerException refused = assertThrows(UnknownPeerException.class, () -> endpoint.credentialsLater(accepted));
        assertTrue(refused.getMessage().contains("no longer shows this connection's client end open"), refused.getMessage());
    }

    @Test
    void aPeerThatResetIsRefused() throws Exception {
        client.setOption(StandardSocketOptions.SO_LINGER, 0);
        client.close(); // RST: the client's entry leaves the table at once
        assertThrows(UnknownPeerException.class, () -> endpoint.credentialsLater(accepted));
    }

    @Test
    void withTheLookupOffNobodyIsNamedAndNoneIsRefused() throws Exception {
        try (TcpEndpoint off = TcpEndpoint.bind(new Address.Tcp("127.0.0.1", 0), rendezvous, QuickIdentities.client("ca").certificate(),
                TcpSocketOwner.none(), UserDatabase.system());
             SocketChannel other = SocketChannel.open(off.localAddress());
             SocketChannel theirs = off.accept()) {
            assertFalse(off.defersCredentials());
            assertFalse(off.mustName(theirs));
            other.shutdownOutput();
            assertNull(off.credentialsLater(theirs));
        }
    }
}
