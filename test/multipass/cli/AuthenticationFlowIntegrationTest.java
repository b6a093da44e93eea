// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.testing.QuickIdentities;
import multipass.testing.TestDaemon;
import multipass.tls.DaemonIdentity;
import multipass.tls.PublishedAuthority;
import multipass.trust.AdmissionMethod;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI against a real daemon on a real Unix socket, every client in this JVM (so every
 * peer is this process's user, an administrator by kernel credentials). Users are told apart
 * by their identity directories, as distinct users' certificates would be.
 */
@Timeout(60)
class AuthenticationFlowIntegrationTest {
    static final String NOT_AUTHENTICATED = "The user is not authenticated with the Multipass service.\n\n"
            + "Please authenticate before proceeding (e.g. via 'multipass authenticate'). Note that you first need an authenticated user"
            + " to set and provide you with a trusted passphrase (e.g. via 'multipass set local.passphrase').";
    static final String NO_PASSPHRASE = "Incorrect passphrase. No passphrase is set.\n\n"
            + "To authenticate, first ask an authenticated user to set a passphrase and share it with you, provided they trust you."
            + " To set a passphrase, use the command 'multipass set local.passphrase'."
            + " Note that only the user who installs Multipass is automatically authenticated.";

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
        return new CliRunner(daemon.address(), dir.resolve("home-" + name)).withQuickIdentity();
    }

    private String passphraseIn(CliRunner.Result r) {
        return r.out() + r.err();
    }

    @Test
    void firstClientIsTrustedAndOpensTheSocket() throws Exception {
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket())));
        CliRunner.Result list = user("admin").run("list");
        assertEquals(0, list.exit(), list.err());
        assertEquals("No instances found.\n", list.out());
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket())));
        TrustStore store = TrustStore.open(daemon.dataDir());
        assertEquals(1, store.entries().size());
        assertEquals(AdmissionMethod.FIRST_CLIENT, store.entries().get(0).method());
    }

    @Test
    void secondIdentityIsNotAuthenticatedUntilItUsesThePassphrase() {
        assertEquals(0, user("admin").run("list").exit());
        CliRunner.Result refused = user("bob").run("list");
        assertEquals(2, refused.exit());
        assertEquals(user("bob").notAuthenticated("list"), refused.err());

        CliRunner.Result noPassphrase = user("bob").run("authenticate", "guess");
        assertEquals(2, noPassphrase.exit());
        assertEquals("authenticate failed: " + NO_PASSPHRASE + "\n", noPassphrase.err());

        assertEquals(0, user("admin").run("set", "local.passphrase=s3cret-Value").exit());
        assertEquals("true\n", user("admin").run("get", "local.passphrase").out());

        CliRunner.Result wrong = user("bob").run("auth", "nope");
        assertEquals(2, wrong.exit());
        assertEquals("authenticate failed: Passphrase is not correct. Please try again.\n", wrong.err());

        CliRunner.Result right = user("bob").run("authenticate", "s3cret-Value");
        assertEquals(0, right.exit(), right.err());
        assertEquals("", right.out() + right.err());
        assertEquals(0, user("bob").run("list").exit());
        assertEquals(0, user("bob").run("authenticate", "s3cret-Value").exit(), "re-authenticating succeeds");
    }

    @Test
    void passphraseFromPipedStdinWorks() {
        assertEquals(0, user("admin").run("set", "local.passphrase=piped").exit());
        CliRunner.Result result = user("carol").runWithInput("piped\n", "authenticate");
        assertEquals(0, result.exit(), result.err());
        assertEquals("Please enter passphrase: \n", result.out());
        assertEquals(0, user("carol").run("list").exit());
    }

    @Test
    void passphraseSetByPromptTakesEffectAtOnceAndCanBeCleared() {
        assertEquals(0, user("admin").run("list").exit());
        assertEquals(0, user("admin").runWithInput("first\nfirst\n", "set", "local.passphrase").exit());
        assertEquals(0, user("dave").run("authenticate", "first").exit(), "no restart needed");
        assertEquals(0, user("admin").run("set", "local.passphrase=").exit());
        assertEquals("false\n", user("admin").run("get", "local.passphrase").out());
        assertEquals(2, user("erin").run("authenticate", "first").exit());
    }

    @Test
    void anUntrustedAdministratorMayStillSetThePassphrase() {
        assertEquals(0, user("admin").run("list").exit());
        // "locked-out" is untrusted, but its kernel credentials (this JVM's user) are an admin's.
        assertEquals(2, user("locked-out").run("list").exit());
        CliRunner.Result set = user("locked-out").run("set", "local.passphrase=escape");
        assertEquals(0, set.exit(), set.err());
        assertEquals(2, user("locked-out").run("get", "local.passphrase").exit(), "get still needs trust");
        assertEquals(0, user("locked-out").run("auth", "escape").exit());
        assertEquals("true\n", user("locked-out").run("get", "local.passphrase").out());
    }

    @Test
    void verbosityStreamsDaemonLogLinesButNeverThePassphrase() {
        assertEquals(0, user("admin").run("set", "local.passphrase=Zq9-unique-secret").exit());
        CliRunner.Result result = user("frank").run("authenticate", "-vvvv", "Zq9-unique-secret");
        assertEquals(0, result.exit(), result.err());
        assertTrue(result.err().contains("[debug] [RequestRouter] request authenticate"), result.err());
        assertTrue(result.err().contains("[trace] [RequestRouter]"), "trace lines reach the client at -vvvv: " + result.err());
        assertFalse(passphraseIn(result).contains("Zq9-unique-secret"));
        assertFalse(TestDaemon.log().contains("Zq9-unique-secret"), "the daemon never logs a passphrase");
        assertEquals("", user("frank").run("list").err(), "verbosity 0 streams nothing");
    }

    @Test
    void versionShowsBothSides() {
        CliRunner.Result result = user("admin").run("version");
        assertEquals(0, result.exit(), result.err());
        assertEquals("multipass  " + multipass.api.BuildInfo.VERSION + "\nmultipassd " + multipass.api.BuildInfo.VERSION + "\n", result.out());
    }

    @Test
    void listFormatsParseBack() {
        assertEquals(0, user("admin").run("list").exit());
        assertEquals("{\n    \"list\": []\n}\n", user("admin").run("list", "--format", "json").out());
        assertEquals("Name,State,IPv4,Image\n", user("admin").run("list", "--format=csv").out());
        assertEquals("list: []\n", user("admin").run("list", "--format", "yaml").out());
    }

    @Test
    void trustAndPassphraseSurviveARestart() throws Exception {
        assertEquals(0, user("admin").run("set", "local.passphrase=kept").exit());
        assertEquals(0, user("gina").run("auth", "kept").exit());
        daemon.stop();
        assertFalse(Files.exists(daemon.socket()), "a clean stop removes the socket");
        daemon.startAgain();
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket())), "open at once");
        assertEquals(0, user("gina").run("list").exit());
        assertEquals("true\n", user("admin").run("get", "local.passphrase").out());
        assertEquals(2, user("henry").run("list").exit());
    }

    @Test
    void aDaemonThatCannotBeVerifiedNeverReceivesThePassphrase() throws Exception {
        assertEquals(0, user("admin").run("set", "local.passphrase=Never-Sent-42").exit());
        // Publish some other CA beside the socket: the real daemon can no longer prove itself.
        Path other = dir.resolve("other-ca");
        Files.createDirectories(other);
        PublishedAuthority.publish(PublishedAuthority.forSocket(daemon.socket()),
                DaemonIdentity.authority(QuickIdentities.daemon(other)));
        int before = count(TestDaemon.log(), "request authenticate");
        CliRunner.Result result = user("ivan").run("authenticate", "Never-Sent-42");
        assertEquals(2, result.exit());
        assertTrue(result.err().startsWith("authenticate failed: cannot establish a verified TLS connection with the daemon"), result.err());
        assertEquals(before, count(TestDaemon.log(), "request authenticate"), "no request reached the daemon");
    }

    @Test
    void identityFilesArePrivate() throws Exception {
        // The CLI makes its identity with keytool here, on its first run, as for a new user.
        assertEquals(0, new CliRunner(daemon.address(), dir.resolve("home-admin")).run("list").exit());
        Path identity = dir.resolve("home-admin");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(identity)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(identity.resolve("multipass_cert_key.pem"))));
        String cert = Files.readString(identity.resolve("multipass_cert.pem"), StandardCharsets.US_ASCII);
        assertTrue(cert.startsWith("-----BEGIN CERTIFICATE-----"));
        try (Stream<Path> files = Files.list(identity)) {
            assertEquals(java.util.Set.of(".lock", "multipass_cert.pem", "multipass_cert_key.pem"),
                    files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()), "no key-generation leftovers");
        }
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }
}
