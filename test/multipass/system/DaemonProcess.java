// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real daemon ({@code java -jar multipass.jar daemon ...}) as a child process of the test
 * JVM, so as root. {@link #start} returns once the daemon has printed its
 * {@code MULTIPASS_SERVER_ADDRESS=...} line (that is, once it listens); its stderr log goes to
 * a file, kept for later checks. {@link #stop} sends SIGTERM and waits, {@link #kill} SIGKILL; {@link #shutDown} is for cleanup.
 */
final class DaemonProcess {
    static final String ADDRESS_PREFIX = "MULTIPASS_SERVER_ADDRESS=";

    private final Process process;
    private final Path log;
    private final String address;

    private DaemonProcess(Process process, Path log, String address) {
        this.process = process;
        this.log = log;
        this.address = address;
    }

    /** Starts {@code command} with {@code environment}, logging to {@code log}; waits up to {@code timeout} for its address line. */
    static DaemonProcess start(List<String> command, Map<String, String> environment, Path log, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("/").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        List<String> stdout = new ArrayList<>();
        CompletableFuture<String> address = new CompletableFuture<>();
        Thread reader = new Thread(() -> readStdout(process, stdout, address), "daemon-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return new DaemonProcess(process, log, address.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            Processes.kill(process);
            String why = e instanceof TimeoutException ? "did not print " + ADDRESS_PREFIX + "... within " + timeout.toSeconds() + " s"
                    : "stopped before printing " + ADDRESS_PREFIX + "... (" + e.getCause().getMessage() + ", exit " + process.exitValue() + ")";
            throw new IOException("the daemon " + why + "\n  ran: " + String.join(" ", command)
                    + "\n  stdout: " + snapshot(stdout) + "\n  stderr: " + Files.readString(log, StandardCharsets.UTF_8), e);
        }
    }

    /** What followed {@code MULTIPASS_SERVER_ADDRESS=} on the daemon's stdout. */
    String address() {
        return address;
    }

    /** The daemon's stderr so far. */
    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The daemon's process id, for reading {@code /proc/<pid>}. */
    long pid() {
        return process.pid();
    }

    /** Sends SIGTERM and waits up to {@code timeout}; returns the exit code, or throws if it is still running. */
    int stop(Duration timeout) throws IOException, InterruptedException {
        process.destroy(); // SIGTERM on Unix
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("the daemon (pid " + process.pid() + ") did not stop within " + timeout.toSeconds() + " s of SIGTERM");
        }
        return process.exitValue();
    }

    /** Kills the daemon as {@code kill -9} does (SIGKILL: no shutdown hook, no cleanup) and waits for it to end. */
    void kill() throws InterruptedException {
        Processes.kill(process);
    }

    /** Stops the daemon if it is still running: SIGTERM, then SIGKILL after 10 s. */
    void shutDown() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                Processes.kill(process);
            }
        }
    }

    private static void readStdout(Process process, List<String> lines, CompletableFuture<String> address) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                }
                if (line.startsWith(ADDRESS_PREFIX)) {
                    address.complete(line.substring(ADDRESS_PREFIX.length()));
                }
            }
            address.completeExceptionally(new IOException("end of its stdout"));
        } catch (IOException e) {
            address.completeExceptionally(new UncheckedIOException(e));
        }
    }

    private static String snapshot(List<String> lines) {
        synchronized (lines) {
            return String.join("\\n", lines);
        }
    }
}
