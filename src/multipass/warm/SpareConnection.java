// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.tls.ClientIdentity;
import multipass.transport.FrameChannel;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The warm client's one spare connection to the daemon. Once a command's reply has been
 * relayed whole, its TLS connection is kept, and the next command uses it instead of making a
 * new handshake. That widens no trust: the daemon looks the certificate up in its trust store
 * at every request, not once per connection, so a revoked certificate is refused at its next
 * request on a kept connection as on a new one.
 *
 * <p>A kept connection is used again only if it has been idle less than {@link #MAX_IDLE}
 * (the daemon closes connections idle for its {@code idle_timeout_seconds}, 120 by default),
 * if the identity's certificate file is the one it was made with, and if the daemon has sent
 * nothing since (a daemon that stopped, restarted or gave up on it has sent close_notify or
 * closed the socket). Anything else closes it, and the command dials anew; nothing has been
 * sent on it by then. At most one is kept. Thread-safe.
 */
final class SpareConnection {
    private static final System.Logger LOG = System.getLogger(SpareConnection.class.getName());
    /** How long a kept connection may wait for a command: half the daemon's default idle timeout. */
    static final Duration MAX_IDLE = Duration.ofSeconds(60);

    private final Path certificateFile;
    private Connection kept;
    private long keptAt;

    /**
     * A connection to the daemon and what identified the client's certificate file when it was
     * made (null if that could not be read: such a connection is never kept).
     */
    record Connection(FrameChannel frames, List<Object> identity) {
    }

    SpareConnection(Path identityDir) {
        this.certificateFile = identityDir.resolve(ClientIdentity.CERT_FILE);
    }

    /** The kept connection, if it is still fit to carry a request; else empty (and it is closed). */
    Optional<Connection> take() {
        Connection connection;
        boolean young;
        synchronized (this) {
            connection = kept;
            young = System.nanoTime() - keptAt < MAX_IDLE.toNanos();
            kept = null;
        }
        if (connection == null) {
            return Optional.empty();
        }
        try {
            if (young && connection.identity().equals(identityNow()) && connection.frames().quiet()) {
                return Optional.of(connection);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "the kept connection to the daemon is not usable: {0}", e.getMessage());
        }
        close(connection);
        return Optional.empty();
    }

    /** Keeps {@code connection} for the next command, closing any older spare; one of unknown identity is closed instead. */
    void keep(Connection connection) {
        if (connection.identity() == null) {
            close(connection);
            return;
        }
        Connection older;
        synchronized (this) {
            older = kept;
            kept = connection;
            keptAt = System.nanoTime();
        }
        if (older != null) {
            close(older);
        }
    }

    /** Closes the kept connection, if any (the warm client is going). */
    void close() {
        Connection spare;
        synchronized (this) {
            spare = kept;
            kept = null;
        }
        if (spare != null) {
            close(spare);
        }
    }

    /**
     * What identifies the certificate file's content without reading it (inode, size and
     * modification time), taken before a connection is made with it; null if it cannot be read.
     */
    List<Object> identityNow() {
        try {
            BasicFileAttributes file = Files.readAttributes(certificateFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return List.of(String.valueOf(file.fileKey()), file.size(), file.lastModifiedTime());
        } catch (IOException e) {
            return null;
        }
    }

    static void close(Connection connection) {
        try {
            connection.frames().close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing a connection to the daemon: {0}", e.getMessage());
        }
    }
}
