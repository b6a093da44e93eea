// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.system.ThrowAwayUsers.User;
import multipass.testing.QuickIdentities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secrets stay secret (issue 8, SPEC 4 and 6), as root with throw-away users and the real jar:
 * the daemon at its highest verbosity ({@code trace}), every client at {@code -vvvv}, two
 * passphrases of random characters, set as an argument and at the prompt, used as an
 * argument, on standard input, and wrongly. Afterwards neither passphrase appears in the
 * daemon's log, in any client's output, in any file of the data directory, the socket
 * directory or the users' homes (their identity directories), nor in {@code ps} output or
 * {@code /proc} of the daemon. The stored hash appears in {@code multipassd.conf} and nowhere
 * else, and neither do its salt and digest on their own.
 */
class SecretsSystemTest {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<>?@[]^_{|}~";
    private static final SecureRandom RANDOM = new SecureRandom();

    private RootSandbox sandbox;
    private final List<Outcome> outcomes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws IOException, InterruptedException {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** A passphrase of random printable characters; it starts with a letter, so it is never taken for an option. */
    private static String randomPassphrase() {
        StringBuilder text = new StringBuilder("k");
        for (int i = 0; i < 31; i++) {
            text.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void noPassphraseNorItsHashLeaksAtAnyVerbosity() throws Exception {
        sandbox = RootSandbox.open("ps");
        String group = sandbox.accounts.createGroup();
        User admin = sandbox.accounts.createUser("admin", group);
        User alice = sandbox.accounts.createUser("alice");
        User bob = sandbox.accounts.createUser("bob");
        Path data = sandbox.newDataDir("data");
        QuickIdentities.seedDaemon(data);
        Path socket = sandbox.shared.resolve("multipass_socket");
        String address = "unix:" + socket;
        DaemonProcess daemon = sandbox.startDaemon("--address", address, "--data-dir", data.toString(), "--admin-group", group,
                "--verbosity", "trace");
        String first = randomPassphrase();
        String second = randomPassphrase();

        run(sandbox.client(admin, address, "-vvvv", "set", "local.passphrase=" + first), 0);
        run(sandbox.client(admin, address, "-vvvv", "get", "local.passphrase"), 0);
        run(sandbox.client(alice, address, "-vvvv", "authenticate", first), 0);
        run(sandbox.client(bob, address, "-vvvv", "authenticate", second), 2); // wrong
        run(sandbox.clientWithStdin(admin, address, second + "\n" + second + "\n", "-vvvv", "set", "local.passphrase"), 0);
        run(sandbox.clientWithStdin(bob, address, second + "\n", "-vvvv", "authenticate"), 0);
        run(sandbox.client(alice, address, "-vvvv", "trust", "list"), 0);
        run(sandbox.client(bob, address, "-vvvv", "list"), 0);
        run(sandbox.client(alice, address, "-vvvv", "version"), 0);
        String processes = sandbox.processes.runOrFail(List.of("ps", "-o", "pid,args", "-p", Long.toString(daemon.pid()))).stdout()
                + sandbox.processes.runOrFail(List.of("ps", "-eo", "pid,args")).stdout();
        String proc = Files.readString(Path.of("/proc", Long.toString(daemon.pid()), "cmdline"), StandardCharsets.ISO_8859_1)
                + Files.readString(Path.of("/proc", Long.toString(daemon.pid()), "environ"), StandardCharsets.ISO_8859_1);
        daemon.stop(RootSandbox.PROCESS_TIMEOUT);

        String hash = storedHash(data);
        assertTrue(hash.startsWith("pbkdf2-sha256$"), "the passphrase is stored as a hash: " + hash);
        List<String> secrets = new ArrayList<>(List.of(first, second, hash));
        String[] parts = hash.split("\\$");
        secrets.add(parts[2]); // the salt
        secrets.add(parts[3]); // the digest
        String log = daemon.log();
        assertTrue(log.contains("[trace]"), "the daemon logged at trace level");
        assertTrue(outcomes.stream().anyMatch(outcome -> outcome.stderr().contains("[trace]")), "the clients received trace lines");
        for (String secret : secrets) {
            String which = secret.equals(first) ? "the first passphrase" : secret.equals(second) ? "the second passphrase" : "the hash or a part of it";
            assertFalse(log.contains(secret), which + " is in the daemon's log");
            for (Outcome outcome : outcomes) {
                assertFalse(outcome.stdout().contains(secret) || outcome.stderr().contains(secret), which + " is in a client's output:" + outcome);
            }
            assertFalse(processes.contains(secret), which + " is in ps output");
            assertFalse(proc.contains(secret), which + " is in the daemon's /proc command line or environment");
            List<Path> holders = filesContaining(secret, data, sandbox.shared, admin.home(), alice.home(), bob.home());
            assertEquals(secret.equals(first) || secret.equals(second) ? List.of() : List.of(data.resolve("multipassd.conf")), holders,
                    which + ": the files that hold it");
        }
    }

    private void run(Outcome outcome, int expectedExit) {
        outcomes.add(outcome);
        assertEquals(expectedExit, outcome.exitCode(), "exit code of" + outcome);
    }

    private static String storedHash(Path data) throws IOException {
        return Files.readAllLines(data.resolve("multipassd.conf"), StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith("local.passphrase="))
                .map(line -> line.substring("local.passphrase=".length()))
                .findFirst().orElseThrow(() -> new AssertionError("no local.passphrase line in multipassd.conf"));
    }

    /** The regular files under {@code roots} whose bytes contain {@code secret} (as UTF-8; the secrets here are ASCII). */
    private static List<Path> filesContaining(String secret, Path... roots) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path file : walk.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).collect(Collectors.toList())) {
                    // ISO-8859-1 maps each byte to one char, so this is a byte search that cannot fail to decode.
                    if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(secret)) {
                        found.add(file);
                    }
                }
            }
        }
        return found;
    }
}
