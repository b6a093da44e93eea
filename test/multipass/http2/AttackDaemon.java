// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.platform.Address;
import multipass.api.Request;
import multipass.api.Status;
import multipass.testing.DaemonConfig;
import multipass.testing.QuickIdentities;
import multipass.testing.TestClient;
import multipass.tls.Identity;
import multipass.tls.PublishedAuthority;
import multipass.transport.TlsChannel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real daemon ({@code java -jar multipass.jar daemon}, with the launcher's daemon JVM
 * options) as a child process, for the HTTP/2 attack tests: its resident memory and CPU time
 * read from {@code /proc/<pid>}, a trusted client (the first client) and a second trusted
 * identity (authenticated with a passphrase), and {@link #underAttack}, which runs an attack
 * while a trusted client calls {@code list} over and over (a new connection each time, and
 * one kept open), and checks the limits every attack must stay within.
 */
final class AttackDaemon implements AutoCloseable {
    /** The launcher's options for the daemon (packaging/launcher.sh). */
    static final List<String> DAEMON_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx192m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30");
    /** The most resident memory an attack may add to the quiet daemon's (issue 20). */
    static final long MAX_RSS_GROWTH_KIB = 256 * 1024;
    /** A trusted call slower than this during an attack fails the test: generous, timing is the bench's. */
    static final long MAX_TRUSTED_LATENCY_MILLIS = 10_000;
    static final String PASSPHRASE = "attack-tests";

    private final Process process;
    private final Path log;
    final Address address;
    final Path caFile;
    final Identity trusted = QuickIdentities.client("trusted");
    /** A second trusted certificate of the same user: an attacker the daemon trusts. */
    final Identity trustedAttacker = QuickIdentities.client("trusted-attacker");
    private long quietRssKib;

    private AttackDaemon(Process process, Path log, Address address, Path caFile) {
        this.process = process;
        this.log = log;
        this.address = address;
        this.caFile = caFile;
    }

    /** Starts the daemon in {@code dir} with {@code limits} ({@code key=value} of {@code [Limits]}), trusts both identities. */
    static AttackDaemon start(Path dir, String... limits) throws Exception {
        Path data = dir.resolve("data");
        QuickIdentities.seedDaemon(data);
        DaemonConfig.writeLimits(data, limits);
        Path socket = dir.resolve("s");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path jar = Path.of(System.getProperty("multipass.jar", "build/multipass.jar")).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(DAEMON_JVM_OPTIONS);
        command.addAll(List.of("-jar", jar.toString(), "daemon", "--address", "unix:" + socket, "--data-dir", data.toString()));
        if (Boolean.getBoolean("multipass.attack.debug")) {
            command.addAll(List.of("--verbosity", "debug"));
        }
        Path log = dir.resolve("daemon.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "HOME", dir.toString()));
        Process process = builder.start();
        CompletableFuture<String> address = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("MULTIPASS_SERVER_ADDRESS=")) {
                        address.complete(line);
                    }
                }
                address.completeExceptionally(new IOException("the daemon's stdout ended"));
            } catch (IOException e) {
                address.completeExceptionally(e);
            }
        }, "attack-daemon-stdout");
        reader.setDaemon(true);
        reader.start();
        AttackDaemon daemon = new AttackDaemon(process, log, new Address.Unix(socket), PublishedAuthority.forSocket(socket));
        try {
            address.get(60, TimeUnit.SECONDS);
            try (TestClient first = daemon.client(daemon.trusted)) { // the first client
                assertEquals(Status.OK, first.call(Request.of("list", 0)).status());
                assertEquals(Status.OK, first.call(Request.of("set", 0, "local.passphrase", PASSPHRASE)).status());
            }
            try (TestClient second = daemon.client(daemon.trustedAttacker)) {
                assertEquals(Status.OK, second.call(Request.of("authenticate", 0, PASSPHRASE)).status());
            }
            for (int i = 0; i < 20; i++) { // warm up, so that the quiet RSS is that of a daemon that has served
                daemon.trustedList();
            }
            Thread.sleep(500);
            daemon.quietRssKib = daemon.rssKib();
        } catch (Exception | Error e) {
            daemon.close();
            throw new IOException("the daemon did not start and serve: " + daemon.log(), e);
        }
        return daemon;
    }

    TestClient client(Identity identity) throws Exception {
        return TestClient.connect(address, caFile, identity);
    }

    /** A TLS connection to the daemon as {@code identity} (null: no certificate), after its handshake, ALPN h2. */
    TlsChannel tls(Identity identity) throws Exception {
        return TestClient.handshake(address, caFile, identity);
    }

    /** An HTTP/2 peer on a new connection as {@code identity}: preface and SETTINGS exchanged. */
    RawHttp2Peer raw(Identity identity) throws Exception {
        TlsChannel tls = tls(identity);
        try {
            return new RawHttp2Peer(tls).startClient();
        } catch (IOException | RuntimeException e) {
            tls.close();
            throw e;
        }
    }

    /** One trusted {@code list} on a new connection; returns its latency in milliseconds. */
    long trustedList() throws Exception {
        long start = System.nanoTime();
        try (TestClient client = client(trusted)) {
            assertEquals(Status.OK, client.call(Request.of("list", 0)).status());
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** VmRSS of {@code /proc/<pid>/status}, in KiB. */
    long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").strip());
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid() + "/status");
    }

    /** utime + stime of {@code /proc/<pid>/stat}, in clock ticks (1/100 s on Linux). */
    long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** An attack: returns what the daemon answered, in words, for the report line (it asserts the answer itself). */
    @FunctionalInterface
    interface Attack {
        String run() throws Exception;
    }

    /** What one attack cost the daemon and its trusted client. */
    record Outcome(String name, String answer, long peakRssGrowthKib, double cpuSeconds, int trustedCalls, long worstLatencyMillis,
                   long afterLatencyMillis, long tookMillis) {
        @Override
        public String toString() {
            return String.format("attack %-44s | %-60s | peak RSS +%d MiB | CPU %.2f s in %.1f s | trusted list x%d, worst %d ms, after %d ms",
                    name, answer, peakRssGrowthKib / 1024, cpuSeconds, tookMillis / 1000.0, trustedCalls, worstLatencyMillis, afterLatencyMillis);
        }
    }

    /**
     * Runs {@code attack} while a trusted client calls {@code list} without pause (on new
     * connections and on one kept open) and the daemon's memory is sampled; then checks that
     * every trusted call succeeded within {@link #MAX_TRUSTED_LATENCY_MILLIS}, that resident
     * memory stayed within {@link #MAX_RSS_GROWTH_KIB} of quiet, and that a new trusted call
     * succeeds at once after the attack. Prints and returns the outcome.
     */
    Outcome underAttack(String name, Attack attack) throws Exception {
        return underAttack(name, MAX_TRUSTED_LATENCY_MILLIS, attack);
    }

    /** {@link #underAttack(String, Attack)} with a trusted call allowed up to {@code maxLatencyMillis}. */
    Outcome underAttack(String name, long maxLatencyMillis, Attack attack) throws Exception {
        AtomicBoolean over = new AtomicBoolean();
        AtomicLong peakRss = new AtomicLong(rssKib());
        AtomicLong worst = new AtomicLong();
        List<Throwable> failures = new ArrayList<>();
        int[] calls = new int[1];
        Thread sampler = new Thread(() -> {
            while (!over.get()) {
                try {
                    peakRss.accumulateAndGet(rssKib(), Math::max);
                    Thread.sleep(50);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "attack-rss");
        Thread prober = new Thread(() -> {
            try (TestClient kept = client(trusted)) {
                do { // at least once, however short the attack
                    long start = System.nanoTime();
                    assertEquals(Status.OK, kept.call(Request.of("list", 0)).status(), "list on the kept connection");
                    worst.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                    worst.accumulateAndGet(trustedList(), Math::max);
                    calls[0] += 2;
                    Thread.sleep(20);
                } while (!over.get());
            } catch (Throwable e) {
                synchronized (failures) {
                    failures.add(e);
                }
            }
        }, "attack-trusted-client");
        long cpuBefore = cpuTicks();
        long start = System.nanoTime();
        sampler.start();
        prober.start();
        String answer;
        try {
            answer = attack.run();
        } finally {
            over.set(true);
            prober.join(Math.max(maxLatencyMillis, MAX_TRUSTED_LATENCY_MILLIS) * 3);
            sampler.join();
        }
        long took = (System.nanoTime() - start) / 1_000_000;
        double cpu = (cpuTicks() - cpuBefore) / 100.0;
        long after = trustedList();
        Outcome outcome = new Outcome(name, answer, Math.max(0, peakRss.get() - quietRssKib), cpu, calls[0], worst.get(), after, took);
        System.out.println(outcome);
        assertTrue(isAlive(), "the daemon runs");
        assertTrue(!prober.isAlive(), name + ": the trusted client's last call did not return");
        if (!failures.isEmpty()) {
            throw new AssertionError(name + ": the trusted client failed during the attack", failures.get(0));
        }
        assertTrue(calls[0] > 0, name + ": the trusted client made calls during the attack");
        assertTrue(worst.get() <= maxLatencyMillis, name + ": a trusted list took " + worst.get() + " ms");
        assertTrue(outcome.peakRssGrowthKib() <= MAX_RSS_GROWTH_KIB, name + ": resident memory grew by " + outcome.peakRssGrowthKib() + " KiB");
        return outcome;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
