// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real {@code java -jar multipass.jar} processes of one user (a home of its own, a private
 * runtime dir) against one daemon, and the warm clients they start. Thread-safe.
 */
final class CliProcesses {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What one command printed and returned. */
    record Result(int exit, String out, String err) {
    }

    private final Path jar;
    private final Path home;
    private final Path runtimeDir;
    private final String address;

    CliProcesses(Path jar, Path home, Path runtimeDir, String address) throws IOException {
        this.jar = jar;
        this.home = home;
        this.runtimeDir = runtimeDir;
        this.address = address;
        Files.createDirectories(home);
        if (!Files.exists(runtimeDir)) {
            Files.createDirectories(runtimeDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    /** The jar {@code make test} built. */
    static Path builtJar() {
        return Path.of(System.getProperty("multipass.jar", "build/multipass.jar")).toAbsolutePath();
    }

    Path home() {
        return home;
    }

    /** This user's warm-client directory. */
    Path warmDir() {
        return runtimeDir.resolve("multipass");
    }

    /** Runs {@code multipass args} with {@code MULTIPASS_PERSIST=persist} (null: unset) and JVM options {@code jvm}. */
    Result run(String persist, List<String> jvm, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        try {
            Process process = builder(persist, jvm, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail("multipass " + String.join(" ", args) + " did not end within " + TIMEOUT.toSeconds() + " s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    Result run(String persist, String... args) throws IOException, InterruptedException {
        return run(persist, List.of(), args);
    }

    /** Starts {@code multipass args} without waiting; its output is piped. */
    Process start(String persist, String... args) throws IOException {
        return builder(persist, List.of(), args).start();
    }

    private ProcessBuilder builder(String persist, List<String> jvm, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvm);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment(persist));
        return builder;
    }

    private Map<String, String> environment(String persist) {
        Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "HOME", home.toString(),
                "XDG_RUNTIME_DIR", runtimeDir.toString(), "MULTIPASS_SERVER_ADDRESS", address));
        if (persist != null) {
            env.put("MULTIPASS_PERSIST", persist);
        }
        return env;
    }

    /** The running warm clients of this user's home (by their command lines). */
    List<ProcessHandle> warmClients() {
        String identity = home.resolve(".local/share/multipass-client-certificate").toString();
        return ProcessHandle.allProcesses().filter(p -> {
            List<String> args = List.of(p.info().arguments().orElse(new String[0]));
            return args.contains(WarmMain.ENTRY) && args.contains(identity);
        }).toList();
    }

    /** The sockets in this user's warm-client directory. */
    List<Path> sockets() throws IOException {
        if (!Files.isDirectory(warmDir())) {
            return List.of();
        }
        try (var files = Files.list(warmDir())) {
            return files.filter(f -> f.toString().endsWith(".sock")).sorted().toList();
        }
    }

    /** Waits until one warm client runs and listens for this home; returns it. */
    ProcessHandle awaitWarm() throws IOException, InterruptedException {
        await(() -> warmClients().size() == 1 && !socketsQuietly().isEmpty(), "a warm client listening for " + home);
        return warmClients().get(0);
    }

    private List<Path> socketsQuietly() {
        try {
            return sockets();
        } catch (IOException e) {
            return List.of(); // the directory is being made: not there yet
        }
    }

    /** Polls {@code condition} every 20 ms until it holds, else fails naming {@code what}. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited " + TIMEOUT.toSeconds() + " s for " + what);
            Thread.sleep(20);
        }
    }

    /** Kills every warm client of this home (test cleanup). */
    void killWarmClients() {
        warmClients().forEach(ProcessHandle::destroyForcibly);
    }
}
