// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.auth.Peer;
import multipass.platform.Address;
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

/**
 * The daemon on a TCP port, Multipass's Windows design (on every OS here). File permissions
 * mean nothing to TCP, so there is no first-client acceptance and no kernel credentials:
 * trust comes only from the installer enrolment or the passphrase. It binds exactly the host
 * given; a non-loopback host is allowed because it was named, with a warning. The CA is
 * published as {@code tcp-<port>.ca.pem} in the daemon user's rendezvous directory.
 */
final class TcpEndpoint implements Endpoint {
    private static final System.Logger LOG = System.getLogger(TcpEndpoint.class.getName());

    private final ServerSocketChannel server;
    private final Address.Tcp address;
    private final Path published;

    private TcpEndpoint(ServerSocketChannel server, Address.Tcp address, Path published) {
        this.server = server;
        this.address = address;
        this.published = published;
    }

    /** Binds {@code address} and publishes {@code ca} in {@code rendezvousDir}. */
    static TcpEndpoint bind(Address.Tcp address, Path rendezvousDir, X509Certificate ca) throws IOException, Daemon.StartupException {
        InetSocketAddress socketAddress = new InetSocketAddress(address.host(), address.port());
        if (socketAddress.isUnresolved()) {
            throw new Daemon.StartupException("cannot resolve host '" + address.host() + "' in address '" + address + "'", null);
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
            throw new Daemon.StartupException("cannot listen on " + address + ": " + e.getMessage()
                    + " (is another daemon already using port " + address.port() + "? stop it or choose another --address)", e);
        }
        try {
            if (!Files.isDirectory(rendezvousDir)) {
                Files.createDirectories(rendezvousDir);
            }
            Path published = PublishedAuthority.forTcpPort(rendezvousDir, address.port());
            PublishedAuthority.publish(published, ca);
            LOG.log(System.Logger.Level.INFO, "TCP mode: no first-client acceptance; CA published at {0}", published);
            return new TcpEndpoint(server, address, published);
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    @Override
    public SocketChannel accept() throws IOException {
        return server.accept();
    }

    @Override
    public Peer.Credentials credentials(SocketChannel channel) {
        return null;
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
