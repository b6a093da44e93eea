// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.system.ThrowAwayUsers.User;
import multipass.testing.QuickIdentities;

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
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static multipass.system.FileFacts.describe;
import static multipass.system.FileFacts.describeOwner;
import static multipass.system.Texts.NO_INSTANCES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The root system test of TCP mode and the installer enrolment (SPEC section 8, issue 3): the
 * real jar's {@code daemon --install} run as root for throw-away users (the {@code $SUDO_USER}
 * path and the {@code --user} path, each into a fresh data dir), then the real daemon as root
 * on {@code 127.0.0.1:<free port>}, and each user's client over TCP, running as that user, with
 * nothing but {@code MULTIPASS_SERVER_ADDRESS} set (the client finds the CA a root daemon
 * publishes in {@code /run/multipassd}). Ordered steps of one scenario ({@link OrderedSteps});
 * everything is removed in {@link #tearDown()}. Skipped, with a message, when not root.
 *
 * <p>The roles: {@code alice} (enrolled through {@code SUDO_USER=alice}), {@code bob} (enrolled
 * through {@code --user bob}), {@code mallory} (never enrolled: needs the passphrase).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("system test as root: TCP mode and daemon --install, real users and the real jar")
class TcpInstallerSystemTest {
    /** Where a root daemon on TCP publishes its CA (PublishedAuthority, Platform.rendezvousDirs). */
    private static final Path RENDEZVOUS = Path.of("/run/multipassd");
    private static final String STORE = "authenticated-certs/multipass_client_certs.pem";

    @RegisterExtension
    final OrderedSteps steps = new OrderedSteps();

    private final String passphrase = "pp-" + ThrowAwayUsers.randomText(16);
    private RootSandbox sandbox;
    private User alice;
    private User bob;
    private User mallory;
    private Path dataA;
    private Path dataB;
    private String address;

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void setUp() throws IOException, InterruptedException {
        sandbox = RootSandbox.open();
        if (!Files.exists(RENDEZVOUS, LinkOption.NOFOLLOW_LINKS)) {
            sandbox.removeAfterwards(RENDEZVOUS); // made by our daemons: removed if they left it empty
        }
        alice = sandbox.accounts.createUser("alice");
        bob = sandbox.accounts.createUser("bob");
        mallory = sandbox.accounts.createUser("mallory");
        dataA = sandbox.rootOnly.resolve("data-sudo-user");
        dataB = sandbox.rootOnly.resolve("data-user-option");
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
    @DisplayName("1. `daemon --install` as root with SUDO_USER=alice enrols alice, in her own identity dir, owned by her")
    void installEnrolsTheSudoUser() throws IOException, InterruptedException {
        Outcome install = sandbox.runAsRoot(Map.of("SUDO_USER", alice.name()), "daemon", "--install", "--data-dir", dataA.toString());
        assertEquals(0, install.exitCode(), "`daemon --install` with SUDO_USER set succeeds" + install);
        assertIdentityIsPrivate(alice);
        String fingerprint = FileFacts.fingerprint(certificate(alice));
        assertTrue(install.stdout().contains(alice.name()) && install.stdout().contains(fingerprint),
                "the installer names the user and the certificate it enrolled (" + fingerprint + ")" + install);
        assertStoreHolds(dataA, alice);
        assertFalse(Files.exists(sandbox.rootHome.resolve(".local"), LinkOption.NOFOLLOW_LINKS),
                "the installer made no identity for root, who ran it: " + sandbox.rootHome.resolve(".local"));
    }

    @Test
    @Order(2)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("2. `daemon --install --user bob` into a fresh data dir enrols bob, in his own identity dir, owned by him")
    void installEnrolsTheNamedUser() throws IOException, InterruptedException {
        Outcome install = sandbox.runAsRoot(Map.of(), "daemon", "--install", "--user", bob.name(), "--data-dir", dataB.toString());
        assertEquals(0, install.exitCode(), "`daemon --install --user <bob>` succeeds" + install);
        assertIdentityIsPrivate(bob);
        assertStoreHolds(dataB, bob);
    }

    @Test
    @Order(3)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("3. `daemon --install` for a user who already has an identity reuses it (same certificate, key untouched)")
    void installReusesAnExistingIdentity() throws IOException, InterruptedException {
        byte[] certBefore = Files.readAllBytes(certificate(alice));
        byte[] keyBefore = Files.readAllBytes(key(alice));
        FileTime keyTime = Files.getLastModifiedTime(key(alice), LinkOption.NOFOLLOW_LINKS);
        Path dataC = sandbox.rootOnly.resolve("data-reuse");
        Outcome install = sandbox.runAsRoot(Map.of(), "daemon", "--install", "--user", alice.name(), "--data-dir", dataC.toString());
        assertEquals(0, install.exitCode(), "`daemon --install --user <alice>` into a fresh data dir succeeds" + install);
        assertArrayEquals(certBefore, Files.readAllBytes(certificate(alice)), "alice's certificate file is unchanged");
        assertArrayEquals(keyBefore, Files.readAllBytes(key(alice)), "alice's key file is unchanged");
        assertEquals(keyTime, Files.getLastModifiedTime(key(alice), LinkOption.NOFOLLOW_LINKS), "alice's key file was not rewritten");
        assertStoreHolds(dataC, alice);
    }

    @Test
    @Order(4)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("4. re-running `daemon --install` on a store with an entry changes nothing and says so")
    void reinstallChangesNothing() throws IOException, InterruptedException {
        List<String> before = FileFacts.trustStoreFiles(dataA);
        for (Outcome again : List.of(
                sandbox.runAsRoot(Map.of("SUDO_USER", alice.name()), "daemon", "--install", "--data-dir", dataA.toString()),
                sandbox.runAsRoot(Map.of(), "daemon", "--install", "--user", mallory.name(), "--data-dir", dataA.toString()))) {
            assertEquals(0, again.exitCode(), "re-running `daemon --install` is not an error" + again);
            assertTrue(again.stdout().contains("nothing changed"), "re-running `daemon --install` says that nothing changed" + again);
            assertEquals(before, FileFacts.trustStoreFiles(dataA), "re-running `daemon --install` leaves the store as it was" + again);
        }
        assertFalse(Files.exists(mallory.home().resolve(".local"), LinkOption.NOFOLLOW_LINKS),
                "no identity was made for mallory, who was not enrolled: " + mallory.home().resolve(".local"));
    }

    @Test
    @Order(5)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("5. `daemon --install --user <unknown name>` fails (non-zero, clear message) and leaves the store untouched")
    void installForAnUnknownUserFails() throws IOException, InterruptedException {
        String nobody = "mpt-" + ThrowAwayUsers.randomText(8); // never created
        List<String> before = FileFacts.trustStoreFiles(dataA);
        Path fresh = sandbox.rootOnly.resolve("data-unknown-user");
        for (Path dataDir : List.of(dataA, fresh)) {
            Outcome install = sandbox.runAsRoot(Map.of(), "daemon", "--install", "--user", nobody, "--data-dir", dataDir.toString());
            assertNotEquals(0, install.exitCode(), "`daemon --install --user <unknown>` fails" + install);
            assertTrue(install.stderr().contains("'" + nobody + "'") && install.stderr().contains("no such user"),
                    "the message names the unknown user and says there is no such user" + install);
        }
        assertEquals(before, FileFacts.trustStoreFiles(dataA), "the existing store is untouched");
        assertFalse(Files.exists(fresh.resolve(STORE), LinkOption.NOFOLLOW_LINKS), "no store was created in the fresh data dir " + fresh);
    }

    @Test
    @Order(6)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("6. over TCP there is no first-client acceptance: root's very first request on an empty store is refused")
    void noFirstClientOverTcpEvenForRoot() throws IOException, InterruptedException {
        Path empty = sandbox.newDataDir("data-empty");
        QuickIdentities.seedDaemon(empty); // the daemon's own keytool run is not under test here
        DaemonProcess daemon = startTcpDaemon(empty);
        sandbox.runAsRoot(Map.of("MULTIPASS_SERVER_ADDRESS", daemon.address()), "list")
                .expect(2, "", Texts.notAuthenticated("list", "root", 0, sandbox.rootHome.resolve(
                        ".local/share/multipass-client-certificate/multipass_cert.pem"), ""), "root's `list` as the very first client over TCP");
        assertEquals(List.of(), FileFacts.trustedCertificates(empty), "nobody was admitted into the empty store");
        int code = daemon.stop(RootSandbox.PROCESS_TIMEOUT);
        assertTrue(code == 0 || code == 128 + 15, "the daemon stops cleanly on SIGTERM (exit 0, or 143 from the JVM), exit " + code
                + "; its log:\n" + daemon.log());
        assertFalse(Files.exists(published(daemon), LinkOption.NOFOLLOW_LINKS), "the stopped daemon removed its CA " + published(daemon));
    }

    @Test
    @Order(7)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("7. the daemon on TCP publishes its CA in /run/multipassd; alice (installer) is trusted with no passphrase")
    void installedUserIsTrustedOverTcp() throws IOException, InterruptedException {
        DaemonProcess daemon = startTcpDaemon(dataA);
        address = daemon.address();
        Path ca = published(daemon);
        String mode = describe(ca);
        assertTrue(mode.matches("-rw-r--r-- root:.*"), "the published CA " + ca + " is root's, world-readable, writable by root only: " + mode);
        sandbox.client(alice, address, "list").expect(0, NO_INSTANCES, "", "alice's `list` over TCP (enrolled by the installer)");
    }

    @Test
    @Order(8)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("8. `trust list --format json` as alice shows her entry: her user, uid and fingerprint, method installer")
    void installedEntryHasMethodInstaller() throws IOException, InterruptedException {
        Outcome list = sandbox.client(alice, address, "trust", "list", "--format", "json");
        assertEquals(0, list.exitCode(), "alice's `trust list --format json`" + list);
        List<Map<String, String>> rows = TrustRows.parseJson(list.stdout());
        assertEquals(1, rows.size(), "one trusted entry" + list);
        assertRow(rows.get(0), alice, Long.toString(alice.uid()), "installer");
    }

    @Test
    @Order(9)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("9. mallory (not enrolled) is refused (UNAUTHENTICATED, exit 2); alice sets the passphrase")
    void otherUserIsNotTrustedAndInstalledUserSetsPassphrase() throws IOException, InterruptedException {
        sandbox.client(mallory, address, "list").expect(2, "", Texts.notAuthenticated("list", mallory), "mallory's `list` over TCP");
        sandbox.client(alice, address, "set", "local.passphrase=" + passphrase).expect(0, "", "", "alice's `set local.passphrase=...`");
        sandbox.client(alice, address, "get", "local.passphrase").expect(0, "true\n", "", "alice's `get local.passphrase`");
        sandbox.client(mallory, address, "list").expect(2, "", Texts.notAuthenticated("list", mallory),
                "mallory's `list` after the passphrase was set (setting it trusts nobody)");
    }

    @Test
    @Order(10)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("10. mallory authenticates with the passphrase, then is trusted; trust list shows her real user and uid, and each what they may see")
    void otherUserAuthenticatesWithPassphrase() throws IOException, InterruptedException {
        sandbox.client(mallory, address, "authenticate", passphrase).expect(0, "", "", "mallory's `authenticate <passphrase>` over TCP");
        sandbox.client(mallory, address, "list").expect(0, NO_INSTANCES, "", "mallory's `list` after authenticating");

        List<Map<String, String>> all = TrustRows.parseJson(sandbox.client(alice, address, "trust", "list", "--format", "json").stdout());
        assertEquals(2, all.size(), "alice (an installer entry, so an administrator) sees both entries: " + all);
        assertRow(TrustRows.where(all, "method", "installer").get(0), alice, Long.toString(alice.uid()), "installer");
        List<Map<String, String>> own = TrustRows.parseJson(sandbox.client(mallory, address, "trust", "list", "--format", "json").stdout());
        assertEquals(1, own.size(), "mallory (admitted by passphrase) sees only her own entry: " + own);
        assertEquals(FileFacts.fingerprint(certificate(mallory)), own.get(0).get("fingerprint"), "mallory's fingerprint: " + own);
        assertEquals("passphrase", own.get(0).get("method"), "mallory's method: " + own);
        assertEquals(List.of(mallory.name(), Long.toString(mallory.uid())), List.of(own.get(0).get("user"), own.get(0).get("uid")),
                "over loopback TCP the daemon reads mallory's user and uid from the kernel's socket tables: " + own);
        assertEquals(all.stream().filter(row -> row.get("method").equals("passphrase")).toList(), own, "the same entry, seen by both");
        assertIdentityIsPrivate(mallory);
    }

    @Test
    @Order(11)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("11. bob (enrolled through --user) is trusted over TCP by a daemon on his data dir, method installer")
    void namedUserIsTrustedOverTcp() throws IOException, InterruptedException {
        DaemonProcess daemon = startTcpDaemon(dataB);
        sandbox.client(bob, daemon.address(), "list").expect(0, NO_INSTANCES, "", "bob's `list` over TCP (enrolled with --user)");
        List<Map<String, String>> rows = TrustRows.parseJson(sandbox.client(bob, daemon.address(), "trust", "list", "--format", "json").stdout());
        assertEquals(1, rows.size(), "one trusted entry: " + rows);
        assertRow(rows.get(0), bob, Long.toString(bob.uid()), "installer");
        sandbox.client(alice, daemon.address(), "list").expect(2, "", Texts.notAuthenticated("list", alice),
                "alice's `list` on bob's daemon (each data dir trusts only whom it enrolled)");
    }

    // --- helpers ------------------------------------------------------------------------

    /** Starts the daemon as root on 127.0.0.1 and a free port, with {@code dataDir}; checks its address line and CA. */
    private DaemonProcess startTcpDaemon(Path dataDir) throws IOException, InterruptedException {
        String wanted = "127.0.0.1:" + RootSandbox.freeLoopbackPort();
        DaemonProcess daemon = sandbox.startDaemon("--address", wanted, "--data-dir", dataDir.toString());
        sandbox.removeAfterwards(published(daemon));
        assertEquals(wanted, daemon.address(), "the address on the daemon's " + DaemonProcess.ADDRESS_PREFIX + " line");
        assertTrue(Files.isRegularFile(published(daemon), LinkOption.NOFOLLOW_LINKS), "the daemon published its CA at " + published(daemon));
        return daemon;
    }

    private static Path published(DaemonProcess daemon) {
        return RENDEZVOUS.resolve("tcp-" + daemon.address().substring(daemon.address().lastIndexOf(':') + 1) + ".ca.pem");
    }

    private static Path certificate(User user) {
        return user.identityDir().resolve("multipass_cert.pem");
    }

    private static Path key(User user) {
        return user.identityDir().resolve("multipass_cert_key.pem");
    }

    /** SPEC 2: the user's identity dir and files are theirs; dir 0700, key 0600; the dirs above it theirs too. */
    private static void assertIdentityIsPrivate(User user) throws IOException {
        assertEquals("drwx------ " + user.name(), describeOwner(user.identityDir()), "the identity directory of " + user);
        assertEquals("-rw------- " + user.name(), describeOwner(key(user)), "the private key of " + user);
        String cert = describeOwner(certificate(user));
        assertTrue(cert.matches("-rw.{5}-. " + user.name()), "the certificate of " + user + " is a file of theirs, not world-writable: " + cert);
        for (Path dir : List.of(user.home().resolve(".local"), user.home().resolve(".local/share"))) {
            assertTrue(describeOwner(dir).startsWith("d") && describeOwner(dir).endsWith(" " + user.name()),
                    "the directories made above the identity dir are " + user + "'s: " + describeOwner(dir));
        }
    }

    /** The store in {@code dataDir} holds exactly {@code user}'s certificate. */
    private static void assertStoreHolds(Path dataDir, User user) throws IOException {
        List<byte[]> stored = FileFacts.trustedCertificates(dataDir);
        byte[] theirs = FileFacts.certificates(certificate(user)).get(0);
        assertEquals(1, stored.size(), "the trust store in " + dataDir + " holds one certificate");
        assertTrue(Arrays.equals(theirs, stored.get(0)), "the trust store in " + dataDir + " holds " + user + "'s certificate");
    }

    private static void assertRow(Map<String, String> row, User user, String uid, String method) throws IOException {
        assertEquals(List.of(FileFacts.fingerprint(certificate(user)), user.name(), uid, method),
                Stream.of("fingerprint", "user", "uid", "method").map(field -> row.getOrDefault(field, "<missing>")).toList(),
                "the trust list row of " + user + " (fingerprint, user, uid, method): " + row);
        assertTrue(row.getOrDefault("admitted", "").matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), "the row says when " + user + " was admitted: " + row);
    }
}
