// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.platform.UserDatabase;
import multipass.serve.Endpoint;
import multipass.serve.Peer;
import multipass.tls.PublishedAuthority;
import multipass.util.PrivateDirectories;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The daemon's Unix domain socket. It is bound inside a fresh private directory (0700), given
 * its group and mode there, and only then renamed into place, so it is never reachable with a
 * looser mode than intended, and a symlink planted at the target path is replaced, not
 * followed. The daemon's CA certificate is published beside it ({@link PublishedAuthority}).
 */
final class UnixEndpoint implements Endpoint {
    private static final System.Logger LOG = System.getLogger(UnixEndpoint.class.getName());

    private final Path socket;
    private final ServerSocketChannel server;
    private final SocketAccess access;
    private final UserDatabase users;
    private final Object fileKey;
    /** True for systemd's socket ({@link #adopt}): closing leaves the socket file and the published CA to systemd. */
    private final boolean inherited;

    private UnixEndpoint(Path socket, ServerSocketChannel server, SocketAccess access, UserDatabase users, Object fileKey, boolean inherited) {
        this.socket = socket;
        this.server = server;
        this.access = access;
        this.users = users;
        this.fileKey = fileKey;
        this.inherited = inherited;
    }

    /**
     * Serves {@code server}, the socket systemd bound at {@code socket} and handed over
     * ({@link InheritedSocket}): gives it its mode (open when {@code open}) and publishes
     * {@code ca} beside it. Closing stops listening but leaves the socket, which belongs to
     * {@code multipassd.socket}, and the CA, so that the next client, which starts the daemon
     * again, finds it at once.
     */
    static UnixEndpoint adopt(Path socket, ServerSocketChannel server, SocketAccess access, boolean open, UserDatabase users,
                              X509Certificate ca) throws IOException {
        try {
            access.adopt(socket, open);
            PublishedAuthority.publishBesideSystemSocket(PublishedAuthority.forSocket(socket), ca);
            Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return new UnixEndpoint(socket, server, access, users, key, true);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Binds {@code socket}, open (0666) when {@code open}, else restricted, and publishes {@code ca}. */
    static UnixEndpoint bind(Path socket, SocketAccess access, boolean open, UserDatabase users, X509Certificate ca) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        requireSafeDirectory(dir);
        refuseIfServed(socket);
        Path privateDir = PrivateDirectories.createTemp(dir, ".multipassd-");
        Path staged = privateDir.resolve("socket");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(staged), LISTEN_BACKLOG);
            access.applyToNewSocket(staged, open);
            PublishedAuthority.publish(PublishedAuthority.forSocket(socket), ca);
            Files.move(staged, socket, StandardCopyOption.ATOMIC_MOVE);
            access.placed(socket);
            Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return new UnixEndpoint(socket, server, access, users, key, false);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(staged);
            throw e;
        } finally {
            Files.deleteIfExists(privateDir);
        }
    }

    /**
     * The socket's directory must not let other users replace entries in it: not writable by
     * group or others, unless sticky (like /tmp, where only an entry's owner may rename it).
     */
    private static void requireSafeDirectory(Path dir) throws IOException {
        int mode = (Integer) Files.getAttribute(dir, "unix:mode");
        boolean writableByOthers = (mode & 0022) != 0;
        boolean sticky = (mode & 01000) != 0;
        if (writableByOthers && !sticky) {
            throw new IOException("the socket directory " + dir + " (mode " + Integer.toOctalString(mode & 07777)
                    + ") lets other users replace files in it; choose a directory only you can write, or make it sticky (chmod +t)");
        }
    }

    /** Fails when a live daemon already answers on {@code socket}; a stale file is left to be replaced. */
    private static void refuseIfServed(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "replacing stale socket file {0} ({1})", socket, e.getMessage());
            return;
        }
        throw new IOException("another daemon is already listening on " + socket + "; stop it first or choose another --address");
    }

    @Override
    public SocketChannel accept() throws IOException {
        return server.accept();
    }

    @Override
    public Peer.Credentials credentials(SocketChannel channel) throws IOException {
        UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String name = principal.user().getName();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
            long uid = Long.parseLong(name);
            return new Peer.Credentials(users.user(uid).map(UserDatabase.User::name).orElse(name), uid, Peer.Source.UNIX_SOCKET);
        }
        Optional<UserDatabase.User> user = users.user(name);
        return new Peer.Credentials(name, user.map(UserDatabase.User::uid).orElse(-1L), Peer.Source.UNIX_SOCKET);
    }

    @Override
    public boolean firstClientAcceptance() {
        return true;
    }

    @Override
    public void trustChanged(boolean storeEmpty) throws IOException {
        if (storeEmpty) {
            access.restrict();
        } else {
            access.open();
        }
    }

    @Override
    public String address() {
        return "unix:" + socket;
    }

    /** Stops listening and removes the socket (if still ours and not systemd's) and the published CA. */
    @Override
    public void close() throws IOException {
        server.close();
        if (!inherited && Files.exists(socket, LinkOption.NOFOLLOW_LINKS)
                && Objects.equals(Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey(), fileKey)) {
            Files.delete(socket);
            Files.deleteIfExists(PublishedAuthority.forSocket(socket));
        }
    }
}
