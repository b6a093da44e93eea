// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.platform.UserDatabase;

import java.io.IOException;
import java.util.Optional;

/**
 * Decides whether kernel-reported peer credentials belong to an administrator: root, a member
 * of the admin group, or (for a daemon not running as root) the daemon's own user, who owns
 * the socket anyway. Used for first-client acceptance and to let an admin set the passphrase
 * before being trusted. Thread-safe.
 */
public final class AdminPolicy {
    private final UserDatabase users;
    private final String adminGroup;
    private final long daemonUid;

    /**
     * @param adminGroup the admin group's name, or null when none exists (then only root, and
     *                   the daemon's own user, are admins)
     */
    public AdminPolicy(UserDatabase users, String adminGroup, long daemonUid) {
        this.users = users;
        this.adminGroup = adminGroup;
        this.daemonUid = daemonUid;
    }

    /** The admin group's name, or null. */
    public String adminGroup() {
        return adminGroup;
    }

    /**
     * True when {@code credentials} show an administrator. Only {@code SO_PEERCRED} credentials
     * can: null (no credentials) and a loopback TCP peer's are never an administrator.
     */
    public boolean isAdmin(Peer.Credentials credentials) throws IOException {
        if (credentials == null || credentials.source() != Peer.Source.UNIX_SOCKET) {
            return false;
        }
        if (credentials.uid() == 0 || credentials.uid() == daemonUid) {
            return true;
        }
        if (adminGroup == null) {
            return false;
        }
        Optional<UserDatabase.User> user = users.user(credentials.uid());
        Optional<UserDatabase.Group> group = users.group(adminGroup);
        return user.isPresent() && group.isPresent() && users.isMember(user.get(), group.get());
    }
}
