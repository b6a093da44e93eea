// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.http2.Http2Connection;
import multipass.http2.Http2Settings;
import multipass.platform.Address;
import multipass.platform.CurrentUser;
import multipass.platform.Platform;
import multipass.platform.UserDatabase;
import multipass.tls.ClientIdentity;
import multipass.tls.Identity;
import multipass.tls.IdentityException;
import multipass.tls.PublishedAuthority;
import multipass.tls.TlsContexts;
import multipass.transport.HandshakeCutShortException;
import multipass.transport.TlsChannel;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.List;

/**
 * Opens the client's direct connection to the daemon: connects the socket, reads the daemon's
 * published CA, loads (or makes) the user's identity and completes the mutual TLS handshake;
 * only then can a request, possibly holding a passphrase, be sent. Stateless.
 */
final class DaemonDial {
    static final String ACCESS_DENIED = "multipass socket access denied";
    static final String CANNOT_CONNECT = "cannot connect to the multipass socket";
    /**
     * The system user the Debian and RPM packages create and run {@code multipassd.service} as
     * (packaging/sysusers.conf); the owner of the socket systemd makes for it.
     */
    static final String PACKAGED_DAEMON_USER = "multipassd";
    /** How long a client waits for a socket-activated daemon's first start (a JVM, a cold disk). */
    private static final Duration FIRST_START_PATIENCE = Duration.ofSeconds(30);

    private DaemonDial() {
    }

    /**
     * Connects to {@code address} as the identity kept in {@code identityDir}; for TCP the
     * daemon's CA is looked up in {@code rendezvousDirs}.
     */
    static DaemonConnection open(Address address, Path identityDir, List<Path> rendezvousDirs) throws ClientFailure {
        SocketChannel channel = connect(address);
        FutureTask<Identity> identity = new FutureTask<>(() -> ClientIdentity.loadOrCreate(identityDir));
        if (ClientIdentity.exists(identityDir)) {
            // The key is loaded while the TLS handshake gets going.
            Thread loader = new Thread(identity, "identity-loader");
            loader.setDaemon(true);
            loader.start();
        } else {
            // Made with keytool the first time: seconds, on a busy machine longer than the daemon
            // gives a handshake, so not while connected. The first connection only reported at
            // once a socket this user may not open.
            closeQuietly(channel);
            identity.run();
            identityOrFailure(identity);
            channel = connect(address);
        }
        try {
            List<X509Certificate> ca = address instanceof Address.Unix
                    ? List.of(readAuthority(((Address.Unix) address).path()))
                    : readTcpAuthorities((Address.Tcp) address, rendezvousDirs);
            TlsChannel tls = new TlsChannel(channel, TlsContexts.client(() -> loaded(identity), ca).newEngine());
            tls.handshake();
            try {
                identityOrFailure(identity);
            } catch (ClientFailure e) {
                closeQuietly(channel);
                throw e;
            }
            if (!TlsContexts.speaksH2(tls.engine())) {
                closeQuietly(channel);
                throw new ClientFailure("the daemon at '" + address + "' did not agree to speak HTTP/2 (TLS ALPN '" + TlsContexts.ALPN_H2
                        + "'), which gRPC needs", "It is not a Multipass daemon, or one too old to speak gRPC.", null);
            }
            return DaemonConnection.direct(Http2Connection.client(tls, Http2Settings.DEFAULTS), address.toString(), identityDir);
        } catch (IdentityException e) {
            closeQuietly(channel);
            throw new ClientFailure(e.getMessage(), null, e);
        } catch (HandshakeCutShortException e) {
            closeQuietly(channel);
            identityOrFailure(identity);
            throw new ClientFailure("the daemon at '" + address + "' closed the connection before the TLS handshake was over",
                    "It may be refusing new connections for now: too many are open, or too many of this user's (its log says which)."
                            + " Try again in a moment.", e);
        } catch (SSLException e) {
            closeQuietly(channel);
            identityOrFailure(identity);
            throw new ClientFailure("cannot establish a verified TLS connection with the daemon at '" + address + "': " + e.getMessage(),
                    "The daemon's certificate must be signed by the CA it publishes and name 'localhost'.", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ClientFailure("connection to the daemon failed: " + e.getMessage(), null, e);
        }
    }

    private static SocketChannel connect(Address address) throws ClientFailure {
        return address instanceof Address.Unix ? connectUnix(((Address.Unix) address).path(), address) : connectTcp(address);
    }

    /** The loaded identity, or null when loading failed (then no certificate is offered). */
    private static Identity loaded(FutureTask<Identity> identity) {
        try {
            return identity.get();
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Throws the identity's loading failure, if it failed: it explains more than what followed. */
    private static void identityOrFailure(FutureTask<Identity> identity) throws ClientFailure {
        try {
            identity.get();
        } catch (ExecutionException e) {
            throw new ClientFailure(e.getCause().getMessage(), null, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientFailure("interrupted while loading the client certificate", null, e);
        }
    }

    private static SocketChannel connectUnix(Path socket, Address address) throws ClientFailure {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(address.socketAddress());
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && !(Files.isReadable(socket) && Files.isWritable(socket))) {
                throw new ClientFailure(ACCESS_DENIED, "Please check that you have read/write permissions to '" + socket + "'",
                        DeniedSocket.note(socket, UserDatabase.system()), e);
            }
            throw new ClientFailure(CANNOT_CONNECT, "Please ensure multipassd is running and '" + address + "' is accessible", e);
        }
    }

    private static SocketChannel connectTcp(Address address) throws ClientFailure {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.connect(address.socketAddress());
            return channel;
        } catch (IOException | java.nio.channels.UnresolvedAddressException e) {
            closeQuietly(channel);
            throw new ClientFailure(CANNOT_CONNECT, "Please ensure multipassd is running and '" + address + "' is accessible", e);
        }
    }

    /** The CAs published for a TCP port: by root, or by this user's own daemon. */
    private static List<X509Certificate> readTcpAuthorities(Address.Tcp address, List<Path> rendezvousDirs) throws IdentityException {
        List<X509Certificate> found = new ArrayList<>();
        List<String> tried = new ArrayList<>();
        for (Path dir : rendezvousDirs) {
            Path file = PublishedAuthority.forTcpPort(dir, address.port());
            tried.add(file.toString());
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                found.add(PublishedAuthority.read(file, CurrentUser.get().name()));
            }
        }
        if (found.isEmpty()) {
            throw new IdentityException("cannot verify the daemon at '" + address + "': no CA certificate is published for port "
                    + address.port() + " (looked for " + String.join(" and ", tried) + "); no passphrase was sent");
        }
        return found;
    }

