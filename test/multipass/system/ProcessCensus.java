// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a running process holds, read from {@code /proc/<pid>}: its thread count (the
 * {@code Threads:} line of {@code status}), its threads by name ({@code task/<tid>/comm}, which
 * the JVM sets to the Java thread's name, cut to 15 characters) and its open file descriptors
 * ({@code fd/}). A JVM starts some threads of its own lazily (a second GC worker, a compiler
 * thread under load), and keeps them; {@link #leakedSince} therefore counts only threads the
 * JVM does not make for itself, and file descriptors. The daemon's pool of call threads
 * ({@code call}) is counted with the JVM's: bounded (32), and an idle one lingers for a minute
 * after the calls it ran, so its size says nothing of a leak (a stuck call shows as a daemon
 * that no longer answers, which the callers check).
 */
record ProcessCensus(int threads, Map<String, Integer> threadNames, List<String> fds) {
    /** Name prefixes of threads the JVM starts and stops by itself (comm names, cut to 15 characters). */
    private static final List<String> JVM_THREADS = List.of("C1 CompilerThre", "C2 CompilerThre", "GC Thread#", "G1 ", "VM ", "Sweeper",
            "Common-Cleaner", "Service Thread", "Monitor Deflati", "Notification Th", "Signal Dispatch", "Finalizer", "Reference Handl",
            "Attach Listener", "java");

    /** Reads the census of process {@code pid}. */
    static ProcessCensus of(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        int threads = Files.readAllLines(proc.resolve("status"), StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith("Threads:"))
                .mapToInt(line -> Integer.parseInt(line.substring("Threads:".length()).strip()))
                .findFirst().orElseThrow(() -> new IOException("no Threads: line in " + proc.resolve("status")));
        Map<String, Integer> names = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
            for (Path task : tasks.collect(Collectors.toList())) {
                try {
                    names.merge(Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip(), 1, Integer::sum);
                } catch (NoSuchFileException e) {
                    continue; // the thread ended while we looked
                } catch (IOException e) {
                    if (Files.exists(task)) {
                        throw e;
                    }
                    // the thread ended between the listing and the read: the kernel says ESRCH, "No such process"
                }
            }
        }
        List<String> fds;
        try (Stream<Path> entries = Files.list(proc.resolve("fd"))) {
            fds = entries.map(ProcessCensus::target).sorted().collect(Collectors.toList());
        }
        return new ProcessCensus(threads, names, fds);
    }

    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "(closed)";
        }
    }

    /** The daemon's bounded pool of call threads, whose idle threads end a minute after their last call. */
    private static final List<String> POOLED_THREADS = List.of("call");

    /** Threads the process made for itself (not the JVM's own, not the call pool's), by name. */
    Map<String, Integer> ownThreads() {
        Map<String, Integer> own = new TreeMap<>(threadNames);
        own.keySet().removeIf(name -> JVM_THREADS.stream().anyMatch(name::startsWith) || POOLED_THREADS.contains(name));
        return own;
    }

    /** The JVM's own threads and the call pool's, counted. */
    int jvmThreads() {
        return threadNames.values().stream().mapToInt(Integer::intValue).sum() - ownThreads().values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * What this census holds beyond {@code baseline}: threads the process made for itself,
     * threads beyond what the JVM's own growth explains, and file descriptors; null when nothing.
     */
    String leakedSince(ProcessCensus baseline) {
        Map<String, Integer> before = baseline.ownThreads();
        boolean ownLeaked = ownThreads().entrySet().stream().anyMatch(e -> e.getValue() > before.getOrDefault(e.getKey(), 0));
        boolean threadsLeaked = ownLeaked || threads > baseline.threads() + Math.max(0, jvmThreads() - baseline.jvmThreads());
        if (!threadsLeaked && fds.size() <= baseline.fds().size()) {
            return null;
        }
        return "threads " + threads + " (baseline " + baseline.threads() + "), own threads " + ownThreads() + " (baseline "
                + baseline.ownThreads() + "), " + fds.size() + " open file descriptors (baseline " + baseline.fds().size() + "): " + fds;
    }

    /** Polls process {@code pid} until it holds no more than {@code baseline} (closing is asynchronous); the last census. */
    static ProcessCensus awaitBaseline(long pid, ProcessCensus baseline, Duration deadline) throws IOException, InterruptedException {
        return await(pid, census -> census.leakedSince(baseline) == null, deadline);
    }

    /** Polls process {@code pid} until its census satisfies {@code condition}, or {@code deadline} passes; the last census. */
    static ProcessCensus await(long pid, Predicate<ProcessCensus> condition, Duration deadline) throws IOException, InterruptedException {
        Instant end = Instant.now().plus(deadline);
        ProcessCensus now = of(pid);
        while (!condition.test(now) && Instant.now().isBefore(end)) {
            Thread.sleep(100);
            now = of(pid);
        }
        return now;
    }
}
