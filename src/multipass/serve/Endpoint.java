// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the daemon listens: a Unix domain socket or a TCP port. Both hand out blocking
 * {@link SocketChannel}s that the same TLS code drives; they differ in what they know about
 * the peer and in whether first-client acceptance exists. Thread-safe.
 */
public interface Endpoint extends AutoCloseable {
    /**
     * Connections the kernel holds for the daemon until it accepts them: they wait there while
     * every handshake slot is taken (the kernel caps it at {@code net.core.somaxconn}).
     */
    int LISTEN_BACKLOG = 512;

    /** Blocks for the next connection. */
    SocketChannel accept() throws IOException;

    /**
     * Kernel-reported credentials of the peer, read right after {@code accept}, before the
     * daemon's first handshake flight (so that a finished handshake shows the connection was
     * open during the read): {@code SO_PEERCRED} on a Unix socket, the owner of a loopback TCP
     * client's socket; null when the kernel names no one (TCP from elsewhere, or not Linux).
     */
    Peer.Credentials credentials(SocketChannel channel) throws IOException;

    /**
     * Another connection the kernel already holds, without waiting, or null when there is none;
     * the default never has one (connections are then taken one {@link #accept} at a time). A
     * daemon under a burst takes several at once, to read their credentials together.
     */
    default SocketChannel acceptReady() throws IOException {
        return null;
    }

    /**
     * {@link #credentials(SocketChannel)} of each of {@code channels}, in order, all accepted
     * before this call and open until after it; the default reads them one by one, an endpoint
     * whose source costs as much for one as for many (a loopback TCP daemon's socket tables)
     * reads them together.
     *
     * @throws IOException when any cannot be read (the caller then asks for each on its own)
     */
    default List<Peer.Credentials> credentials(List<SocketChannel> channels) throws IOException {
        List<Peer.Credentials> all = new ArrayList<>(channels.size());
        for (SocketChannel channel : channels) {
            all.add(credentials(channel));
        }
        return all;
    }

    /**
     * True when reading a peer's credentials costs enough to put off until they are needed
     * (loopback TCP: a read of the kernel's socket tables); the daemon then reads them after
     * the handshake, with {@link #credentialsLater}, only for the connections that need them.
     */
    default boolean defersCredentials() {
        return false;
    }

    /**
     * {@link #credentials(SocketChannel)} of a connection past its handshake, whose client may
     * have closed or reset its end by now: null when the kernel names no one for such a peer
     * (as {@link #credentials(SocketChannel)} would), and an {@link UnknownPeerException} when
     * it should and no longer does. Names the user the kernel gives for the connection's ends
     * at the time of the call; the caller must then prove the connection was still open (a
     * round trip on it), or its ends may have passed to another connection since.
     */
    default Peer.Credentials credentialsLater(SocketChannel channel) throws IOException {
        return credentials(channel);
    }

    /**
     * True when the kernel should name the peer of {@code channel}, so that finding nobody
     * means its client end is gone (loopback TCP on Linux); false where it names no one anyway.
     */
    default boolean mustName(SocketChannel channel) {
        return false;
    }

    /** True when the first admin client may be trusted without a passphrase (Unix sockets only). */
    boolean firstClientAcceptance();

    /** Called after the trust store changed: open or restrict the socket. */
    void trustChanged(boolean storeEmpty) throws IOException;

    /** The address clients use, as {@code MULTIPASS_SERVER_ADDRESS} would spell it. */
    String address();

    @Override
    void close() throws IOException;
}