    /**
     * The CA published beside {@code socket}. Only a socket owned by root, by this user or by
     * the packaged daemon's system user ({@link #PACKAGED_DAEMON_USER}) is believed: a socket
     * another user planted (say in a shared directory after the daemon stopped) would
     * otherwise bring its own CA and collect passphrases. The name is the one the user
     * database gives the socket's uid, so only the account of that name counts, and only root
     * can make an account. Where no CA is published beside the socket, Multipass's own root
     * certificate ({@link Platform#MULTIPASS_ROOT_CERTIFICATES}, owned by root) is the one to
     * trust: the socket is then Canonical's daemon's. A CA file still empty is one a daemon that systemd is starting for
     * this connection has yet to fill: it is waited for.
     */
    private static X509Certificate readAuthority(Path socket) throws IdentityException, IOException {
        String owner = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS).getName();
        String me = CurrentUser.get().name();
        if (!owner.equals("root") && !owner.equals(me) && !owner.equals(PACKAGED_DAEMON_USER)) {
            throw new IdentityException("refusing to talk to " + socket + ": it is owned by '" + owner
                    + "', not by root, you or the system user '" + PACKAGED_DAEMON_USER + "'; a multipass daemon's socket belongs to root,"
                    + " to '" + PACKAGED_DAEMON_USER + "' (the packaged service) or to you, for your own daemon");
        }
        Path published = PublishedAuthority.forSocket(socket);
        if (!Files.exists(published, LinkOption.NOFOLLOW_LINKS)) {
            for (Path multipass : Platform.MULTIPASS_ROOT_CERTIFICATES) {
                if (Files.exists(multipass, LinkOption.NOFOLLOW_LINKS)) {
                    return PublishedAuthority.read(multipass, "root"); // Canonical's daemon: its root certificate, root's
                }
            }
        }
        PublishedAuthority.awaitPublication(published, FIRST_START_PATIENCE);
        return PublishedAuthority.read(published, owner);
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Already failing with a better message; nothing more to say about the close.
            return;
        }
    }
}
