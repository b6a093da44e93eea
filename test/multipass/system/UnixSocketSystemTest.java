// SPDX-License-Identifier: Apache-2.0
package multipass.system;

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
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static multipass.system.FileFacts.CERT_BEGIN;
import static multipass.system.FileFacts.describe;
import static multipass.system.FileFacts.describeOwner;
import static multipass.system.Texts.NO_INSTANCES;
import static multipass.system.Texts.NO_PASSPHRASE;
import static multipass.system.Texts.PROMPT;
import static multipass.system.Texts.WRONG_PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The system test (SPEC sections 5, 6, 7 and 10), as root: a throw-away admin group, two admins in
 * it and three outsiders, the real jar run as the daemon (root) and as each user's client
 * (through {@code runuser}), and the exact strings and exit codes users see. The methods are
 * the ordered steps of one scenario sharing the daemon and the users; once one fails, the
 * rest are skipped ({@link OrderedSteps}). Users, groups, temp dirs and the daemon are always
 * removed in {@link #tearDown()}. Skipped, with a message, when not root or when the user
 * tools are missing.
 *
 * <p>The roles: {@code admin} (in the admin group: the first client), {@code admin2} (in the
 * admin group, never trusted: may set the passphrase all the same, SPEC 6), {@code alice}
 * (authenticates with the passphrase as an argument, then changes it), {@code bob}
 * (authenticates with the passphrase piped to stdin), {@code mallory} (never trusted), {@code carol} (tries to
 * launch an instance before authenticating, then after).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("system test as root: real users, the real jar, a real Unix socket")
class UnixSocketSystemTest {
    @RegisterExtension
    final OrderedSteps steps = new OrderedSteps();

    private final String passphrase = "pp-" + ThrowAwayUsers.randomText(16);
    private final String newPassphrase = "pp-" + ThrowAwayUsers.randomText(16);
    private final String wrongPassphrase = "pp-" + ThrowAwayUsers.randomText(16);
    private final String evilPassphrase = "pp-" + ThrowAwayUsers.randomText(16);
    private final String thirdPassphrase = "pp-" + ThrowAwayUsers.randomText(16);
    private final List<DaemonProcess> daemons = new ArrayList<>();
    /** {@code list} once carol has launched her instance. */
    private static final String CAROLS_INSTANCE = "Name    State    IPv4  Image\ncarols  Running  --    24.04\n";

    private RootSandbox sandbox;
    private Path socket;
    private Path dataDir;
    private String adminGroup;
    private User admin;
    private User admin2;
    private User alice;
    private User bob;
    private User mallory;
    private User carol;
    private DaemonProcess daemon;

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void setUp() throws IOException, InterruptedException {
        sandbox = RootSandbox.open();
        // The socket and its CA go in the world-traversable dir; the data dir is root's only.
        socket = sandbox.shared.resolve("multipass_socket");
        dataDir = sandbox.rootOnly.resolve("data");
        adminGroup = sandbox.accounts.createGroup();
        admin = sandbox.accounts.createUser("admin", adminGroup);
        admin2 = sandbox.accounts.createUser("admin2", adminGroup);
        alice = sandbox.accounts.createUser("alice");
        bob = sandbox.accounts.createUser("bob");
        mallory = sandbox.accounts.createUser("mallory");
        carol = sandbox.accounts.createUser("carol");
        daemon = startDaemon();
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
    @DisplayName("1. before anyone is trusted the socket is srw-rw---- root:<admin group>, and the CA is published")
    void socketIsRestrictedBeforeFirstClient() throws IOException {
        assertEquals("srw-rw---- root:" + adminGroup, describe(socket), "mode, owner and group of the socket " + socket);
        Path ca = Path.of(socket + ".ca.pem");
        assertTrue(Files.isRegularFile(ca, LinkOption.NOFOLLOW_LINKS), "the daemon's CA certificate " + ca + " is published");
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(ca, LinkOption.NOFOLLOW_LINKS);
        assertTrue(mode.contains(PosixFilePermission.OTHERS_READ), "the CA file is world-readable: " + describe(ca));
        assertFalse(mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE),
                "the CA file is writable only by its owner: " + describe(ca));
        assertTrue(Files.readString(ca, StandardCharsets.US_ASCII).contains(CERT_BEGIN), "the CA file holds a PEM certificate");
    }

    @Test
    @Order(2)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("2. an outsider is refused by the socket's file mode (access denied, exit 2; detail line at -v; the group the socket admits)")
    void outsiderIsRefusedByFileMode() throws IOException, InterruptedException {
        String denied = Texts.accessDenied("list", socket, adminGroup, alice);
        expect(multipass(alice, "list"), 2, "", denied, "an outsider's `list` on the restricted socket");
        expect(multipass(alice, "-v", "list"), 2, "", denied.replace("\n\n", "\nPlease check that you have read/write permissions to '"
                + socket + "'\n\n"), "an outsider's `list -v` on the restricted socket");
        assertEquals("srw-rw---- root:" + adminGroup, describe(socket), "the socket is still restricted after the outsider's attempts");
    }

    @Test
    @Order(3)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("3. with the file mode loosened by hand, an outsider is still not accepted as the first client (peer credentials)")
    void outsiderIsNotFirstClientEvenThroughAnOpenMode() throws IOException, InterruptedException {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        try {
            expect(multipass(alice, "list"), 2, "", Texts.notAuthenticated("list", alice),
                    "an outsider's `list` as the first client, the socket made 0666 behind the daemon's back");
        } finally {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        }
        assertEquals(0, trustedCertificates(), "the outsider was not admitted as the first client");
    }

    @Test
    @Order(4)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("4. the admin's first request is accepted (first client) and the socket opens to 0666")
    void adminIsAcceptedAsFirstClient() throws IOException, InterruptedException {
        expect(multipass(admin, "list"), 0, NO_INSTANCES, "", "the admin's `list` as the first client");
        assertTrue(describe(socket).startsWith("srw-rw-rw- root:"), "the socket is open (0666) after the first client: " + describe(socket));
        assertEquals(1, trustedCertificates(), "the trust store holds the admin's certificate only");
        expect(multipass(admin, "list"), 0, NO_INSTANCES, "", "the admin's second `list` (now trusted)");
    }

    @Test
    @Order(5)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("5. an untrusted outsider on the open socket gets the UNAUTHENTICATED message, exit 2")
    void outsiderIsUnauthenticatedOnOpenSocket() throws IOException, InterruptedException {
        expect(multipass(alice, "list"), 2, "", Texts.notAuthenticated("list", alice), "an outsider's `list` on the open socket");
        assertEquals(1, trustedCertificates(), "the outsider was not admitted");
    }

    @Test
    @Order(6)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("6. authenticate before a passphrase is set fails with the FAILED_PRECONDITION message, exit 2")
    void authenticateWithoutPassphraseFails() throws IOException, InterruptedException {
        expect(multipass(admin, "get", "local.passphrase"), 0, "false\n", "", "the admin's `get local.passphrase` before any is set");
        expect(multipass(alice, "authenticate", wrongPassphrase), 2, "", "authenticate failed: " + NO_PASSPHRASE + "\n",
                "an outsider's `authenticate <passphrase>` when none is set");
        assertEquals(1, trustedCertificates(), "the outsider was not admitted");
    }

    @Test
    @Order(7)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("7. the admin sets the passphrase; get local.passphrase prints true")
    void adminSetsPassphrase() throws IOException, InterruptedException {
        expect(multipass(admin, "set", "local.passphrase=" + passphrase), 0, "", "", "the admin's `set local.passphrase=<passphrase>`");
        expect(multipass(admin, "get", "local.passphrase"), 0, "true\n", "", "the admin's `get local.passphrase` after setting it");
    }

    @Test
    @Order(8)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("8. an untrusted outsider cannot set the passphrase")
    void untrustedOutsiderCannotSetPassphrase() throws IOException, InterruptedException {
        expect(multipass(mallory, "set", "local.passphrase=" + evilPassphrase), 2, "", Texts.notAuthenticated("set", mallory),
                "an untrusted outsider's `set local.passphrase=...`");
        expect(multipass(admin, "get", "local.passphrase"), 0, "true\n", "", "the passphrase is still set");
        // The next step shows that the outsider's value was not stored: authenticating with it fails.
    }

    @Test
    @Order(9)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("9. a wrong passphrase is refused ('Passphrase is not correct', exit 2), also through the auth alias")
    void wrongPassphraseIsRefused() throws IOException, InterruptedException {
        expect(multipass(alice, "authenticate", evilPassphrase), 2, "", "authenticate failed: " + WRONG_PASSPHRASE + "\n",
                "`authenticate` with the value the untrusted outsider tried to set in the previous step");
        expect(multipass(bob, "auth", wrongPassphrase), 2, "", "authenticate failed: " + WRONG_PASSPHRASE + "\n",
                "`auth` (alias; the message names the command `authenticate`) with a wrong passphrase");
        expect(multipass(alice, "list"), 2, "", Texts.notAuthenticated("list", alice), "`list` after a wrong passphrase");
        assertEquals(1, trustedCertificates(), "a wrong passphrase admits no one");
    }

    @Test
    @Order(10)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("10. the right passphrase as an argument authenticates (no output, exit 0); then list works")
    void rightPassphraseByArgument() throws IOException, InterruptedException {
        expect(multipass(alice, "authenticate", passphrase), 0, "", "", "`authenticate <right passphrase>`");
        expect(multipass(alice, "list"), 0, NO_INSTANCES, "", "`list` after authenticating");
        assertEquals(2, trustedCertificates(), "the trust store holds the admin's and alice's certificates");
    }

    @Test
    @Order(11)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("11. the right passphrase piped to `authenticate` authenticates (prompt, newline, exit 0); then list works")
    void rightPassphraseOnStdin() throws IOException, InterruptedException {
        expect(multipassWithStdin(bob, passphrase + "\n", "authenticate"), 0, PROMPT + "\n", "",
                "`authenticate` with the passphrase piped to stdin");
        expect(multipass(bob, "list"), 0, NO_INSTANCES, "", "`list` after authenticating through stdin");
        assertEquals(3, trustedCertificates(), "the trust store holds the admin's, alice's and bob's certificates");
    }

    @Test
    @Order(12)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("12. re-authenticating a trusted client with `auth` succeeds and changes nothing")
    void reAuthenticationChangesNothing() throws IOException, InterruptedException {
        Path store = trustStore();
        byte[] before = Files.readAllBytes(store);
        expect(multipass(alice, "auth", passphrase), 0, "", "", "a trusted user's `auth <right passphrase>`");
        assertArrayEquals(before, Files.readAllBytes(store), "re-authentication leaves the trust store " + store + " unchanged");
        expect(multipass(alice, "list"), 0, NO_INSTANCES, "", "`list` after re-authenticating");
    }

    @Test
    @Order(13)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("13. a trusted non-admin can change the passphrase, which takes effect at once; no secret in -vvvv output")
    void trustedNonAdminChangesPassphrase() throws IOException, InterruptedException {
        expect(multipass(alice, "set", "local.passphrase=" + newPassphrase), 0, "", "",
                "a trusted non-admin's `set local.passphrase=<new passphrase>`");
        expect(multipass(admin, "get", "local.passphrase"), 0, "true\n", "", "`get local.passphrase` after the change");
        expect(multipass(mallory, "authenticate", passphrase), 2, "", "authenticate failed: " + WRONG_PASSPHRASE + "\n",
                "`authenticate` with the old passphrase after the change (no daemon restart)");
        Outcome verbose = multipass(bob, "-vvvv", "authenticate", newPassphrase);
        assertEquals(0, verbose.exitCode(), "`-vvvv authenticate <new passphrase>` by a trusted user succeeds" + verbose);
        assertEquals("", verbose.stdout(), "`-vvvv authenticate` prints nothing on stdout" + verbose);
        assertFalse(verbose.stderr().contains(newPassphrase) || verbose.stderr().contains(passphrase),
                "the daemon's log lines streamed at -vvvv do not contain the passphrase" + verbose);
        assertEquals(3, trustedCertificates(), "the trust store still holds three certificates (mallory was not admitted)");
    }

    @Test
    @Order(14)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("14. an untrusted member of the admin group may set the passphrase, and nothing else")
    void untrustedAdminMaySetPassphrase() throws IOException, InterruptedException {
        expect(multipass(admin2, "list"), 2, "", Texts.notAuthenticated("list", admin2),
                "an untrusted admin-group member's `list` (the first client is already trusted)");
        expect(multipass(admin2, "set", "local.passphrase=" + thirdPassphrase), 0, "", "",
                "an untrusted admin-group member's `set local.passphrase=<third passphrase>` (by kernel credentials)");
        expect(multipass(bob, "authenticate", thirdPassphrase), 0, "", "", "`authenticate <third passphrase>` (it took effect)");
        expect(multipass(admin2, "get", "local.passphrase"), 2, "", Texts.notAuthenticated("get", admin2),
                "an untrusted admin-group member's `get local.passphrase`");
        assertEquals(3, trustedCertificates(), "setting the passphrase did not make the admin-group member trusted");
    }

    @Test
    @Order(15)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("15. each user's client identity is in ~/.local/share/multipass-client-certificate, owned by them, dir 0700, key 0600")
    void identitiesArePrivateToTheirUsers() throws IOException {
        List<String> certificates = new ArrayList<>();
        for (User user : List.of(admin, admin2, alice, bob, mallory)) {
            Path dir = user.home().resolve(".local/share/multipass-client-certificate");
            Path key = dir.resolve("multipass_cert_key.pem");
            Path cert = dir.resolve("multipass_cert.pem");
            assertEquals("drwx------ " + user.name(), describeOwner(dir), "the identity directory of " + user + ": " + dir);
            assertEquals("-rw------- " + user.name(), describeOwner(key), "the private key of " + user + ": " + key);
            assertTrue(describeOwner(cert).matches("-rw.{7} " + user.name()), "the certificate of " + user + " is a file of theirs: "
                    + describe(cert));
            certificates.add(Files.readString(cert, StandardCharsets.US_ASCII));
        }
        assertEquals(certificates.size(), certificates.stream().distinct().count(), "every user has a certificate of their own");
    }

    @Test
    @Order(16)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("16. an untrusted user's launch is refused with the UNAUTHENTICATED message, exit 2, and changes nothing")
    void untrustedLaunchIsRefused() throws IOException, InterruptedException {
        expect(multipass(carol, "launch", "--name", "carols"), 2, "", Texts.notAuthenticated("launch", carol),
                "an untrusted user's `launch --name carols`");
        expect(multipass(carol, "launch"), 2, "", Texts.notAuthenticated("launch", carol), "an untrusted user's `launch`");
        assertFalse(Files.exists(inventory(), LinkOption.NOFOLLOW_LINKS), "no instance inventory was written: " + inventory());
        expect(multipass(admin, "list"), 0, NO_INSTANCES, "", "the admin's `list` after the refused launches");
        assertEquals(3, trustedCertificates(), "the refused user was not admitted");
    }

    @Test
    @Order(17)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("17. after authenticating, that user's launch succeeds and list shows the instance, to every trusted user")
    void launchAfterAuthenticating() throws IOException, InterruptedException {
        expect(multipass(carol, "authenticate", thirdPassphrase), 0, "", "", "`authenticate <the latest passphrase>`");
        expect(multipass(carol, "launch", "--name", "carols"), 0, "Launched: carols\n", "", "`launch --name carols` after authenticating");
        expect(multipass(carol, "list"), 0, CAROLS_INSTANCE, "", "carol's `list` after her launch");
        expect(multipass(admin, "list"), 0, CAROLS_INSTANCE, "", "the admin's `list` after carol's launch");
        expect(multipass(mallory, "list"), 2, "", Texts.notAuthenticated("list", mallory), "an untrusted `list` still sees nothing");
        assertEquals("-rw------- root", describeOwner(inventory()), "the inventory file " + inventory() + " is the daemon's own");
        assertEquals(4, trustedCertificates(), "the trust store holds the admin's, alice's, bob's and carol's certificates");
    }

    @Test
    @Order(18)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("18. after SIGTERM (socket removed) and a restart, the socket is 0666 at once; trust, passphrase and instances persist")
    void trustAndPassphraseSurviveRestart() throws IOException, InterruptedException {
        int code = daemon.stop(RootSandbox.PROCESS_TIMEOUT);
        assertTrue(code == 0 || code == 128 + 15, "the daemon stops cleanly on SIGTERM (exit 0, or 143 from the JVM), exit " + code
                + "; its log:\n" + daemon.log());
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the daemon removed its socket file " + socket + " on SIGTERM");
        expect(multipass(admin, "list"), 2, "", "list failed: cannot connect to the multipass socket\n", "`list` with no daemon");

        daemon = startDaemon();
        assertTrue(describe(socket).startsWith("srw-rw-rw- root:"), "the restarted daemon opens its socket at once, since the trust"
                + " store is not empty: " + describe(socket));
        for (User user : List.of(admin, alice, bob, carol)) {
            expect(multipass(user, "list"), 0, CAROLS_INSTANCE, "", user.role() + "'s `list` after the restart (still trusted)");
        }
        expect(multipass(mallory, "list"), 2, "", Texts.notAuthenticated("list", mallory), "an untrusted `list` after the restart");
        expect(multipass(admin, "get", "local.passphrase"), 0, "true\n", "", "`get local.passphrase` after the restart");
        expect(multipass(bob, "authenticate", thirdPassphrase), 0, "", "", "`authenticate <the latest passphrase>` after the restart");
        assertEquals(4, trustedCertificates(), "the restart neither lost nor added trust store entries");
    }

    @Test
    @Order(19)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("19. no passphrase appears in the daemon's logs or in its data dir (only a hash is stored)")
    void noPassphraseInLogsOrDataDir() throws IOException {
        List<String> secrets = List.of(passphrase, newPassphrase, wrongPassphrase, evilPassphrase, thirdPassphrase);
        for (int i = 0; i < daemons.size(); i++) {
            String log = daemons.get(i).log();
            assertFalse(log.isBlank(), "daemon run " + (i + 1) + " logged something at --verbosity trace (else this check proves nothing)");
            for (String secret : secrets) {
                List<String> leaks = log.lines().filter(line -> line.contains(secret)).toList();
                assertEquals(List.of(), leaks, "lines of daemon run " + (i + 1) + "'s stderr log that contain a passphrase");
            }
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dataDir)) {
            files = walk.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).toList();
        }
        for (Path file : files) {
            String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertFalse(content.contains(secret), "the data dir file " + file + " contains a passphrase in clear");
            }
        }
        List<String> stored = Files.readAllLines(dataDir.resolve("multipassd.conf"), StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith("local.passphrase=")).toList();
        assertEquals(1, stored.size(), "multipassd.conf has one local.passphrase line: " + stored);
        assertTrue(stored.get(0).length() > "local.passphrase=".length() + 32, "multipassd.conf stores a hash of the passphrase: " + stored);
    }

    // --- running things -----------------------------------------------------------------

    /** Starts the real jar as the daemon, as root, and checks the address it prints. */
    private DaemonProcess startDaemon() throws IOException, InterruptedException {
        DaemonProcess started = sandbox.startDaemon("--admin-group", adminGroup, "--address", "unix:" + socket, "--data-dir",
                dataDir.toString(), "--verbosity", "trace");
        daemons.add(started);
        assertEquals("unix:" + socket, started.address(), "the address on the daemon's " + DaemonProcess.ADDRESS_PREFIX + " line");
        return started;
    }

    /** Runs the real jar as {@code user} with {@code args}, stdin empty. */
    private Outcome multipass(User user, String... args) throws IOException, InterruptedException {
        return sandbox.client(user, "unix:" + socket, args);
    }

    /** Runs the real jar as {@code user}, feeding it {@code stdin}. */
    private Outcome multipassWithStdin(User user, String stdin, String... args) throws IOException, InterruptedException {
        return sandbox.clientWithStdin(user, "unix:" + socket, stdin, args);
    }

    /** Asserts the exit code and both outputs exactly, reporting all mismatches of one run together. */
    private static void expect(Outcome outcome, int exitCode, String stdout, String stderr, String what) {
        outcome.expect(exitCode, stdout, stderr, what);
    }

    // --- looking at files ---------------------------------------------------------------

    private Path inventory() {
        return dataDir.resolve("instances.txt");
    }

    private Path trustStore() {
        return dataDir.resolve("authenticated-certs").resolve("multipass_client_certs.pem");
    }

    /** How many certificates the trust store holds, main file and journal (0 when it does not exist yet). */
    private int trustedCertificates() throws IOException {
        return FileFacts.trustedCertificates(dataDir).size();
    }
}
