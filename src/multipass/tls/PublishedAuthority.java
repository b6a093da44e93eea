// SPDX-License-Identifier: Apache-2.0
package multipass.tls;

import multipass.util.AtomicFile;
import multipass.util.Pem;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;

/**
 * How a client learns which CA to trust with nothing but the daemon's address: the daemon
 * publishes its CA certificate at a path derived from the address (for a Unix socket,
 * {@code <socket path>.ca.pem}, beside it; for TCP, {@code tcp-<port>.ca.pem} in a rendezvous
 * directory: {@code /run/multipassd} for root's daemons, the user's runtime directory for the
 * user's own), and the client reads it before each connection.
 *
 * <p>The publication is only as trustworthy as its directory, so the client accepts the file
 * only when it is a regular file (not a symlink) owned by root or by the expected owner (the
 * socket's owner; for TCP, the client's own user), and writable by nobody else. Whoever can
 * write there could equally replace the socket. A rogue TCP server started by another user on
 * the daemon's port cannot publish there, so its certificate fails verification.
 */
public final class PublishedAuthority {
    private PublishedAuthority() {
    }

    /** Where the daemon listening on socket {@code socket} publishes its CA. */
    public static Path forSocket(Path socket) {
        return socket.resolveSibling(socket.getFileName() + ".ca.pem");
    }

    /** Where a daemon on TCP port {@code port} publishes its CA, inside rendezvous directory {@code dir}. */
    public static Path forTcpPort(Path dir, int port) {
        return dir.resolve("tcp-" + port + ".ca.pem");
    }

    /**
     * Writes {@code ca} to {@code path} atomically, world-readable, after deleting the temporary
     * files a daemon killed while publishing there left beside it. Only the daemon that owns the
     * address (it has bound the socket or port) publishes there, so no write is in progress.
     */
    public static void publish(Path path, X509Certificate ca) throws IOException {
        AtomicFile.removeLeftovers(path);
        AtomicFile.write(path, encode(ca), AtomicFile.WORLD_READABLE);
    }

    /**
     * Writes {@code ca} to {@code file} (0644, atomically; its directory made 0755 if missing),
     * where Canonical's client reads the root certificate it trusts
     * ({@code multipass_root_cert.pem}), so that it can use this daemon. The daemon does it at
     * every start, so a renewed CA reaches that file too.
     */
    public static void publishForMultipassClient(Path file, X509Certificate ca) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent(),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        publish(file, ca);
    }

    /**
     * Publishes {@code ca} at {@code path} for a daemon serving systemd's socket, whose
     * directory (/run) it may not write: there {@code multipassd.socket} makes an empty file
     * owned by the daemon's user before the daemon starts, and the daemon writes the CA into
     * it in place (and not at all when it holds the CA already, as after every restart but the
     * first since boot). A client that finds it still empty waits ({@link #awaitPublication}).
     * Where the directory is writable, or no such file is there, it publishes as usual.
     */
    public static void publishBesideSystemSocket(Path path, X509Certificate ca) throws IOException {
        byte[] content = encode(ca);
        Path dir = path.toAbsolutePath().getParent();
        if (Files.isWritable(dir) || !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            publish(path, ca);
            return;
        }
        if (Arrays.equals(Files.readAllBytes(path), content)) {
            return;
        }
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                file.write(buffer);
            }
            file.force(true);
        }
    }

    /**
     * Waits up to {@code patience} while the file at {@code path} exists but is empty: a daemon
     * that systemd is just starting for this very connection has not written its CA yet.
     */
    public static void awaitPublication(Path path, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && Files.size(path) == 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the daemon to publish its CA in " + path);
            }
        }
    }

    private static byte[] encode(X509Certificate ca) throws IOException {
        try {
            return Pem.encode(Pem.CERTIFICATE, ca.getEncoded()).getBytes(StandardCharsets.US_ASCII);
        } catch (CertificateEncodingException e) {
            throw new IOException("cannot encode the daemon's CA certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the CA published at {@code path}, which must be owned by root or {@code expectedOwner}
     * (null: skip the ownership check, on platforms without POSIX owners).
     */
    public static X509Certificate read(Path path, String expectedOwner) throws IdentityException {
        try {
            if (AtomicFile.posix()) {
                PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String owner = attributes.owner().getName();
                if (!attributes.isRegularFile()) {
                    throw new IdentityException("cannot verify the daemon: its CA certificate " + path + " is not a regular file");
                }
                if (expectedOwner != null && !owner.equals("root") && !owner.equals(expectedOwner)) {
                    throw new IdentityException("cannot verify the daemon: its CA certificate " + path + " is owned by '" + owner
                            + "', not by root or the socket's owner '" + expectedOwner + "'");
                }
                if (attributes.permissions().contains(PosixFilePermission.GROUP_WRITE) || attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
                    throw new IdentityException("cannot verify the daemon: its CA certificate " + path + " is writable by other users");
                }
            }
            return Pem.singleCertificate(Files.readString(path, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            throw new IdentityException("cannot verify the daemon: its CA certificate " + path
                    + " does not exist (is the daemon at this address a multipass-java daemon?)", e);
        } catch (IOException | Pem.PemException e) {
            throw new IdentityException("cannot verify the daemon: cannot read its CA certificate " + path + ": " + e.getMessage(), e);
        }
    }
}
