// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.platform.Address;
import multipass.platform.TcpSocketOwner;
import multipass.platform.UserDatabase;
import multipass.serve.Endpoint;
import multipass.serve.Peer;
import multipass.serve.UnknownPeerException;
import multipass.tls.PublishedAuthority;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The daemon on a TCP port, Multipass's Windows design (on every OS here). File permissions
 * mean nothing to TCP, so there is no first-client acceptance: trust comes only from the
 * installer enrolment or the passphrase. It binds exactly the host given; a non-loopback host
 * is allowed because it was named, with a warning. The CA is published as
 * {@code tcp-<port>.ca.pem} in the daemon user's rendezvous directory.
 *
 * <p>On Linux, a loopback peer's local user is read from the kernel's socket tables
 * ({@link TcpSocketOwner}) and named with {@link Peer.Source#LOOPBACK_TCP}: it counts for
 * records, the audit log, the guessing limits and the connection caps, and grants nothing.
 * A read costs in proportion to the tables' length, so it is put off ({@link #defersCredentials})
 * until the user is needed: right after {@code accept} when the per-user caps could refuse the
 * connection, else after the handshake ({@link #credentialsLater}) when a call needs it, which
 * a trusted client's {@code list} never does. Thread-safe.
 */
final class TcpEndpoint implements Endpoint {
    private static final System.Logger LOG = System.getLogger(TcpEndpoint.class.getName());
    /**
     * A bench knob, not a setting: {@code -Dmultipass.bench.tcpOwnerLookup=off} on the daemon's
     * JVM turns the loopback-peer lookup off, so that the bench can measure what it costs in
     * the same build (docs/performance.md). Every peer is then unknown, as over TCP from another
     * host: limits and caps key by certificate. Read once, at start.
     */
    static final String LOOKUP_KNOB = "multipass.bench.tcpOwnerLookup";

    private final ServerSocketChannel server;
    private final Address.Tcp address;
    private final Path published;
    private final TcpSocketOwner owners;
    private final UserDatabase users;

    private TcpEndpoint(ServerSocketChannel server, Address.Tcp address, Path published, TcpSocketOwner owners, UserDatabase users) {
        this.server = server;
        this.address = address;
        this.published = published;
        this.owners = owners;
        this.users = users;
    }

    /** Binds {@code address} and publishes {@code ca} in {@code rendezvousDir}; peers' users are looked up with {@code owners}. */
    static TcpEndpoint bind(Address.Tcp address, Path rendezvousDir, X509Certificate ca, TcpSocketOwner owners, UserDatabase users)
            throws IOException, StartupException {
        InetSocketAddress socketAddress = new InetSocketAddress(address.host(), address.port());
        if (socketAddress.isUnresolved()) {
            throw new StartupException("cannot resolve host '" + address.host() + "' in address '" + address + "'", null);
        }
        InetAddress host = socketAddress.getAddress();
        if (!host.isLoopbackAddress()) {
            LOG.log(System.Logger.Level.WARNING, "listening on non-loopback address {0}: clients on other machines can reach this daemon"
                    + " (they still need a trusted certificate or the passphrase)", host.getHostAddress());
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(socketAddress, LISTEN_BACKLOG);
        } catch (BindException e) {
            server.close();
            throw new StartupException("cannot listen on " + address + ": " + e.getMessage()
                    + " (is another daemon already using port " + address.port() + "? stop it or choose another --address)", e);
        }
        try {
            if (!Files.isDirectory(rendezvousDir)) {
                Files.createDirectories(rendezvousDir);
            }
            Path published = PublishedAuthority.forTcpPort(rendezvousDir, address.port());
            PublishedAuthority.publish(published, ca);
            LOG.log(System.Logger.Level.INFO, "TCP mode: no first-client acceptance; CA published at {0}", published);
            return new TcpEndpoint(server, address, published, owners, users);
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    /** The lookup of this system ({@link TcpSocketOwner#forThisSystem()}), or none when the bench knob {@link #LOOKUP_KNOB} says off. */
    static TcpSocketOwner owners() {
        if ("off".equals(System.getProperty(LOOKUP_KNOB))) {
            LOG.log(System.Logger.Level.WARNING, "{0}=off (a bench knob): no loopback TCP peer's user is looked up", LOOKUP_KNOB);
            return TcpSocketOwner.none();
        }
        return TcpSocketOwner.forThisSystem();
    }

    /** The address and port bound (the port the kernel chose, for a port of 0). */
    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    @Override
    public SocketChannel accept() throws IOException {
        return server.accept();
    }

    /** The next connection in the listen backlog, or null; only the accept thread calls it, so switching the mode is safe. */
    @Override
    public SocketChannel acceptReady() throws IOException {
        server.configureBlocking(false);
        try {
            return server.accept(); // blocking, as every accepted channel is
        } finally {
            server.configureBlocking(true);
        }
    }

    /**
     * The local users behind the loopback peers of {@code channels}, from one read of the
     * kernel's tables for all of them ({@link TcpSocketOwner#ownerUids}): that read costs in
     * proportion to the tables' length (thousands of lines under a connection flood, TIME_WAIT
     * ones included), so a burst accepted together pays for it once. Each was accepted before
     * the read began and none has had the server's first handshake flight yet, as with one.
     */
    @Override
    public List<Peer.Credentials> credentials(List<SocketChannel> channels) throws IOException {
        List<InetSocketAddress> clients = new ArrayList<>(channels.size());
        List<InetSocketAddress> daemons = new ArrayList<>(channels.size());
        for (SocketChannel channel : channels) {
            clients.add((InetSocketAddress) channel.getRemoteAddress());
            daemons.add((InetSocketAddress) channel.getLocalAddress());
        }
        long[] uids;
        try {
            uids = owners.ownerUids(clients, daemons);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot read the kernel''s socket tables for {0} connection(s): {1}; their users are unknown",
                    channels.size(), e.getMessage());
            uids = new long[channels.size()];
            Arrays.fill(uids, -1);
        }
        List<Peer.Credentials> all = new ArrayList<>(channels.size());
        for (int i = 0; i < uids.length; i++) {
            all.add(credentials(clients.get(i), uids[i]));
        }
        return all;
    }

    /**
     * The local user behind a loopback peer, or null (as before this lookup existed) when the
     * kernel's tables do not name one: a non-loopback peer, another OS, or a table that cannot
     * be read. Either way the connection is served.
     */
    @Override
    public Peer.Credentials credentials(SocketChannel channel) throws IOException {
        return credentials(List.of(channel)).get(0);
    }

    private Peer.Credentials credentials(InetSocketAddress client, long uid) throws IOException {
        if (uid < 0) {
            LOG.log(System.Logger.Level.DEBUG, "no local user found for the connection from {0} (not loopback, or no kernel socket table"
                    + " names it); limits and caps key by certificate", client);
            return null;
        }
        String name = users.user(uid).map(UserDatabase.User::name).orElse(Long.toString(uid));
        return new Peer.Credentials(name, uid, Peer.Source.LOOPBACK_TCP);
    }

    /** True on Linux with the lookup on: loopback peers' users are read after the handshake, when needed. */
    @Override
    public boolean defersCredentials() {
        return owners.readsTables();
    }

    @Override
    public boolean mustName(SocketChannel channel) {
        try {
            return owners.readsTables()
                    && TcpSocketOwner.bothLoopback((InetSocketAddress) channel.getRemoteAddress(), (InetSocketAddress) channel.getLocalAddress());
        } catch (IOException e) {
            return false; // closed: nothing to name
        }
    }

    /**
     * The local user behind a loopback peer past its handshake; null for a peer from elsewhere
     * or when the tables cannot be read (served as before this lookup existed).
     *
     * @throws UnknownPeerException when the tables no longer show the client's end open: it
     *                              half-closed or reset the connection, and could otherwise hide
     *                              from its user's limits
     */
    @Override
    public Peer.Credentials credentialsLater(SocketChannel channel) throws IOException {
        InetSocketAddress client = (InetSocketAddress) channel.getRemoteAddress();
        InetSocketAddress daemon = (InetSocketAddress) channel.getLocalAddress();
        if (!owners.readsTables() || !TcpSocketOwner.bothLoopback(client, daemon)) {
            return null;
        }
        long uid;
        try {
            uid = owners.ownerUids(List.of(client), List.of(daemon))[0];
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot read the kernel''s socket tables for the connection from {0}: {1}; its user is unknown",
                    client, e.getMessage());
            return null;
        }
        if (uid < 0) {
            throw new UnknownPeerException("the kernel no longer shows this connection's client end open, so the daemon cannot tell"
                    + " which local user it is; keep the connection open until the reply comes, and try again");
        }
        return credentials(client, uid);
    }

    @Override
    public boolean firstClientAcceptance() {
        return false;
    }

    @Override
    public void trustChanged(boolean storeEmpty) {
        // Nothing to open or restrict: a TCP port has no file mode.
    }

    @Override
    public String address() {
        return address.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(published);
    }
}
