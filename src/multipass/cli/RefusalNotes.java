// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.api.Reply;

import java.util.Map;

/**
 * The paragraph the CLI prints after a refusal, below Multipass's unchanged message: who was
 * refused and what to do. For {@code UNAUTHENTICATED} it names the user, uid and certificate
 * the daemon says it saw (the reply's record), and under sudo says that root's identity is
 * not the invoking user's; for a socket the kernel refused, which group it admits. Only text:
 * no I/O, no hashing (the warm client's relay path loads no TLS code). Immutable.
 */
final class RefusalNotes {
    static final String MORE = "See 'multipass trust status' for more.";

    private final boolean root;
    private final String sudoUser;

    /**
     * @param root     true when this CLI runs as root
     * @param sudoUser {@code $SUDO_USER}, or null
     */
    RefusalNotes(boolean root, String sudoUser) {
        this.root = root;
        this.sudoUser = sudoUser == null || sudoUser.isEmpty() || sudoUser.equals("root") ? null : sudoUser;
    }

    /** The paragraph for an {@code UNAUTHENTICATED} reply, or null when the daemon said nothing about the caller. */
    String notAuthenticated(Reply reply) {
        if (reply.records().size() != 1) {
            return null;
        }
        Map<String, String> caller = reply.records().get(0);
        String fingerprint = caller.getOrDefault("fingerprint", "none");
        String certificate = fingerprint.equals("none") ? "no client certificate"
                : "client certificate " + TrustCommand.shortFingerprint(fingerprint);
        String uid = caller.getOrDefault("uid", "unknown");
        StringBuilder text = new StringBuilder(uid.equals("unknown")
                ? "Refused: " + certificate + " (the daemon cannot tell which local user this is).\n"
                : "Refused: user " + caller.getOrDefault("user", "unknown") + " (uid " + uid + "), " + certificate + ".\n");
        if (root && sudoUser != null) {
            text.append("This ran under sudo, and root's identity is not ").append(sudoUser).append("'s: run the command\n")
                    .append("without sudo, or authenticate root if that is what you want.\n");
        }
        return text.append(MORE).append('\n').toString();
    }

    /**
     * The paragraph for a Unix socket that refused the connection: it admits {@code owner} and
     * the group {@code group} (null when its mode admits no group); {@code user} is not in that
     * group, or is listed in it but its login session began before ({@code listedInGroup}).
     */
    static String accessDenied(String socket, String owner, String group, String user, boolean listedInGroup) {
        String admits;
        if (group == null) {
            admits = "The socket " + socket + " admits only " + owner + ".\n";
        } else {
            admits = "The socket " + socket + " admits only " + owner + " and the group " + group + ", and "
                    + (listedInGroup ? user + " joined that group after this login session began: log in again.\n"
                    : user + " is not in that group.\n");
        }
        return admits + "The daemon opens the socket to every user once an administrator has used it for the first time.\n";
    }
}
