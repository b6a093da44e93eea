// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.platform.CurrentUser;
import multipass.testing.Json;
import multipass.testing.TestDaemon;
import multipass.trust.TrustEntry;
import multipass.trust.TrustStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code multipass trust status} against a real daemon on a Unix socket: untrusted (exit 2,
 * and no first-client admission as a side effect), trusted (exit 0, method and time), the
 * JSON form, and nothing about any other entry.
 */
@Timeout(60)
class TrustStatusIntegrationTest {
    private static final CurrentUser ME = CurrentUser.get();

    @TempDir
    Path dir;
    private TestDaemon daemon;

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = TestDaemon.start(dir);
    }

    @AfterEach
    void stopDaemon() throws Exception {
        daemon.close();
    }

    private CliRunner user(String name) {
        return new CliRunner(daemon.address(), dir.resolve("home-" + name));
    }

    private String expected(String name, String trusted) {
        CliRunner runner = user(name);
        return "User:        " + ME.name() + " (uid " + ME.uid() + ")\n"
                + "Identity:    " + runner.certificate() + "\n"
                + "Fingerprint: " + runner.fingerprint() + "\n"
                + "Daemon:      unix:" + daemon.socket() + "\n"
                + "Trusted:     " + trusted + "\n";
    }

    @Test
    void untrustedThenTrusted() throws Exception {
        CliRunner.Result before = user("admin").run("trust", "status");
        assertEquals(2, before.exit(), before.err());
        assertEquals(expected("admin", "no"), before.out());
        assertEquals("", before.err());
        assertTrue(TrustStore.open(daemon.dataDir()).isEmpty(), "asking is not being admitted as the first client");

        assertEquals(0, user("admin").run("list").exit());
        TrustEntry entry = TrustStore.open(daemon.dataDir()).entries().get(0);
        CliRunner.Result after = user("admin").run("trust", "status");
        assertEquals(0, after.exit(), after.err());
        assertEquals(expected("admin", "yes (first-client, " + entry.admitted() + ")"), after.out());
    }

    @Test
    void anUntrustedCallerLearnsNothingAboutOthers() throws Exception {
        assertEquals(0, user("admin").run("list").exit());
        assertEquals(0, user("admin").run("set", "local.passphrase=secret").exit());
        assertEquals(0, user("alice").run("authenticate", "secret").exit());
        String others = TrustStore.open(daemon.dataDir()).entries().stream().map(TrustEntry::fingerprint).toList().toString();

        CliRunner.Result json = user("mallory").run("trust", "status", "--format", "json");
        assertEquals(2, json.exit(), json.err());
        List<Map<String, String>> records = Json.records(json.out(), "status");
        assertEquals(1, records.size(), json.out());
        assertEquals("no", records.get(0).get("trusted"));
        for (String fingerprint : TrustStore.open(daemon.dataDir()).entries().stream().map(TrustEntry::fingerprint).toList()) {
            assertFalse(json.out().contains(fingerprint.substring(0, 16)), "mallory's status names no trusted certificate " + others);
        }
        CliRunner.Result table = user("mallory").run("trust", "status");
        assertEquals(expected("mallory", "no"), table.out());
    }

    @Test
    void usageErrors() {
        CliRunner.Result extra = user("admin").run("trust", "status", "extra");
        assertEquals(1, extra.exit());
        assertEquals("Too many arguments given\n", extra.err());
        CliRunner.Result format = user("admin").run("trust", "status", "--format", "xml");
        assertEquals(1, format.exit());
        assertEquals("Invalid format type given.\n", format.err());
    }
}
