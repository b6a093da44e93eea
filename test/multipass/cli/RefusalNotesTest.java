// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.api.Reply;
import multipass.api.Status;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The exact paragraphs {@link RefusalNotes} adds below a refusal: who the daemon refused
 * (user, uid, the first 16 hex digits of the certificate), the sudo case, a peer the daemon
 * cannot name, no certificate, no record at all; and which group a refused socket admits.
 */
class RefusalNotesTest {
    private static final String FINGERPRINT = "5c33651f87bd36b05415aa227a24ab7cf19ffb0a29caf1468b9f437324ace5d1";

    private static Reply refused(String user, String uid, String fingerprint) {
        return new Reply(Status.UNAUTHENTICATED, "not authenticated", List.of(Map.of("user", user, "uid", uid, "fingerprint", fingerprint)));
    }

    @Test
    void namesTheUserUidAndCertificateTheDaemonRefused() {
        assertEquals("Refused: user alice (uid 1001), client certificate 5c33651f87bd36b0.\n"
                        + "See 'multipass trust status' for more.\n",
                new RefusalNotes(false, null).notAuthenticated(refused("alice", "1001", FINGERPRINT)));
    }

    @Test
    void underSudoSaysThatRootIsNotTheInvokingUser() {
        assertEquals("Refused: user root (uid 0), client certificate 5c33651f87bd36b0.\n"
                        + "This ran under sudo, and root's identity is not alice's: run the command\n"
                        + "without sudo, or authenticate root if that is what you want.\n"
                        + "See 'multipass trust status' for more.\n",
                new RefusalNotes(true, "alice").notAuthenticated(refused("root", "0", FINGERPRINT)));
    }

    @Test
    void sudoUserAloneIsNotTheSudoCase() {
        String plain = new RefusalNotes(false, null).notAuthenticated(refused("root", "0", FINGERPRINT));
        assertEquals(plain, new RefusalNotes(false, "alice").notAuthenticated(refused("root", "0", FINGERPRINT)), "not root: SUDO_USER is stale");
        assertEquals(plain, new RefusalNotes(true, "root").notAuthenticated(refused("root", "0", FINGERPRINT)), "sudo from root to root");
        assertEquals(plain, new RefusalNotes(true, "").notAuthenticated(refused("root", "0", FINGERPRINT)));
    }

    @Test
    void aPeerTheDaemonCannotNameAndAMissingCertificate() {
        assertEquals("Refused: client certificate 5c33651f87bd36b0 (the daemon cannot tell which local user this is).\n"
                        + "See 'multipass trust status' for more.\n",
                new RefusalNotes(false, null).notAuthenticated(refused("unknown", "unknown", FINGERPRINT)));
        assertEquals("Refused: user bob (uid 1002), no client certificate.\nSee 'multipass trust status' for more.\n",
                new RefusalNotes(false, null).notAuthenticated(refused("bob", "1002", "none")));
    }

    @Test
    void aReplyWithoutTheCallersRecordAddsNothing() {
        assertNull(new RefusalNotes(true, "alice").notAuthenticated(Reply.error(Status.UNAUTHENTICATED, "not authenticated")));
    }

    @Test
    void aRefusedSocketNamesTheGroupItAdmits() {
        assertEquals("The socket /run/multipass_socket admits only root and the group sudo, and alice is not in that group.\n"
                        + "The daemon opens the socket to every user once an administrator has used it for the first time.\n",
                RefusalNotes.accessDenied("/run/multipass_socket", "root", "sudo", "alice", false));
        assertEquals("The socket /run/multipass_socket admits only root and the group sudo, and alice joined that group after this"
                        + " login session began: log in again.\n"
                        + "The daemon opens the socket to every user once an administrator has used it for the first time.\n",
                RefusalNotes.accessDenied("/run/multipass_socket", "root", "sudo", "alice", true));
        assertEquals("The socket /tmp/s admits only carol.\n"
                        + "The daemon opens the socket to every user once an administrator has used it for the first time.\n",
                RefusalNotes.accessDenied("/tmp/s", "carol", null, "alice", false));
    }
}
