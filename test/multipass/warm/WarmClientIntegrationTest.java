// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.testing.TestDaemon;
import multipass.trust.TrustEntry;
import multipass.util.Pem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm client with real processes: the CLI run from the jar, the warm clients it starts
 * (detached JVMs), and a daemon on a real Unix socket. Every user here is this process's OS
 * user; identities are told apart by their homes. Each test kills the warm clients it made.
 */
@Timeout(240)
class WarmClientIntegrationTest {
    private static final String PASSPHRASE = "warm-test-passphrase";

    @TempDir
    static Path shared;
    private static TestDaemon daemon;

    @TempDir
    Path dir;
    private final List<CliProcesses> users = new ArrayList<>();

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = TestDaemon.start(shared);
        CliProcesses admin = new CliProcesses(CliProcesses.builtJar(), shared.resolve("admin"), shared.resolve("run"), address());
        expectOk(admin.run("0", "set", "local.passphrase=" + PASSPHRASE));
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        daemon.close();
    }

    @AfterEach
    void killWarmClients() {
        users.forEach(CliProcesses::killWarmClients);
    }

    private static String address() {
        return "unix:" + daemon.socket();
    }

    private CliProcesses user(String name, Path jar) throws Exception {
        CliProcesses user = new CliProcesses(jar, dir.resolve(name), dir.resolve("run"), address());
        users.add(user);
        return user;
    }

    /** A user whose identity the daemon trusts (by the passphrase). */
    private CliProcesses trusted(String name) throws Exception {
        CliProcesses user = user(name, CliProcesses.builtJar());
        expectOk(user.run("0", "authenticate", PASSPHRASE));
        return user;
    }

    private static CliProcesses.Result expectOk(CliProcesses.Result result) {
        assertEquals(0, result.exit(), result.err());
        return result;
    }

    /** Runs {@code args} through the warm client, and checks that it did (no TLS class loaded). */
    private CliProcesses.Result warm(CliProcesses user, String... args) throws Exception {
        Path classes = dir.resolve("classes-" + System.nanoTime() + ".txt");
        CliProcesses.Result result = user.run("1m", List.of("-Xlog:class+load:file=" + classes), args);
        String loaded = Files.readString(classes, StandardCharsets.UTF_8);
        assertFalse(loaded.contains("javax.net.ssl."), "multipass " + String.join(" ", args) + " went through the warm client");
        return result;
    }

    @Test
    void everyCommandGivesTheSameOutputAndExitCodeWarmAsDirect() throws Exception {
        CliProcesses user = trusted("same");
        expectOk(user.run("1m", "launch", "--name", "first"));
        user.awaitWarm();
        assertEquals(new CliProcesses.Result(0, "Launched: second\n", ""), warm(user, "launch", "--name", "second"));
        CliProcesses.Result again = warm(user, "launch", "--name", "second");
        assertEquals(2, again.exit());
        assertEquals(again, user.run("0", "launch", "--name", "second"));
        for (List<String> command : List.of(List.of("list"), List.of("list", "--format", "json"), List.of("list", "--format", "yaml"),
                List.of("info", "first"), List.of("info", "nosuch"), List.of("get", "local.passphrase"), List.of("stop", "nosuch"),
                List.of("trust", "list", "--format", "csv"), List.of("version"), List.of("list", "--format", "xml"))) {
            String[] args = command.toArray(String[]::new);
            assertEquals(user.run("0", args), warm(user, args), "multipass " + String.join(" ", command));
        }
    }

    @Test
    void theDaemonsRestartAndARevocationShowAtTheNextCommand() throws Exception {
        CliProcesses user = trusted("restart");
        expectOk(user.run("1m", "list"));
        user.awaitWarm();
        daemon.stop();
        daemon.startAgain();
        assertEquals(user.run("0", "list"), expectOk(warm(user, "list")));

        String pem = Files.readString(user.home().resolve(".local/share/multipass-client-certificate/multipass_cert.pem"));
        String fingerprint = TrustEntry.fingerprint(Pem.decode(pem).get(0).der());
        CliProcesses admin = new CliProcesses(CliProcesses.builtJar(), shared.resolve("admin"), shared.resolve("run"), address());
        expectOk(admin.run("0", "trust", "remove", fingerprint.substring(0, 16)));
        CliProcesses.Result refused = warm(user, "list");
        assertEquals(2, refused.exit());
        assertTrue(refused.err().startsWith("list failed: The user is not authenticated"), refused.err());
        assertEquals(user.run("0", "list"), refused);
    }

    @Test
    void commandsOneAfterAnotherShareTheWarmClientsKeptConnection() throws Exception {
        CliProcesses user = trusted("kept");
        expectOk(user.run("1m", "list"));
        ProcessHandle warm = user.awaitWarm();
        int idle = sockets(warm).size(); // its listening socket, and what the JVM holds
        expectOk(warm(user, "list"));
        CliProcesses.await(() -> sockets(warm).size() == idle + 1, "one connection to the daemon kept after the command");
        Set<String> kept = sockets(warm);
        expectOk(warm(user, "list"));
        assertEquals(new CliProcesses.Result(0, "No instances found.\n", ""), warm(user, "list"));
        expectOk(warm(user, "version"));
        CliProcesses.await(() -> sockets(warm).size() == idle + 1, "the CLIs' connections closed");
        assertEquals(kept, sockets(warm), "no new connection to the daemon: the kept one carried every command");
    }

    @Test
    void aKeptConnectionTheDaemonClosedForIdlenessIsReplacedUnseen() throws Exception {
        Path config = daemon.dataDir().resolve("multipassd.conf");
        String settings = Files.readString(config);
        CliProcesses user = trusted("idle-daemon");
        daemon.stop();
        Files.writeString(config, settings + "\n[Limits]\nidle_timeout_seconds=1\n");
        daemon.startAgain();
        try {
            expectOk(user.run("1m", "list"));
            user.awaitWarm();
            expectOk(warm(user, "list"));
            int closed = count(TestDaemon.log(), "carried no call within");
            CliProcesses.await(() -> count(TestDaemon.log(), "carried no call within") > closed, "the daemon to close the idle connection");
            assertEquals(user.run("0", "list"), expectOk(warm(user, "list")));
        } finally {
            daemon.stop();
            Files.writeString(config, settings);
            daemon.startAgain();
        }
    }

    /** The socket inodes a process holds open (its listening socket and its connections). */
    private static Set<String> sockets(ProcessHandle process) {
        Set<String> inodes = new TreeSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", String.valueOf(process.pid()), "fd"))) {
            for (Path fd : fds) {
                String target = Files.readSymbolicLink(fd).toString();
                if (target.startsWith("socket:")) {
                    inodes.add(target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the descriptors of process " + process.pid(), e);
        }
        return inodes;
    }

    @Test
    void aRequestHandedOverIsNeverSentTwiceWhenTheWarmClientIsKilled() throws Exception {
        CliProcesses user = trusted("killed");
        expectOk(user.run("1m", "list"));
        ProcessHandle warm = user.awaitWarm();
        int before = count(TestDaemon.log(), "request set from");
        // set local.passphrase hashes for a while at the daemon: the warm client is killed meanwhile.
        Process set = user.start("1m", "set", "local.passphrase=" + PASSPHRASE);
        CliProcesses.await(() -> count(TestDaemon.log(), "request set from") > before, "the daemon received the set request");
        warm.destroyForcibly();
        String err = new String(set.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        set.waitFor();
        assertEquals("set failed: the daemon closed the connection without replying\n", err, "a cut like a direct connection's");
        assertEquals(2, set.exitValue());
        CliProcesses.await(() -> count(TestDaemon.log(), "passphrase changed") >= 1, "the daemon finished the set");
        assertEquals(before + 1, count(TestDaemon.log(), "request set from"), "the request reached the daemon once");

        CliProcesses.Result next = user.run("1m", "get", "local.passphrase");
        assertEquals(new CliProcesses.Result(0, "true\n", ""), next, "the next command goes direct and works");
        user.awaitWarm();
        assertNotEquals(warm.pid(), user.warmClients().get(0).pid(), "a new warm client was started");
    }

    @Test
    void itExitsAfterThePersistTimeWithNoCommandAndRemovesItsSocket() throws Exception {
        CliProcesses user = trusted("idle");
        expectOk(user.run("2s", "list"));
        ProcessHandle warm = user.awaitWarm();
        long started = System.nanoTime();
        CliProcesses.await(() -> !warm.isAlive(), "the idle warm client to exit");
        assertTrue(System.nanoTime() - started > 1_000_000_000L, "it waited for commands first");
        assertEquals(List.of(), user.sockets());
    }

    @Test
    void twoIdentitiesOfOneUserGetTwoWarmClients() throws Exception {
        CliProcesses one = trusted("one");
        CliProcesses two = trusted("two");
        expectOk(one.run("1m", "list"));
        expectOk(two.run("1m", "list"));
        ProcessHandle first = one.awaitWarm();
        ProcessHandle second = two.awaitWarm();
        assertNotEquals(first.pid(), second.pid());
        assertEquals(2, one.sockets().size(), "two sockets in the user's directory");
        expectOk(warm(one, "list"));
        expectOk(warm(two, "list"));
    }

    @Test
    void theSettingTurnsItOnAndOff() throws Exception {
        CliProcesses user = trusted("off");
        CliProcesses.Result bad = user.run(null, "set", "client.persist=1h30m");
        assertEquals(new CliProcesses.Result(1, "", "Invalid value '1h30m' for client.persist: use 0 (off) or a whole number of seconds,"
                + " minutes or hours from 1s to 24h, such as 30s, 10m or 1h\n"), bad, "the exit code set gives other bad values");
        assertEquals(new CliProcesses.Result(0, "0\n", ""), user.run(null, "get", "client.persist"), "off by default");
        expectOk(user.run(null, "set", "client.persist=10m"));
        assertEquals(new CliProcesses.Result(0, "10m\n", ""), user.run(null, "get", "client.persist"));
        Path config = user.home().resolve(".config/multipass/multipass.conf");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        expectOk(user.run(null, "list"));
        ProcessHandle warm = user.awaitWarm();
        expectOk(user.run(null, "set", "client.persist=0"));
        CliProcesses.await(() -> !warm.isAlive(), "the warm client to exit once the setting is off");
        assertEquals(List.of(), user.sockets());
    }

    @Test
    void aNewBuildGoesDirectAndStartsItsOwnWarmClient() throws Exception {
        Path jar = dir.resolve("copy.jar");
        Files.copy(CliProcesses.builtJar(), jar);
        CliProcesses user = user("build", jar);
        expectOk(user.run("0", "authenticate", PASSPHRASE));
        expectOk(user.run("1m", "list"));
        ProcessHandle old = user.awaitWarm();
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        Path classes = dir.resolve("direct-classes.txt");
        CliProcesses.Result direct = user.run("1m", List.of("-Xlog:class+load:file=" + classes), "list");
        assertEquals(user.run("0", "list"), direct);
        assertTrue(Files.readString(classes).contains("javax.net.ssl."), "the new build went direct");
        CliProcesses.await(() -> !old.isAlive(), "the old build's warm client to exit");
        ProcessHandle fresh = user.awaitWarm();
        assertNotEquals(old.pid(), fresh.pid());
        expectOk(warm(user, "list"));
    }

    @Test
    void manyCommandsStartingAtOnceLeaveOneWarmClient() throws Exception {
        CliProcesses user = trusted("crowd");
        List<Process> commands = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            commands.add(user.start("1m", "list"));
        }
        for (Process command : commands) {
            command.getInputStream().readAllBytes();
            String err = new String(command.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, command.waitFor(), err);
        }
        user.awaitWarm();
        // The losers give up as soon as they fail to take the lock: wait until every JVM started has had time to try.
        long stableSince = System.nanoTime();
        while (System.nanoTime() - stableSince < 5_000_000_000L) {
            assertEquals(1, user.warmClients().size(), "warm clients for one identity");
            Thread.sleep(100);
        }
        assertEquals(1, user.sockets().size());
    }

    @Test
    void theWarmPathLoadsNoTlsCertificateOrKeyClass() throws Exception {
        CliProcesses user = trusted("classes");
        expectOk(user.run("1m", "list"));
        user.awaitWarm();
        // javax.crypto.KDFParameters is the one exception: on JDK 24+ the JDK's own Unix-domain
        // socket code makes a SecureRandom (for temporary socket names), and java.security.Provider's
        // table of engine types names that interface; it is loaded, never used.
        Pattern heavy = Pattern.compile("^\\S+ (javax\\.net\\.ssl\\.|sun\\.security\\.(ssl|x509|ec|pkcs|util\\.Der)|javax\\.crypto\\.(?!KDFParameters\\b)"
                + "|java\\.security\\.(KeyStore|KeyFactory|Signature|cert\\.(X509|CertificateFactory))|multipass\\.tls\\.)\\S*", Pattern.MULTILINE);
        Path warmLog = dir.resolve("warm.txt");
        expectOk(user.run("1m", List.of("-Xlog:class+load:file=" + warmLog), "list"));
        Matcher warm = heavy.matcher(Files.readString(warmLog));
        assertFalse(warm.find(), () -> "loaded on the warm path: " + warm.group());
        Path directLog = dir.resolve("direct.txt");
        expectOk(user.run("0", List.of("-Xlog:class+load:file=" + directLog), "list"));
        assertTrue(heavy.matcher(Files.readString(directLog)).find(), "the direct path loads them (the pattern can match)");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
