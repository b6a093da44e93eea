// SPDX-License-Identifier: Apache-2.0
package multipass.platform;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link TcpSocketOwner#forThisSystem()} against real loopback connections on this Linux
 * host: an IPv4 client (in {@code /proc/net/tcp}), a dual-stack client (an IPv4-mapped entry
 * in {@code /proc/net/tcp6}) and an IPv6 one; this process's own uid must come back, and
 * nothing once the client has closed.
 */
@Timeout(30)
class TcpSocketOwnerIntegrationTest {
    private static final long MY_UID = CurrentUser.get().uid();

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "skipped: no /proc/net/tcp (not Linux)");
    }

    /** Connects a client of {@code family} to a server on {@code host}; returns what the lookup says for the accepted side. */
    private static OptionalLong ownerSeenByServer(InetAddress host, ProtocolFamily family, boolean closeClientFirst) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(host, 0));
            SocketChannel client = family == null ? SocketChannel.open() : SocketChannel.open(family);
            try (client) {
                client.connect(server.getLocalAddress());
                try (SocketChannel accepted = server.accept()) {
                    if (closeClientFirst) {
                        client.close();
                    }
                    return TcpSocketOwner.forThisSystem().ownerUid((InetSocketAddress) accepted.getRemoteAddress(),
                            (InetSocketAddress) accepted.getLocalAddress());
                }
            }
        }
    }

    @Test
    void anIpv4ClientIsThisProcess() throws IOException {
        assertEquals(OptionalLong.of(MY_UID), ownerSeenByServer(InetAddress.getByName("127.0.0.1"), StandardProtocolFamily.INET, false));
    }

    @Test
    void aDualStackClientOfAnIpv4AddressIsThisProcess() throws IOException {
        assertEquals(OptionalLong.of(MY_UID), ownerSeenByServer(InetAddress.getByName("127.0.0.1"), null, false));
    }

    @Test
    void anIpv6ClientIsThisProcess() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp6")), "skipped: this kernel has no IPv6");
        assertEquals(OptionalLong.of(MY_UID), ownerSeenByServer(InetAddress.getByName("::1"), StandardProtocolFamily.INET6, false));
    }

    @Test
    void aClosedClientIsNobody() throws IOException {
        assertEquals(OptionalLong.empty(), ownerSeenByServer(InetAddress.getByName("127.0.0.1"), StandardProtocolFamily.INET, true));
    }

    @Test
    void aBurstIsReadTogetherEachConnectionItsOwn() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            java.util.List<SocketChannel> clients = new java.util.ArrayList<>();
            java.util.List<SocketChannel> accepted = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    SocketChannel client = SocketChannel.open();
                    clients.add(client);
                    client.connect(server.getLocalAddress());
                    accepted.add(server.accept());
                }
                clients.get(2).close(); // its end leaves ESTABLISHED: not found, and no other's uid either
                java.util.List<InetSocketAddress> remotes = new java.util.ArrayList<>();
                java.util.List<InetSocketAddress> locals = new java.util.ArrayList<>();
                for (SocketChannel channel : accepted) {
                    remotes.add((InetSocketAddress) channel.getRemoteAddress());
                    locals.add((InetSocketAddress) channel.getLocalAddress());
                }
                long[] uids = TcpSocketOwner.forThisSystem().ownerUids(remotes, locals);
                org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {MY_UID, MY_UID, -1, MY_UID, MY_UID}, uids);
            } finally {
                for (SocketChannel channel : accepted) {
                    channel.close();
                }
                for (SocketChannel channel : clients) {
                    channel.close();
                }
            }
        }
    }
}
