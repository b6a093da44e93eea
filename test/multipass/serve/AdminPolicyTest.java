// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.platform.UserDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AdminPolicy} over fake {@code passwd}/{@code group} files: root, the daemon's own
 * user, and members of the admin group (listed or by primary group) are admins; nobody is
 * without {@code SO_PEERCRED} credentials (TCP, even a loopback peer whose uid is known); unknown users and groups are not admins.
 */
class AdminPolicyTest {
    private static final long DAEMON_UID = 4242;

    @TempDir
    Path etc;
    private UserDatabase users;

    @BeforeEach
    void fakeDatabase() throws IOException {
        Files.writeString(etc.resolve("passwd"), String.join("\n",
                "root:x:0:0:root:/root:/bin/bash",
                "alice:x:1000:1000:Alice:/home/alice:/bin/bash",
                "bob:x:1001:1001:Bob:/home/bob:/bin/bash",
                "carol:x:1002:27:Carol (primary group sudo):/home/carol:/bin/bash",
                "multipassd:x:4242:4242::/var/lib/multipassd:/usr/sbin/nologin",
                ""));
        Files.writeString(etc.resolve("group"), String.join("\n",
                "root:x:0:",
                "sudo:x:27:alice,dave",
                "wheel:x:10:",
                "alice:x:1000:",
                "bob:x:1001:",
                ""));
        users = new UserDatabase(etc.resolve("passwd"), etc.resolve("group"));
    }

    private static Peer.Credentials peer(String name, long uid) {
        return new Peer.Credentials(name, uid, Peer.Source.UNIX_SOCKET);
    }

    @Test
    void rootIsAlwaysAnAdmin() throws IOException {
        assertTrue(new AdminPolicy(users, "sudo", DAEMON_UID).isAdmin(peer("root", 0)));
        assertTrue(new AdminPolicy(users, null, DAEMON_UID).isAdmin(peer("root", 0)));
    }

    @Test
    void theDaemonsOwnUserIsAnAdmin() throws IOException {
        assertTrue(new AdminPolicy(users, null, DAEMON_UID).isAdmin(peer("multipassd", DAEMON_UID)));
    }

    @Test
    void aListedMemberOfTheAdminGroupIsAnAdmin() throws IOException {
        assertTrue(new AdminPolicy(users, "sudo", DAEMON_UID).isAdmin(peer("alice", 1000)));
    }

    @Test
    void aUserWhosePrimaryGroupIsTheAdminGroupIsAnAdmin() throws IOException {
        assertTrue(new AdminPolicy(users, "sudo", DAEMON_UID).isAdmin(peer("carol", 1002)));
    }

    @Test
    void aNonMemberIsNotAnAdmin() throws IOException {
        assertFalse(new AdminPolicy(users, "sudo", DAEMON_UID).isAdmin(peer("bob", 1001)));
        assertFalse(new AdminPolicy(users, "wheel", DAEMON_UID).isAdmin(peer("alice", 1000)));
    }

    @Test
    void membershipIsDecidedByUidNotByTheNameTheCredentialsCarry() throws IOException {
        // The kernel reports the uid; a name that claims membership must not matter.
        assertFalse(new AdminPolicy(users, "sudo", DAEMON_UID).isAdmin(peer("alice", 1001)));
    }

    @Test
    void aUserUnknownToPasswdIsNotAnAdminEvenIfTheGroupListsTheirName() throws IOException {
        assertFalse(new AdminPolicy(users, "sudo", DAEMON_UID).isAdmin(peer("dave", 1003)));
    }

    @Test
    void withoutAnAdminGroupOnlyRootAndTheDaemonUser() throws IOException {
        AdminPolicy policy = new AdminPolicy(users, null, DAEMON_UID);
        assertFalse(policy.isAdmin(peer("alice", 1000)));
        assertNull(policy.adminGroup());
    }

    @Test
    void anAdminGroupMissingFromTheGroupFileAdmitsNobodyElse() throws IOException {
        AdminPolicy policy = new AdminPolicy(users, "admin", DAEMON_UID);
        assertFalse(policy.isAdmin(peer("alice", 1000)));
        assertEquals("admin", policy.adminGroup());
    }

    @Test
    void noCredentialsIsNeverAnAdmin() throws IOException {
        assertFalse(new AdminPolicy(users, "sudo", DAEMON_UID).isAdmin(null));
        assertFalse(new AdminPolicy(users, "sudo", 0).isAdmin(null));
    }

    @Test
    void aLoopbackTcpPeerIsNeverAnAdminNotEvenRoot() throws IOException {
        AdminPolicy policy = new AdminPolicy(users, "sudo", DAEMON_UID);
        for (Peer.Credentials tcp : new Peer.Credentials[] {new Peer.Credentials("root", 0, Peer.Source.LOOPBACK_TCP),
                new Peer.Credentials("alice", 1000, Peer.Source.LOOPBACK_TCP), new Peer.Credentials("multipassd", DAEMON_UID, Peer.Source.LOOPBACK_TCP)}) {
            assertFalse(policy.isAdmin(tcp), tcp.toString());
            assertNull(new Peer(new byte[1], tcp).authority(), "a TCP uid grants nothing");
        }
        assertEquals(0, new Peer(new byte[1], new Peer.Credentials("root", 0, Peer.Source.LOOPBACK_TCP)).uid(), "but it names the user");
    }

    @Test
    void groupChangesAreSeenWithoutARestart() throws IOException {
        AdminPolicy policy = new AdminPolicy(users, "sudo", DAEMON_UID);
        assertFalse(policy.isAdmin(peer("bob", 1001)));
        Files.writeString(etc.resolve("group"), "sudo:x:27:alice,bob\n");
        assertTrue(policy.isAdmin(peer("bob", 1001)));
    }
}
