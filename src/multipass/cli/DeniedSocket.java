// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.platform.CurrentUser;
import multipass.platform.UserDatabase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;

/**
 * Explains a Unix socket the kernel would not let this user connect to: which owner and group
 * it admits (from its mode), and whether this user is in that group according to
 * {@code /etc/group} (listed but refused means the login session predates the membership).
 * Stateless.
 */
final class DeniedSocket {
    private DeniedSocket() {
    }

    /** The paragraph for {@code socket}, or null when its attributes cannot be read (then there is nothing sure to say). */
    static String note(Path socket, UserDatabase users) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return null; // the failure line already says access was denied; no guess about why
        }
        boolean groupAdmitted = attributes.permissions().contains(PosixFilePermission.GROUP_READ)
                && attributes.permissions().contains(PosixFilePermission.GROUP_WRITE);
        String group = groupAdmitted ? attributes.group().getName() : null;
        String me = CurrentUser.get().name();
        return RefusalNotes.accessDenied(socket.toString(), attributes.owner().getName(), group, me, group != null && listed(users, me, group));
    }

    /** True when {@code /etc/group} (or {@code /etc/passwd}'s primary group) puts {@code user} in {@code group}. */
    private static boolean listed(UserDatabase users, String user, String group) {
        try {
            Optional<UserDatabase.User> entry = users.user(user);
            Optional<UserDatabase.Group> groupEntry = users.group(group);
            return entry.isPresent() && groupEntry.isPresent() && users.isMember(entry.get(), groupEntry.get());
        } catch (IOException e) {
            return false; // unreadable user database: say "not in that group", which the refusal itself shows
        }
    }
}
