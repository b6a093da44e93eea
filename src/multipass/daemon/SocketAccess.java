// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.platform.CurrentUser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * The file mode of the daemon's Unix socket, which is the first barrier of the trust model:
 *
 * <ul>
 *   <li><b>restricted</b> (trust store empty): group = admin group, mode 0660, so only root and
 *       admins can even connect, and the first of them is trusted;
 *   <li><b>open</b> (someone is trusted): mode 0666, anyone may connect and must then present
 *       a trusted certificate or authenticate with the passphrase.
 * </ul>
 *
 * A daemon not running as root cannot give its socket to root; it keeps its own ownership,
 * uses the admin group when it belongs to it, and otherwise restricts to 0600.
 *
 * <p>Never through a symlink: the socket is created inside a private directory and renamed
 * into place (see {@link UnixEndpoint}); later changes first check, without following links,
 * that the path is still the socket we bound (same file key), inside a directory only
 * privileged users can write. Thread-safe.
 */
final class SocketAccess {
    static final Set<PosixFilePermission> RESTRICTED = PosixFilePermissions.fromString("rw-rw----");
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OPEN = PosixFilePermissions.fromString("rw-rw-rw-");
    private static final System.Logger LOG = System.getLogger(SocketAccess.class.getName());

    private final GroupPrincipal group;
    private final Set<PosixFilePermission> restricted;
    private Path path;
    private Object fileKey;
    private boolean open;

    /** @param group the group a restricted socket belongs to, or null to leave the group as created */
    SocketAccess(GroupPrincipal group) {
        this.group = group;
        this.restricted = group == null && !CurrentUser.get().isRoot() ? OWNER_ONLY : RESTRICTED;
    }

    private SocketAccess(Set<PosixFilePermission> restricted) {
        this.group = null;
        this.restricted = restricted;
    }

    /**
     * For a socket systemd made ({@link InheritedSocket}): its owner (SocketUser=, the daemon's
     * user, so that it may change the mode) and group (SocketGroup=, the admin group) are
     * systemd's; restricted is 0660 whoever runs the daemon.
     */
    static SocketAccess forInherited() {
        return new SocketAccess(RESTRICTED);
    }

    /** Takes over the socket at {@code socket} that someone else bound, and gives it the initial mode. */
    synchronized void adopt(Path socket, boolean openMode) throws IOException {
        placed(socket);
        change(openMode ? OPEN : restricted);
        this.open = openMode;
    }

    /** Applies the initial mode to a freshly bound socket that only we can reach yet. */
    synchronized void applyToNewSocket(Path socket, boolean openMode) throws IOException {
        if (group != null) {
            Files.getFileAttributeView(socket, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(group);
        }
        Files.setPosixFilePermissions(socket, openMode ? OPEN : restricted);
        this.open = openMode;
    }

    /** Records where the socket now lives, and which file it is. */
    synchronized void placed(Path socket) throws IOException {
        this.path = socket;
        this.fileKey = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /** Opens the socket to everyone (0666); a no-op when already open. */
    synchronized void open() throws IOException {
        if (!open) {
            change(OPEN);
            open = true;
            LOG.log(System.Logger.Level.INFO, "socket {0} is now open to all users (mode 0666)", path);
        }
    }

    /** Restricts the socket again (the trust store became empty). */
    synchronized void restrict() throws IOException {
        if (open) {
            change(restricted);
            open = false;
            LOG.log(System.Logger.Level.INFO, "socket {0} is restricted again (mode {1}, group {2})", path,
                    PosixFilePermissions.toString(restricted), group == null ? "unchanged" : group.getName());
        }
    }

    /** True while the socket is open to everyone. */
    synchronized boolean isOpen() {
        return open;
    }

    private void change(Set<PosixFilePermission> mode) throws IOException {
        if (path == null) {
            return;
        }
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink() || !attributes.isOther() || !Objects.equals(attributes.fileKey(), fileKey)) {
            throw new IOException("refusing to change the mode of " + path + ": it is no longer the socket this daemon created");
        }
        Files.setPosixFilePermissions(path, mode);
    }
}
