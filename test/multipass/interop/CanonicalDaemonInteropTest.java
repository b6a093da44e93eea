// SPDX-License-Identifier: Apache-2.0
package multipass.interop;

import multipass.api.BuildInfo;
import multipass.testing.QuickIdentities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static multipass.interop.Interop.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OUR CLI, the real jar as a process, against Canonical's daemon (its grpcio stand-in,
 * {@code test/interop/fake_multipassd.py}), found through {@code MULTIPASS_SERVER_ADDRESS} and
 * verified against the root certificate beside the socket ({@code <socket>.ca.pem}), with no
 * other configuration (SPEC sections 1 and 14). The CLI's identity is seeded (no keytool) so
 * that the fake daemon can be told about it; it is not trusted until it authenticates. The
 * other place the CLI looks for the root certificate, Multipass's
 * {@code /usr/local/etc/multipassd/multipass_root_cert.pem}, is not tested: it would mean
 * writing outside the test's directory as root.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CanonicalDaemonInteropTest {
    private static final String PASSPHRASE = "s3cret";

    @TempDir
    Path dir;
    private Interop.Background daemon;
    private Map<String, String> environment;

    @BeforeEach
    void startTheFakeDaemon() throws Exception {
        Path python = Interop.python();
        Path fake = dir.resolve("fake");
        QuickIdentities.seedDaemon(fake);
        Path certificates = fake.resolve("certificates");
        Path socket = dir.resolve("s");
        Interop.publish(certificates.resolve("multipass_root_cert.pem"), socket.resolveSibling("s.ca.pem"));

        Path home = dir.resolve("home");
        Path identity = home.resolve(".local/share/multipass-client-certificate");
        QuickIdentities.seedClient(identity, "cli");
        Path admin = dir.resolve("admin");
        QuickIdentities.seedClient(admin, "admin");
        daemon = Canonical.fakeDaemon(python, socket, certificates, List.of(identity.resolve("multipass_cert.pem")),
                List.of(admin.resolve("multipass_cert.pem")), PASSPHRASE, dir);

        environment = Interop.environment(home);
        environment.put("MULTIPASS_SERVER_ADDRESS", "unix:" + socket);
        environment.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
        environment.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        environment.put("XDG_RUNTIME_DIR", dir.resolve("run").toString());
        environment.put("MULTIPASS_PERSIST", "0"); // no warm client: one JVM per command, as a user runs it
    }

    @AfterEach
    void stopTheFakeDaemon() throws Exception {
        if (daemon != null) {
            daemon.stop();
        }
    }

    private Interop.Outcome multipass(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Interop.java(), "-jar", Interop.jar().toString()));
        command.addAll(List.of(args));
        return Interop.run(command, environment, dir);
    }

    @Test
    void authenticateThenEveryInstanceCommand() throws Exception {
        Interop.Outcome refused = multipass("list");
        assertEquals(2, refused.exit(), refused::toString);
        assertEquals("", refused.out());
        assertTrue(refused.err().startsWith("list failed: " + Interop.NOT_AUTHENTICATED + "\n"),
                "Multipass's refusal, word for word (anything our CLI adds comes after it): " + refused);

        expect(multipass("authenticate", "wrong"), 2, "", "authenticate failed: " + Interop.WRONG_PASSPHRASE + "\n");
        expect(multipass("authenticate", PASSPHRASE), 0, "", "");
        expect(multipass("version"), 0, "multipass  " + BuildInfo.VERSION + "\nmultipassd " + Interop.CANONICAL_VERSION + "\n", "");
        expect(multipass("list"), 0, "No instances found.\n", "");
        expect(multipass("launch", "--name", "web"), 0, "Launched: web\n", ""); // after a progress reply: the last reply counts
        expect(multipass("list"), 0, "Name  State    IPv4  Image\nweb   Running  --    24.04\n", "");

        Interop.Outcome info = multipass("info", "web");
        assertEquals(0, info.exit(), info::toString);
        assertTrue(info.out().startsWith("Name:           web\nState:          Running\nIPv4:           --\n"), info::toString);

        expect(multipass("stop", "web"), 0, "", "");
        expect(multipass("list", "--format", "csv"), 0, "Name,State,IPv4,Image\nweb,Stopped,--,24.04\n", "");
        expect(multipass("start", "web"), 0, "", "");
        expect(multipass("list", "--format", "csv"), 0, "Name,State,IPv4,Image\nweb,Running,--,24.04\n", "");
        expect(multipass("start", "nope"), 2, "", "start failed: instance \"nope\" does not exist\n");
        expect(multipass("delete", "web"), 0, "", "");
        expect(multipass("list", "--format", "csv"), 0, "Name,State,IPv4,Image\nweb,Deleted,--,24.04\n", "");
        expect(multipass("purge"), 0, "", "");
        expect(multipass("list"), 0, "No instances found.\n", "");
    }

    @Test
    void thePassphraseSettingShowsOnlyWhetherItIsSet() throws Exception {
        expect(multipass("authenticate", PASSPHRASE), 0, "", "");
        // Canonical's daemon answers get local.passphrase with the stored hash; the CLI shows true or false only.
        expect(multipass("get", "local.passphrase"), 0, "true\n", "");
        expect(multipass("set", "local.passphrase=changed"), 0, "", "");
        expect(multipass("get", "local.passphrase"), 0, "true\n", "");
        expect(multipass("set", "local.passphrase="), 0, "", "");
        expect(multipass("get", "local.passphrase"), 0, "false\n", "");
        expect(multipass("authenticate", PASSPHRASE), 2, "", "authenticate failed: " + Interop.NO_PASSPHRASE + "\n");
    }

    @Test
    void logLinesArePrintedRaw() throws Exception {
        expect(multipass("authenticate", PASSPHRASE), 0, "", "");
        Interop.Outcome verbose = multipass("-vv", "list");
        assertEquals(0, verbose.exit(), verbose::toString);
        assertEquals("No instances found.\n", verbose.out());
        assertTrue(verbose.err().contains(Canonical.LOG_LINE_TAIL + "list\n"), "the daemon's log line reaches stderr: " + verbose);
        assertFalse(verbose.err().contains("\n\n"), "a log_line carries its own newline; the CLI adds none: " + verbose);
    }

    @Test
    void aCommandOnlyOurDaemonOffersSaysSo() throws Exception {
        expect(multipass("authenticate", PASSPHRASE), 0, "", "");
        Interop.Outcome trust = multipass("trust", "list");
        assertEquals(2, trust.exit(), trust::toString);
        assertEquals("", trust.out());
        assertTrue(trust.err().startsWith("trust failed: ") && trust.err().contains("does not offer"),
                "a clear message that this daemon does not offer it, not gRPC's 'Method not found!': " + trust);
        assertFalse(trust.err().contains("Method not found"), trust::toString);
    }
}
