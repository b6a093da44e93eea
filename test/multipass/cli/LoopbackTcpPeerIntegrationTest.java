// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.auth.PassphraseHash;
import multipass.platform.Address;
import multipass.platform.CurrentUser;
import multipass.testing.DaemonConfig;
import multipass.testing.Json;
import multipass.testing.TestDaemon;
import multipass.trust.TrustEntry;
import multipass.trust.TrustStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A daemon on loopback TCP knows the local user behind each connection (Linux,
 * {@code /proc/net/tcp6}): a passphrase admission records this process's user and uid, the
 * guessing limits follow the user rather than the certificate, and the uid grants nothing
 * (no ownership of the same uid's other entries; root over TCP is still no administrator).
 */
@Timeout(90)
class LoopbackTcpPeerIntegrationTest {
    private static final String PASSPHRASE = "tcp-secret";
    private static final CurrentUser ME = CurrentUser.get();

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A TCP daemon on 127.0.0.1 whose passphrase is set and whose [Limits] are {@code limits}. */
    private TestDaemon daemon(String... limits) throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "skipped: no kernel socket tables (not Linux)");
        DaemonConfig.write(dir.resolve("data"), "[General]\nlocal.passphrase=" + PassphraseHash.hash(PASSPHRASE.toCharArray()) + "\n"
                + "[Limits]\n" + String.join("\n", limits) + "\n");
        return TestDaemon.start(dir, Address.parse("127.0.0.1:" + freePort()));
    }

    private CliRunner user(TestDaemon daemon, String name) {
        return new CliRunner(daemon.address(), dir.resolve("home-" + name), List.of(daemon.rendezvousDir()));
    }

    @Test
    void aPassphraseAdmissionRecordsTheRealUserAndUid() throws Exception {
        try (TestDaemon daemon = daemon()) {
            CliRunner alice = user(daemon, "alice");
            assertEquals(0, alice.run("authenticate", PASSPHRASE).exit());
            CliRunner.Result list = alice.run("trust", "list", "--format", "json");
            assertEquals(0, list.exit(), list.err());
            List<Map<String, String>> rows = Json.records(list.out(), "trusted");
            assertEquals(1, rows.size(), list.out());
            assertEquals(ME.name(), rows.get(0).get("user"), list.out());
            assertEquals(Long.toString(ME.uid()), rows.get(0).get("uid"), list.out());
            TrustEntry stored = TrustStore.open(daemon.dataDir()).entries().get(0);
            assertEquals(List.of(ME.name(), ME.uid()), List.of(stored.user(), stored.uid()), "the store's metadata line");
            assertTrue(TestDaemon.log().contains("of user " + ME.name() + " (uid " + ME.uid() + "), method passphrase"), "the audit line");
        }
    }

    @Test
    void aLockOutFollowsTheUserToAFreshCertificate() throws Exception {
        try (TestDaemon daemon = daemon("auth_max_failures=2", "auth_initial_delay_seconds=0", "auth_lockout_seconds=600")) {
            CliRunner first = user(daemon, "first");
            assertEquals(2, first.run("authenticate", "wrong").exit());
            assertEquals(2, first.run("authenticate", "wrong").exit());
            CliRunner.Result fresh = user(daemon, "fresh").run("authenticate", PASSPHRASE);
            assertEquals(2, fresh.exit(), "a new certificate of the same user is still locked out");
            assertTrue(fresh.err().startsWith("authenticate failed: Too many failed authentication attempts. Try again in 10 minutes."),
                    fresh.err());
            assertTrue(TrustStore.open(daemon.dataDir()).isEmpty());
        }
    }

    @Test
    void theUidGrantsNothingOverTcp() throws Exception {
        try (TestDaemon daemon = daemon()) {
            CliRunner one = user(daemon, "one");
            CliRunner two = user(daemon, "two");
            assertEquals(2, one.run("set", "local.passphrase=mine").exit(), "even root is no administrator over TCP");
            assertEquals(0, one.run("authenticate", PASSPHRASE).exit());
            assertEquals(0, two.run("authenticate", PASSPHRASE).exit());
            assertEquals(2, TrustStore.open(daemon.dataDir()).entries().size());
            for (CliRunner runner : List.of(one, two)) {
                List<Map<String, String>> rows = Json.records(runner.run("trust", "list", "--format", "json").out(), "trusted");
                assertEquals(1, rows.size(), "each certificate sees only itself, though both have the same uid: " + rows);
            }
        }
    }
}
