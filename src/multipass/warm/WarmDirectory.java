// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The private directory that holds a user's warm-client sockets and lock files:
 * {@code $XDG_RUNTIME_DIR/multipass}, else {@code /tmp/multipass-warm-<uid>} (as tmux and
 * ssh-agent do). It is used only if it is a real directory (not a symlink) owned by this user
 * with no access for anyone else; then nothing in it can be another user's. Stateless.
 */
public final class WarmDirectory {
    private WarmDirectory() {
    }

    /** Where this user's warm clients live, given {@code $XDG_RUNTIME_DIR} (null or empty when unset). */
    public static Path of(String xdgRuntimeDir) {
        if (xdgRuntimeDir != null && !xdgRuntimeDir.isEmpty() && Path.of(xdgRuntimeDir).isAbsolute()) {
            return Path.of(xdgRuntimeDir, "multipass");
        }
        return Path.of("/tmp", "multipass-warm-" + myUid());
    }

    /** True when {@code dir} is a directory of this user's, not a symlink, with mode 0700 or tighter. */
    static boolean isPrivate(Path dir) {
        try {
            Map<String, Object> attributes = Files.readAttributes(dir, "unix:uid,mode,isDirectory", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) attributes.get("mode");
            return Boolean.TRUE.equals(attributes.get("isDirectory")) && ((Integer) attributes.get("uid")) == myUid() && (mode & 0077) == 0;
        } catch (IOException e) {
            return false; // missing or unreadable: not a place to trust
        }
    }

    /** Creates {@code dir} (mode 0700) if it does not exist; fails if it exists and is not private. */
    static void prepare(Path dir) throws IOException {
        // Made if missing; if it exists (made before, or planted by someone else), the check below decides.
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (!isPrivate(dir)) {
            throw new IOException(dir + " is not a private directory of this user's (a directory, mode 0700, owned by uid " + myUid()
                    + "); remove it or set XDG_RUNTIME_DIR");
        }
    }

    /** This process's uid, from the owner of {@code /proc/self} (no JAAS, no name lookup). */
    static int myUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read this process's uid from /proc/self: " + e.getMessage(), e);
        }
    }
}
