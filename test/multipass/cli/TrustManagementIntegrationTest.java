// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.testing.TestDaemon;
import multipass.trust.TrustStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code trust list}, {@code trust remove} and the lock-out, against a live daemon. Every
 * client here is this JVM's user (an administrator), so the per-user restrictions are covered
 * by the root system test instead.
 */
@Timeout(60)
class TrustManagementIntegrationTest {
    @TempDir
    Path dir;
    private TestDaemon daemon;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.setPosixFilePermissions(dir.resolve("data"), PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("data/multipassd.conf"), "[Limits]\nauth_initial_delay_seconds=0\nauth_max_failures=3\n",
                StandardCharsets.UTF_8);
        daemon = TestDaemon.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }

    private CliRunner user(String name) {
        return new CliRunner(daemon.address(), dir.resolve("home-" + name)).withQuickIdentity();
    }

    private String fingerprintOf(int index) throws Exception {
        return TrustStore.open(daemon.dataDir()).entries().get(index).fingerprint();
    }

    @Test
    void listShowsEveryEntryWithItsMetadata() throws Exception {
        assertEquals(0, user("admin").run("list").exit());
        assertEquals(0, user("admin").run("set", "local.passphrase=pw").exit());
        assertEquals(0, user("bob").run("auth", "pw").exit());
        CliRunner.Result table = user("admin").run("trust", "list");
        assertEquals(0, table.exit(), table.err());
        String[] lines = table.out().split("\n");
        assertEquals(3, lines.length, table.out());
        assertTrue(lines[0].matches("Fingerprint +User +UID +Method +Admitted"), lines[0]);
        assertTrue(lines[1].startsWith(fingerprintOf(0).substring(0, 16) + "  "), lines[1]);
        assertTrue(lines[1].contains(" first-client "), lines[1]);
        assertTrue(lines[2].contains(" passphrase "), lines[2]);

        String json = user("admin").run("trust", "list", "--format", "json").out();
        assertTrue(json.contains("\"fingerprint\": \"" + fingerprintOf(1) + "\""), json);
        assertTrue(json.contains("\"method\": \"passphrase\""), json);
        String csv = user("admin").run("trust", "list", "--format", "csv").out();
        assertTrue(csv.startsWith("Fingerprint,User,UID,Method,Admitted\n" + fingerprintOf(0) + ","), csv);
    }

    @Test
    void removalTakesEffectAtOnceAndAnEmptyStoreRestrictsTheSocket() throws Exception {
        assertEquals(0, user("admin").run("list").exit());
        assertEquals(0, user("admin").run("set", "local.passphrase=pw").exit());
        assertEquals(0, user("bob").run("auth", "pw").exit());
        String bob = fingerprintOf(1);
        CliRunner.Result removed = user("admin").run("trust", "remove", bob.substring(0, 10));
        assertEquals(0, removed.exit(), removed.err());
        assertEquals("Removed " + bob + " (root)\n", removed.out());
        assertEquals(2, user("bob").run("list").exit(), "refused on the very next request");

        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket())));
        assertEquals(0, user("admin").run("trust", "remove", fingerprintOf(0)).exit());
        assertTrue(TrustStore.open(daemon.dataDir()).isEmpty());
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket())), "restricted again");
    }

    @Test
    void badPrefixesAreClearErrorsAndRemoveNothing() throws Exception {
        assertEquals(0, user("admin").run("list").exit());
        CliRunner.Result unknown = user("admin").run("trust", "remove", fingerprintOf(0), "ffffffffffffffffffff");
        if (!fingerprintOf(0).startsWith("ffffffffffffffffffff")) {
            assertEquals(2, unknown.exit());
            assertEquals("trust failed: no trusted certificate has a fingerprint starting with 'ffffffffffffffffffff'\n", unknown.err());
        }
        assertEquals(1, TrustStore.open(daemon.dataDir()).entries().size(), "all or nothing");
        assertEquals("trust failed: 'xyz' is not a fingerprint: use the hexadecimal digits 'trust list' shows\n",
                user("admin").run("trust", "remove", "xyz").err());
        assertEquals(1, user("admin").run("trust", "remove").exit());
        assertEquals(1, user("admin").run("trust", "frob").exit());
    }

    @Test
    void anAmbiguousPrefixListsTheCandidates() throws Exception {
        assertEquals(0, user("admin").run("list").exit());
        assertEquals(0, user("admin").run("set", "local.passphrase=pw").exit());
        for (int i = 0; i < 20; i++) {
            assertEquals(0, user("u" + i).run("auth", "pw").exit());
        }
        // 21 fingerprints over 16 hex digits: some first digit is shared.
        TrustStore store = TrustStore.open(daemon.dataDir());
        String shared = null;
        for (int i = 0; i < store.entries().size() && shared == null; i++) {
            String first = store.entries().get(i).fingerprint().substring(0, 1);
            if (store.entries().stream().filter(e -> e.fingerprint().startsWith(first)).count() > 1) {
                shared = first;
            }
        }
        CliRunner.Result result = user("admin").run("trust", "remove", shared);
        assertEquals(2, result.exit());
        assertTrue(result.err().startsWith("trust failed: '" + shared + "' is ambiguous; it matches:\n  " + shared), result.err());
        assertEquals(21, TrustStore.open(daemon.dataDir()).entries().size());
    }

    @Test
    void repeatedWrongPassphrasesLockOutWithAClearMessage() {
        assertEquals(0, user("admin").run("list").exit());
        assertEquals(0, user("admin").run("set", "local.passphrase=right").exit());
        for (int i = 0; i < 3; i++) {
            assertEquals("authenticate failed: Passphrase is not correct. Please try again.\n", user("mallory").run("auth", "wrong" + i).err());
        }
        CliRunner.Result locked = user("mallory").run("auth", "right");
        assertEquals(2, locked.exit());
        assertEquals("authenticate failed: Too many failed authentication attempts. Try again in 10 minutes.\n", locked.err());
        assertEquals(0, user("admin").run("list").exit(), "trusted users are unaffected");
        assertTrue(TestDaemon.log().matches("(?s).*\\[info\\] \\[Authentication\\] locked out root \\(uid 0, certificate [0-9a-f]{64}\\) for 600 s.*"),
                "the lock-out is audited with the certificate");
    }
}
