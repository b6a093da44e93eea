// SPDX-License-Identifier: Apache-2.0
package multipass.platform;

import com.sun.security.auth.module.UnixSystem;

/**
 * The identity of this process on a Unix-like OS (uid, gid, name), read once from the JDK's
 * {@code UnixSystem}. Immutable.
 */
public record CurrentUser(long uid, long gid, String name) {
    private static final CurrentUser INSTANCE = load();

    /** This process's user; uid -1 where the OS has no uids (Windows). */
    public static CurrentUser get() {
        return INSTANCE;
    }

    /** True for uid 0. */
    public boolean isRoot() {
        return uid == 0;
    }

    private static CurrentUser load() {
        if (System.getProperty("os.name").startsWith("Windows")) {
            return new CurrentUser(-1, -1, System.getProperty("user.name"));
        }
        UnixSystem system = new UnixSystem();
        return new CurrentUser(system.getUid(), system.getGid(), system.getUsername());
    }
}
