// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs short external commands for the system tests: output goes to files in a scratch
 * directory (no pipe can fill up and block the child), and a command that outlives its
 * deadline is killed, with the processes it started, by their ids.
 */
final class Processes {
    /** Where system tools live, beyond {@code $PATH} (a root shell's PATH may lack the sbin dirs). */
    private static final List<String> SYSTEM_DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    private final Path scratch;
    private final Duration timeout;
    private int runs;

    /** @param scratch a directory only root can read, for the captured output */
    Processes(Path scratch, Duration timeout) {
        this.scratch = scratch;
        this.timeout = timeout;
    }

    /** The absolute path of executable {@code name}, from {@code $PATH} or the usual system dirs. */
    static Optional<Path> find(String name) {
        String path = System.getenv("PATH");
        Stream<String> dirs = Stream.concat(path == null ? Stream.empty() : Stream.of(path.split(":")), SYSTEM_DIRS.stream());
        return dirs.filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Runs {@code command} in {@code dir} with exactly {@code environment}, feeding it
     * {@code stdin} (null: an empty stdin), and waits for it.
     */
    Outcome run(String who, List<String> command, Map<String, String> environment, Path dir, String stdin)
            throws IOException, InterruptedException {
        int run;
        synchronized (this) {
            run = ++runs;
        }
        Path out = scratch.resolve("run-" + run + ".out");
        Path err = scratch.resolve("run-" + run + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()) : ProcessBuilder.Redirect.PIPE);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (stdin != null) {
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(process); // e.g. the test's @Timeout: leave no process behind to block userdel
            throw e;
        }
        if (!finished) {
            kill(process);
            throw new IOException("timed out after " + timeout.toSeconds() + " s and killed: " + String.join(" ", command)
                    + "\n  stdout so far: " + Files.readString(out) + "\n  stderr so far: " + Files.readString(err));
        }
        return new Outcome(who, command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Runs a root-side tool and fails unless it exits 0. */
    Outcome runOrFail(List<String> command) throws IOException, InterruptedException {
        Outcome outcome = run("root", command, Map.of("PATH", String.join(":", SYSTEM_DIRS)), Path.of("/"), null);
        if (outcome.exitCode() != 0) {
            throw new IOException("command failed:" + outcome);
        }
        return outcome;
    }

    /** Kills {@code process} and everything it started (runuser forks the command it runs). */
    static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
