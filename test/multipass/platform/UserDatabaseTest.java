// SPDX-License-Identifier: Apache-2.0
package multipass.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link UserDatabase} over fake {@code passwd}/{@code group} files: lookups by name and uid,
 * membership by primary group or member list, and tolerance of comments, blank, malformed and
 * missing files.
 */
class UserDatabaseTest {
    @TempDir
    Path etc;

    private UserDatabase database(String passwd, String group) throws IOException {
        Files.writeString(etc.resolve("passwd"), passwd);
        Files.writeString(etc.resolve("group"), group);
        return new UserDatabase(etc.resolve("passwd"), etc.resolve("group"));
    }

    @Test
    void looksUpUsersByNameAndUid() throws IOException {
        UserDatabase db = database("root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1001:Alice,,,:/home/alice:/bin/zsh\n", "");
        UserDatabase.User alice = db.user("alice").orElseThrow();
        assertEquals(new UserDatabase.User("alice", 1000, 1001, Path.of("/home/alice")), alice);
        assertEquals(alice, db.user(1000).orElseThrow());
        assertEquals("root", db.user(0).orElseThrow().name());
        assertTrue(db.user("bob").isEmpty());
        assertTrue(db.user(1234).isEmpty());
    }

    @Test
    void looksUpGroupsWithTheirMembers() throws IOException {
        UserDatabase db = database("", "sudo:x:27:alice,bob\nwheel:x:10:\n");
        assertEquals(new UserDatabase.Group("sudo", 27, List.of("alice", "bob")), db.group("sudo").orElseThrow());
        assertEquals(List.of(), db.group("wheel").orElseThrow().members());
        assertTrue(db.group("admin").isEmpty());
    }

    @Test
    void membershipByPrimaryGroupOrMemberList() {
        UserDatabase db = new UserDatabase(etc.resolve("none"), etc.resolve("none"));
        UserDatabase.Group sudo = new UserDatabase.Group("sudo", 27, List.of("alice"));
        assertTrue(db.isMember(new UserDatabase.User("alice", 1000, 1000, Path.of("/")), sudo));
        assertTrue(db.isMember(new UserDatabase.User("carol", 1002, 27, Path.of("/")), sudo));
        assertFalse(db.isMember(new UserDatabase.User("bob", 1001, 1001, Path.of("/")), sudo));
        assertFalse(db.isMember(new UserDatabase.User("alicia", 1003, 1003, Path.of("/")), sudo), "no prefix match");
    }

    @Test
    void skipsCommentsBlankAndMalformedLines() throws IOException {
        UserDatabase db = database(String.join("\n",
                "# a comment",
                "",
                "   ",
                "short:x:1",
                "nonnumeric:x:abc:100::/home/n:/bin/sh",
                "negative:x:-1:100::/home/n:/bin/sh",
                "huge:x:99999999999999999999:100::/home/h:/bin/sh",
                "+nis",
                "ok:x:1000:100::/home/ok:/bin/sh"), "# groups\nbad:x:zz:\nstaff:x:50:ok\n");
        assertTrue(db.user("short").isEmpty());
        assertTrue(db.user("nonnumeric").isEmpty());
        assertTrue(db.user("negative").isEmpty());
        assertTrue(db.user("huge").isEmpty());
        assertEquals(1000, db.user("ok").orElseThrow().uid());
        assertTrue(db.group("bad").isEmpty());
        assertEquals(50, db.group("staff").orElseThrow().gid());
    }

    @Test
    void anEmptyHomeIsTheRootDirectory() throws IOException {
        UserDatabase db = database("nohome:x:1000:1000:::/bin/sh\n", "");
        assertEquals(Path.of("/"), db.user("nohome").orElseThrow().home());
    }

    @Test
    void missingFilesMeanNoUsersOrGroups() throws IOException {
        UserDatabase db = new UserDatabase(etc.resolve("no-passwd"), etc.resolve("no-group"));
        assertTrue(db.user("root").isEmpty());
        assertTrue(db.user(0).isEmpty());
        assertTrue(db.group("sudo").isEmpty());
    }

    @Test
    void theSystemDatabaseKnowsRoot() throws IOException {
        assertEquals(0, UserDatabase.system().user("root").orElseThrow().uid());
    }
}
