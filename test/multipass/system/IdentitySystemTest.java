// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.auth.PassphraseHash;
import multipass.trust.AdmissionMethod;
import multipass.system.ThrowAwayUsers.User;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static multipass.system.Texts.NO_INSTANCES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who is calling (issue 13), as root with throw-away users and the real jar: the group a
 * refused socket admits; {@code trust status} trusted and untrusted (and an untrusted caller
 * learns nothing about others); the paragraph naming the refused user and certificate; the
 * sudo case (root with {@code SUDO_USER} set, which is what the CLI reads: real {@code sudo}
 * need not be installed); and over loopback TCP, the real user and uid of a passphrase
 * admission, and a lock-out that a fresh certificate (another {@code XDG_DATA_HOME}) does not
 * escape. Ordered steps of one scenario; everything is removed in {@link #tearDown()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("system test as root: who is calling (trust status, refusals, sudo, loopback TCP users)")
class IdentitySystemTest {
    private static final Path RENDEZVOUS = Path.of("/run/multipassd");
    private static final String CERT = "multipass_cert.pem";

    @RegisterExtension
    final OrderedSteps steps = new OrderedSteps();

    private final String passphrase = "pp-" + ThrowAwayUsers.randomText(16);
    private RootSandbox sandbox;
    private String adminGroup;
    private User admin;
    private User alice;
    private User mallory;
    private Path socket;
    private String address;
    private String tcpAddress;
    private DaemonProcess tcpDaemon;

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void setUp() throws IOException, InterruptedException {
        sandbox = RootSandbox.open();
        if (!Files.exists(RENDEZVOUS, LinkOption.NOFOLLOW_LINKS)) {
            sandbox.removeAfterwards(RENDEZVOUS);
        }
        adminGroup = sandbox.accounts.createGroup();
        admin = sandbox.accounts.createUser("admin", adminGroup);
        alice = sandbox.accounts.createUser("alice");
        mallory = sandbox.accounts.createUser("mallory");
        socket = sandbox.shared.resolve("multipass_socket");
        address = "unix:" + socket;
        sandbox.startDaemon("--admin-group", adminGroup, "--address", address, "--data-dir", sandbox.newDataDir("data").toString());
    }

    @AfterAll
    void tearDown() throws IOException, InterruptedException {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("1. on the restricted socket, access denied names the group it admits and says alice is not in it")
    void accessDeniedNamesTheGroup() throws IOException, InterruptedException {
        sandbox.client(alice, address, "list").expect(2, "", Texts.accessDenied("list", socket, adminGroup, alice), "alice's `list`");
    }

    @Test
    @Order(2)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("2. `trust status` of the admin: no before the first command (asking admits nobody), yes (first-client, ...) after; exit 2, then 0")
    void trustStatusOfTheAdmin() throws IOException, InterruptedException {
        sandbox.client(admin, address, "trust", "status").expect(2, status(admin.name(), admin.uid(), admin.identityDir(), "no"), "",
                "the admin's `trust status` before any other command");
        sandbox.client(admin, address, "list").expect(0, NO_INSTANCES, "", "the admin's `list`: the first client");
        Outcome trusted = sandbox.client(admin, address, "trust", "status");
        assertEquals(0, trusted.exitCode(), trusted.toString());
        String expected = status(admin.name(), admin.uid(), admin.identityDir(), "yes (first-client, ");
        assertTrue(trusted.stdout().startsWith(expected) && trusted.stdout().matches("(?s).*, \\d{4}-\\d\\d-\\d\\dT[0-9:]+Z\\)\n"),
                "the admin's `trust status`, trusted:" + trusted);
        sandbox.client(admin, address, "set", "local.passphrase=" + passphrase).expect(0, "", "", "the admin sets the passphrase");
    }

    @Test
    @Order(3)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("3. alice's `trust status`: her user, uid and certificate, `Trusted: no`, exit 2, and nothing about the admin")
    void trustStatusOfAnUntrustedUser() throws IOException, InterruptedException {
        Outcome table = sandbox.client(alice, address, "trust", "status")
                .expect(2, status(alice.name(), alice.uid(), alice.identityDir(), "no"), "", "alice's `trust status`");
        Outcome json = sandbox.client(alice, address, "trust", "status", "--format", "json");
        assertEquals(2, json.exitCode(), json.toString());
        String adminFingerprint = FileFacts.fingerprint(admin.identityDir().resolve(CERT));
        for (Outcome outcome : List.of(table, json)) {
            String all = outcome.stdout() + outcome.stderr();
            assertFalse(all.contains(adminFingerprint.substring(0, 16)) || all.contains(admin.name()),
                    "an untrusted caller learns nothing about the admin's entry:" + outcome);
        }
        List<Map<String, String>> records = multipass.testing.Json.records(json.stdout(), "status");
        assertEquals(1, records.size(), "one record: alice's own" + json);
        assertEquals(List.of(alice.name(), "no"), List.of(records.get(0).get("user"), records.get(0).get("trusted")), json.toString());
    }

    @Test
    @Order(4)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("4. alice's `list` is refused with Multipass's message and a paragraph naming her user, uid and certificate")
    void theRefusalNamesTheCaller() throws IOException, InterruptedException {
        sandbox.client(alice, address, "list").expect(2, "", Texts.notAuthenticated("list", alice), "alice's `list`");
    }

    @Test
    @Order(5)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("5. as root with SUDO_USER=alice, the refusal says root's identity is not alice's; `trust status` shows root's")
    void theSudoCase() throws IOException, InterruptedException {
        Map<String, String> sudo = Map.of("SUDO_USER", alice.name(), "MULTIPASS_SERVER_ADDRESS", address);
        Outcome list = sandbox.runAsRoot(sudo, "list");
        Path rootIdentity = sandbox.rootHome.resolve(".local/share/multipass-client-certificate");
        list.expect(2, "", Texts.notAuthenticated("list", "root", 0, rootIdentity.resolve(CERT),
                "This ran under sudo, and root's identity is not " + alice.name() + "'s: run the command\n"
                        + "without sudo, or authenticate root if that is what you want.\n"), "root's `list` under sudo");
        sandbox.runAsRoot(sudo, "trust", "status").expect(2, status("root", 0, rootIdentity, "no"), "", "root's `trust status` under sudo");
        sandbox.runAsRoot(Map.of("MULTIPASS_SERVER_ADDRESS", address), "list")
                .expect(2, "", Texts.notAuthenticated("list", "root", 0, rootIdentity.resolve(CERT), ""), "root's `list` without SUDO_USER");
    }

    @Test
    @Order(6)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("6. over loopback TCP, alice's passphrase admission records her real user and uid (trust list, store)")
    void tcpAdmissionRecordsTheRealUser() throws IOException, InterruptedException {
        Path data = sandbox.newDataDir("data-tcp");
        Path conf = data.resolve("multipassd.conf");
        Files.writeString(conf, "[General]\nlocal.passphrase=" + PassphraseHash.hash(passphrase.toCharArray()) + "\n"
                + "[Limits]\nauth_max_failures=2\nauth_initial_delay_seconds=0\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
        tcpDaemon = sandbox.startDaemon("--address", "127.0.0.1:" + RootSandbox.freeLoopbackPort(), "--data-dir", data.toString());
        tcpAddress = tcpDaemon.address();
        sandbox.removeAfterwards(RENDEZVOUS.resolve("tcp-" + tcpAddress.substring(tcpAddress.lastIndexOf(':') + 1) + ".ca.pem"));

        sandbox.client(alice, tcpAddress, "authenticate", passphrase).expect(0, "", "", "alice's `authenticate` over TCP");
        List<Map<String, String>> rows = TrustRows.parseJson(sandbox.client(alice, tcpAddress, "trust", "list", "--format", "json").stdout());
        assertEquals(1, rows.size(), "alice sees her entry: " + rows);
        assertEquals(List.of(alice.name(), Long.toString(alice.uid()), "passphrase"),
                List.of(rows.get(0).get("user"), rows.get(0).get("uid"), rows.get(0).get("method")), "alice's row over TCP: " + rows);
        assertTrue(FileFacts.trustEntries(data).stream().anyMatch(entry -> entry.user().equals(alice.name())
                && entry.uid() == alice.uid() && entry.method() == AdmissionMethod.PASSPHRASE), "the store's metadata: " + FileFacts.trustEntries(data));
        Outcome status = sandbox.client(alice, tcpAddress, "trust", "status");
        assertEquals(0, status.exitCode(), status.toString());
        assertTrue(status.stdout().startsWith("User:        " + alice.name() + " (uid " + alice.uid() + ")\n")
                && status.stdout().contains("\nDaemon:      " + tcpAddress + "\nTrusted:     yes (passphrase, "), "alice's `trust status` over TCP" + status);
    }

    @Test
    @Order(7)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("7. over loopback TCP, mallory locked out after 2 failures is still locked out with a fresh certificate (another XDG_DATA_HOME)")
    void aTcpLockOutFollowsTheUser() throws IOException, InterruptedException {
        for (int i = 0; i < 2; i++) {
            sandbox.client(mallory, tcpAddress, "authenticate", "wrong-" + i).expect(2, "", "authenticate failed: " + Texts.WRONG_PASSPHRASE
                    + "\n", "mallory's wrong passphrase " + (i + 1));
        }
        Path elsewhere = mallory.home().resolve("elsewhere");
        sandbox.clientWithEnvironment(mallory, tcpAddress, Map.of("XDG_DATA_HOME", elsewhere.toString()), null, "authenticate", passphrase)
                .expect(2, "", "authenticate failed: Too many failed authentication attempts. Try again in 10 minutes.\n",
                        "mallory's right passphrase with a fresh certificate, while locked out");
        Path fresh = elsewhere.resolve("multipass-client-certificate").resolve(CERT);
        assertFalse(FileFacts.fingerprint(fresh).equals(FileFacts.fingerprint(mallory.identityDir().resolve(CERT))), "a different certificate");
        assertTrue(tcpDaemon.log().contains("locked out " + mallory.name() + " (uid " + mallory.uid() + ","), "the audit line names her:\n"
                + tcpDaemon.log());
    }

    /** The lines of {@code trust status} for {@code user} with the identity in {@code identityDir}; {@code trusted} "no" or a prefix. */
    private String status(String user, long uid, Path identityDir, String trusted) throws IOException {
        Path certificate = identityDir.resolve(CERT);
        String lines = "User:        " + user + " (uid " + uid + ")\n"
                + "Identity:    " + certificate + "\n"
                + "Fingerprint: " + FileFacts.fingerprint(certificate) + "\n"
                + "Daemon:      " + address + "\n"
                + "Trusted:     " + trusted;
        return trusted.equals("no") ? lines + "\n" : lines;
    }
}
