// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real daemon, started from the jar in a JVM of its own ({@code java [jvm options] -jar
 * multipass.jar daemon --address ... --data-dir ...}), its log kept in a file for counting
 * refusals afterwards. {@link #memory()} reads its resident set from {@code /proc}.
 * {@link #close()} stops it as the service manager would (SIGTERM) and waits.
 */
final class DaemonProcess implements AutoCloseable {
    private static final String READY = "MULTIPASS_SERVER_ADDRESS=";

    private final Process process;
    private final Path log;
    private final String address;

    private DaemonProcess(Process process, Path log, String address) {
        this.process = process;
        this.log = log;
        this.address = address;
    }

    /**
     * Starts a daemon listening on {@code address} and waits until it says it listens (it may
     * first generate its certificates with keytool, which takes seconds on a busy machine).
     */
    static DaemonProcess start(Jvm jvm, List<String> jvmOptions, Path jar, String address, Workspace workspace, String name)
            throws IOException {
        return start(jvm, jvmOptions, jar, address, workspace.dataDir(), workspace, name);
    }

    /** As {@link #start(Jvm, List, Path, String, Workspace, String)}, on data dir {@code dataDir}. */
    static DaemonProcess start(Jvm jvm, List<String> jvmOptions, Path jar, String address, Path dataDir, Workspace workspace, String name)
            throws IOException {
        List<String> command = new ArrayList<>(jvm.command(jvmOptions));
        command.addAll(List.of("-jar", jar.toString(), "daemon", "--address", address, "--data-dir", dataDir.toString()));
        Path log = workspace.root().resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(workspace.environment());
        Process process = builder.start();
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> readyLine(process));
        try {
            String line = ready.get(120, TimeUnit.SECONDS);
            if (line == null) {
                process.waitFor(5, TimeUnit.SECONDS);
                throw new IOException("the daemon exited before listening; its log " + log + " says:\n" + Files.readString(log));
            }
            return new DaemonProcess(process, log, line.substring(READY.length()));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("the daemon did not start listening within 120 s; see " + log, e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the daemon", e);
        }
    }

    /** Reads the daemon's stdout up to its ready line (null if it ends first), then drains the rest in the background. */
    private static String readyLine(Process process) {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(READY)) {
                    Thread drain = new Thread(() -> drain(out), "daemon-stdout");
                    drain.setDaemon(true);
                    drain.start();
                    return line;
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                continue;
            }
        } catch (IOException e) {
            return; // the daemon is gone; nothing more to read
        }
    }

    /** The address the daemon printed, as {@code MULTIPASS_SERVER_ADDRESS} wants it. */
    String address() {
        return address;
    }

    long pid() {
        return process.pid();
    }

    /** The daemon's memory now, from {@code /proc/<pid>/status}. */
    Memory memory() throws IOException {
        long rss = -1;
        long hwm = -1;
        int threads = -1;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kilobytes(line);
            } else if (line.startsWith("VmHWM:")) {
                hwm = kilobytes(line);
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring("Threads:".length()).strip());
            }
        }
        return new Memory(rss, hwm, threads);
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** CPU time the daemon has used so far (all its threads), in milliseconds. */
    double cpuMillis() {
        return process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(Double.NaN);
    }

    /**
     * Connections the daemon refused so far, from its log: each {@code refusing a connection}
     * line, plus the refusals it says were not logged since the previous such line.
     */
    long connectionsRefused() throws IOException {
        Pattern skipped = Pattern.compile("; ([0-9]+) more refused for this reason");
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains("refusing a connection")).mapToLong(line -> {
                Matcher matcher = skipped.matcher(line);
                return 1 + (matcher.find() ? Long.parseLong(matcher.group(1)) : 0);
            }).sum();
        }
    }

    /** Stops the daemon with SIGTERM and waits for it (SIGKILL after 20 s). */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The daemon's memory: resident set now, its high-water mark, and its thread count.
     *
     * @param rssKb  VmRSS in KiB
     * @param hwmKb  VmHWM (peak resident set) in KiB
     */
    record Memory(long rssKb, long hwmKb, int threads) {
        Memory max(Memory other) {
            return new Memory(Math.max(rssKb, other.rssKb), Math.max(hwmKb, other.hwmKb), Math.max(threads, other.threads));
        }
    }
}
