// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.warm.WarmDirectory;
import multipass.warm.WarmMain;
import multipass.warm.WarmStarter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A repeat {@code list} with {@code client.persist} off (cold: every command makes its own TLS
 * connection) and on (warm: handed to the user's warm client), through {@code java -jar} and
 * through the launcher, interleaved with the no-op JVM and with the least any hand-off over a
 * Unix socket can cost (a JVM that exchanges one line over one, {@code UnixSocketFloor}, with
 * the JVM's defaults and with the launcher's C1-only flag); then the idle warm client's
 * resident memory. Both sides run under {@code env} ({@code MULTIPASS_PERSIST=0} or {@code =10m}), so
 * they pay the same extra exec. The warm client is started and awaited before the timing.
 */
final class WarmSection {
    private static final String WARM = "10m";

    private final Jvm jvm;
    private final Options options;
    private final Workspace workspace;

    WarmSection(Jvm jvm, Options options, Workspace workspace) {
        this.jvm = jvm;
        this.options = options;
        this.workspace = workspace;
    }

    void run(Table table) throws IOException, InterruptedException {
        try (FloorServer floor = FloorServer.start(workspace.root().resolve("floor.sock"))) {
            run(table, floor);
        }
    }

    private void run(Table table, FloorServer floor) throws IOException, InterruptedException {
        List<ColdStarts.Variant> variants = new ArrayList<>();
        variants.add(new ColdStarts.Variant(CliSection.FLOOR, jvm.command(List.of("-cp", options.classes().toString(), "Noop")), ""));
        String classes = options.classes().toString();
        String socket = floor.socket().toString();
        variants.add(new ColdStarts.Variant("Unix-socket floor (UnixSocketFloor)", jvm.command(List.of("-cp", classes, "UnixSocketFloor", socket)),
                FloorServer.ANSWER.strip()));
        variants.add(new ColdStarts.Variant("Unix-socket floor, C1 only", jvm.command(List.of("-XX:TieredStopAtLevel=1", "-cp", classes,
                "UnixSocketFloor", socket)), FloorServer.ANSWER.strip()));
        for (String persist : List.of("0", WARM)) {
            String label = persist.equals("0") ? "cold (client.persist=0)" : "warm (client.persist=" + WARM + ")";
            List<String> jar = new ArrayList<>(env(persist));
            jar.addAll(jvm.command(List.of("-jar", options.jar().toString(), "list")));
            variants.add(new ColdStarts.Variant("java -jar list, " + label, jar, "No instances found."));
            if (options.launcher() != null) {
                List<String> launcher = new ArrayList<>(env(persist));
                launcher.addAll(List.of(options.launcher().toString(), "list"));
                variants.add(new ColdStarts.Variant("launcher list, " + label, launcher, "No instances found."));
            }
        }
        ColdStarts cold = new ColdStarts(workspace.environment(), workspace.root());
        for (ColdStarts.Variant variant : variants) {
            cold.timeOnce(variant); // the warm variants start the warm client here
        }
        ProcessHandle warm = awaitWarmClient();
        ColdStarts.Result result = options.quick() ? cold.run(variants, 5, 10, 0.05, 30) : cold.run(variants, 20, 80, 0.04, 240);
        report(table, result);
        Thread.sleep(3000);
        table.note("the idle warm client (3 s after the last command): " + rss(warm) + " resident; started with "
                + String.join(" ", WarmStarter.JVM_OPTIONS));
        warm.destroy();
    }

    private static List<String> env(String persist) {
        return List.of("/usr/bin/env", "MULTIPASS_PERSIST=" + persist);
    }

    private void report(Table table, ColdStarts.Result result) {
        Stats floor = result.stats().get(CliSection.FLOOR);
        table.section("Warm client: a repeat list, cold and warm (ms, wall, fork to exit)",
                "", "n", "p50", "p25-p75", "p95", "min", "p50/floor", "p95/floor");
        for (Map.Entry<String, Stats> entry : result.stats().entrySet()) {
            Stats s = entry.getValue();
            table.row(entry.getKey(), Integer.toString(s.count()), Table.ms(s.median()), Table.range(s.percentile(25), s.percentile(75)),
                    Table.ms(s.percentile(95)), Table.ms(s.min()), String.format("%.2fx", s.median() / floor.median()),
                    String.format("%.2fx", s.percentile(95) / floor.percentile(95)));
        }
        table.note(result.rounds() + " interleaved rounds; " + (result.settled() ? "every median settled to +-4%"
                : "stopped before every median settled to +-4%: treat small differences with care"));
        table.note("targets: warm list p50 <= 1.4x the no-op JVM through the launcher, <= 1.8x through java -jar");
        table.note("the Unix-socket floor is the least a command handed over a Unix socket can take (docs/performance.md)");
    }

    /** The warm client of the bench's home, once it listens. */
    private ProcessHandle awaitWarmClient() throws InterruptedException, IOException {
        String home = workspace.home().toString();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> warm = ProcessHandle.allProcesses().filter(p -> {
                List<String> args = List.of(p.info().arguments().orElse(new String[0]));
                return args.contains(WarmMain.ENTRY) && args.stream().anyMatch(a -> a.startsWith(home));
            }).findFirst();
            if (warm.isPresent() && listening(warm.get())) {
                return warm.get();
            }
            Thread.sleep(50);
        }
        throw new IOException("no warm client started for " + home + " within 60 s");
    }

    /** True once the warm client holds a listening socket (its socket file is renamed into place after bind). */
    private static boolean listening(ProcessHandle warm) throws IOException {
        Path dir = WarmDirectory.of(null); // the workspace's environment has no XDG_RUNTIME_DIR
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".sock")) && warm.isAlive();
        }
    }

    private static String rss(ProcessHandle process) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return line.substring("VmRSS:".length()).strip();
            }
        }
        return "n/a";
    }
}
