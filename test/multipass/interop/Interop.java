// SPDX-License-Identifier: Apache-2.0
package multipass.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the interop tests share: the tools (a python3 that imports grpcio and protobuf, and
 * protoc, from Debian's python3-grpcio, python3-protobuf and protobuf-compiler), the scripts
 * under {@code test/interop}, the jar under test, and running processes with their output in
 * files (no pipe can fill up) and a deadline. A missing tool skips the test with a message
 * naming the packages, except in CI ({@code CI} set), where {@code .ci/run} installs them and a
 * missing one is a failure, so that CI can never pass by skipping.
 */
final class Interop {
    static final String PACKAGES = "python3-grpcio python3-protobuf protobuf-compiler";
    static final String NOT_AUTHENTICATED = "The user is not authenticated with the Multipass service.\n\n"
            + "Please authenticate before proceeding (e.g. via 'multipass authenticate'). Note that you first need an authenticated"
            + " user to set and provide you with a trusted passphrase (e.g. via 'multipass set local.passphrase').";
    static final String NO_PASSPHRASE = "Incorrect passphrase. No passphrase is set.\n\nTo authenticate, first ask an authenticated"
            + " user to set a passphrase and share it with you, provided they trust you. To set a passphrase, use the command"
            + " 'multipass set local.passphrase'. Note that only the user who installs Multipass is automatically authenticated.";
    static final String WRONG_PASSPHRASE = "Passphrase is not correct. Please try again.";
    /** The version canonical_client.py and fake_multipassd.py report for themselves. */
    static final String CANONICAL_VERSION = "1.16.0";
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final List<String> SYSTEM_DIRS = List.of("/usr/local/bin", "/usr/bin", "/bin");

    private Interop() {
    }

    /** What a finished command printed and returned. */
    record Outcome(List<String> command, int exit, String out, String err) {
        @Override
        public String toString() {
            return String.join(" ", command) + "\n  exit " + exit + "\n  stdout: " + out + "\n  stderr: " + err;
        }
    }

    /**
     * A python3 that imports grpc and google.protobuf, with protoc on the system: PATH's python3
     * first (it may be a pyenv or venv without Debian's modules), then /usr/bin/python3. Else a
     * skip, or a failure in CI.
     */
    static Path python() throws IOException, InterruptedException {
        boolean protoc = find("protoc").isPresent();
        List<Path> candidates = new ArrayList<>();
        find("python3").ifPresent(candidates::add);
        candidates.add(Path.of("/usr/bin/python3"));
        for (Path candidate : candidates) {
            if (protoc && Files.isExecutable(candidate) && imports(candidate)) {
                return candidate;
            }
        }
        String missing = "a python3 that imports grpc and google.protobuf (tried " + candidates + "), and protoc"
                + (protoc ? "" : " (not found)");
        if (System.getenv("CI") != null) {
            fail("CI must provide " + missing + ": apt-get install " + PACKAGES + "; .ci/run installs them");
        }
        assumeTrue(false, "skipped: the interop tier needs " + missing + ": apt-get install " + PACKAGES);
        throw new AssertionError("unreachable");
    }

    private static boolean imports(Path python) throws IOException, InterruptedException {
        Process probe = new ProcessBuilder(python.toString(), "-c", "import grpc, google.protobuf")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!probe.waitFor(30, TimeUnit.SECONDS)) {
            probe.destroyForcibly();
            return false;
        }
        return probe.exitValue() == 0;
    }

    static Optional<Path> find(String name) {
        String path = System.getenv("PATH");
        Stream<String> dirs = Stream.concat(path == null ? Stream.empty() : Stream.of(path.split(":")), SYSTEM_DIRS.stream());
        return dirs.filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst();
    }

    /** The jar under test ({@code -Dmultipass.jar}, set by {@code make test}). */
    static Path jar() {
        Path jar = Path.of(System.getProperty("multipass.jar", "build/multipass.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "setup: the jar under test " + jar + " must exist; run `make interop`");
        return jar;
    }

    /** {@code test/interop/<name>} of the tree the jar was built in. */
    static Path script(String name) {
        Path script = jar().getParent().getParent().resolve("test").resolve("interop").resolve(name);
        assertTrue(Files.isRegularFile(script), "setup: " + script + " must exist");
        return script;
    }

    /** This JVM's java, to run the jar with. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A base environment for children: system tools on PATH, a UTF-8 locale, HOME. */
    static Map<String, String> environment(Path home) {
        return new java.util.HashMap<>(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LC_ALL", "C.UTF-8", "HOME", home.toString()));
    }

    /** Copies {@code from} to {@code to}, readable by all and writable only by its owner (as a published CA must be). */
    static void publish(Path from, Path to) throws IOException {
        Files.copy(from, to);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** Runs {@code command} to completion within {@link #COMMAND_TIMEOUT}; its output goes through files in {@code scratch}. */
    static Outcome run(List<String> command, Map<String, String> environment, Path scratch) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "run-", ".out");
        Path err = Files.createTempFile(scratch, "run-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean finished;
        try {
            finished = process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            if (process.isAlive()) {
                kill(process);
            }
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        if (!finished) {
            fail("timed out after " + COMMAND_TIMEOUT.toSeconds() + " s and killed: " + String.join(" ", command)
                    + "\n  stdout so far: " + stdout + "\n  stderr so far: " + stderr);
        }
        return new Outcome(command, process.exitValue(), stdout, stderr);
    }

    /** Asserts all of {@code outcome}: exit code, stdout and stderr, exactly. */
    static void expect(Outcome outcome, int exit, String out, String err) {
        assertEquals(err, outcome.err(), () -> "stderr of " + outcome);
        assertEquals(out, outcome.out(), () -> "stdout of " + outcome);
        assertEquals(exit, outcome.exit(), () -> "exit code of " + outcome);
    }

    /** A daemon (ours or the fake) running in the background, with its output in files. */
    static final class Background {
        private final Process process;
        private final Path out;
        private final Path err;

        private Background(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /**
         * Starts {@code command} and waits until its stdout has a line starting with {@code ready};
         * kills it and fails if it does not come within {@link #START_TIMEOUT}.
         */
        static Background start(List<String> command, Map<String, String> environment, Path scratch, String ready)
                throws IOException, InterruptedException {
            Path out = Files.createTempFile(scratch, "daemon-", ".out");
            Path err = Files.createTempFile(scratch, "daemon-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().clear();
            builder.environment().putAll(environment);
            Background daemon = new Background(builder.start(), out, err);
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (daemon.stdout().lines().noneMatch(line -> line.startsWith(ready))) {
                if (!daemon.process.isAlive() || System.nanoTime() > deadline) {
                    daemon.stop();
                    fail("the daemon did not print '" + ready + "...' (" + (daemon.process.isAlive() ? "timed out" : "it ended")
                            + "): " + String.join(" ", command) + "\n  stdout: " + daemon.stdout() + "\n  stderr: " + daemon.stderr());
                }
                Thread.sleep(50);
            }
            return daemon;
        }

        String stdout() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        /** SIGTERM, then SIGKILL after 10 s: this process and what it started, by their ids. */
        void stop() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    kill(process);
                }
            }
        }
    }

    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
