// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.platform.CurrentUser;
import multipass.util.AtomicFile;
import multipass.util.FileLockHandle;
import multipass.util.PrivateDirectories;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The daemon's data directory and its safety rules, after OpenSSH's StrictModes: it is created
 * 0700, and the daemon refuses to run on one that another user owns or that group or others
 * may write, because whoever can write there can add themselves to the trust store.
 */
final class DataDir {
    private static final System.Logger LOG = System.getLogger(DataDir.class.getName());
    private DataDir() {
    }

    /** Creates {@code dir} if needed and checks it is safe; throws with what to fix. */
    static void prepare(Path dir) throws IOException, UnsafeDataDirException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            PrivateDirectories.createAll(dir);
        }
        if (!AtomicFile.posix()) {
            return;
        }
        PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new UnsafeDataDirException("data directory " + dir + " is not a directory (a symbolic link is not accepted)");
        }
        String me = CurrentUser.get().name();
        String owner = attributes.owner().getName();
        if (!owner.equals(me)) {
            throw new UnsafeDataDirException("data directory " + dir + " is owned by '" + owner + "', not by '" + me
                    + "' who runs the daemon; use a directory of your own or fix its owner (chown " + me + " " + dir + ")");
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new UnsafeDataDirException("data directory " + dir + " has mode " + PosixFilePermissions.toString(mode)
                    + ", writable by group or others; fix it with: chmod 700 " + dir);
        }
    }

    /**
     * Refuses a store, settings, key or inventory file in the data dir that another user owns or that group
     * or others may write (absent files are fine: they will be created 0600).
     */
    static void requireSafeFile(Path file) throws IOException, UnsafeDataDirException {
        if (!AtomicFile.posix() || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String me = CurrentUser.get().name();
        if (!attributes.isRegularFile()) {
            throw new UnsafeDataDirException(file + " is not a regular file (a symbolic link is not accepted)");
        }
        if (!attributes.owner().getName().equals(me)) {
            throw new UnsafeDataDirException(file + " is owned by '" + attributes.owner().getName() + "', not by '" + me
                    + "' who runs the daemon; fix it with: chown " + me + " " + file);
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new UnsafeDataDirException(file + " has mode " + PosixFilePermissions.toString(mode)
                    + ", writable by group or others; fix it with: chmod go-w " + file);
        }
    }

    /**
     * Deletes the temporary files that writes cut short by a crash left in the data dir; call it
     * holding the {@link #lock}, so that no write is in progress.
     */
    static void removeLeftovers(Path dir) throws IOException {
        int removed = 0;
        for (Path file : DataLayout.replacedFiles()) {
            removed += AtomicFile.removeLeftovers(dir.resolve(file));
        }
        if (removed > 0) {
            LOG.log(System.Logger.Level.INFO, "removed {0} temporary file(s) left in {1} by writes a crash cut short", removed, dir);
        }
    }

    /** Takes the data directory's lock, or empty when another process holds it. */
    static Optional<FileLockHandle> lock(Path dir) throws IOException {
        return FileLockHandle.tryAcquire(dir.resolve(DataLayout.LOCK_FILE));
    }

    /** A data directory the daemon must not use. */
    static final class UnsafeDataDirException extends Exception {
        private static final long serialVersionUID = 1L;

        UnsafeDataDirException(String message) {
            super(message);
        }
    }
}
