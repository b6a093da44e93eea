// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CLI round trips: {@code list} and {@code version}, authenticated, against the warm daemon,
 * a cold client JVM each time, through {@code java -jar} and through the launcher script if
 * there is one, beside a no-op JVM (the floor); optionally also {@code list} under JVM option
 * variants (class-data sharing off, a dynamic AppCDS archive, C1 only, Serial GC).
 */
final class CliSection {
    static final String FLOOR = "no-op JVM (java -cp <dir> Noop)";

    private final Jvm jvm;
    private final Options options;
    private final Workspace workspace;

    CliSection(Jvm jvm, Options options, Workspace workspace) {
        this.jvm = jvm;
        this.options = options;
        this.workspace = workspace;
    }

    /** Runs the variants interleaved and adds the section to {@code table}. */
    void run(Table table) throws IOException, InterruptedException {
        List<ColdStarts.Variant> variants = new ArrayList<>();
        variants.add(new ColdStarts.Variant(FLOOR, jvm.command(List.of("-cp", options.classes().toString(), "Noop")), ""));
        variants.add(cli("java -jar multipass.jar list", List.of(), "list"));
        variants.add(cli("java -jar multipass.jar version", List.of(), "version"));
        if (options.launcher() != null) {
            variants.add(new ColdStarts.Variant("launcher list", List.of(options.launcher().toString(), "list"), "No instances found."));
            variants.add(new ColdStarts.Variant("launcher version", List.of(options.launcher().toString(), "version"), "multipassd"));
        }
        if (options.jvmVariants()) {
            variants.addAll(jvmVariants(dynamicArchive()));
        }
        ColdStarts cold = new ColdStarts(workspace.environment(), workspace.root());
        ColdStarts.Result result = options.quick() ? cold.run(variants, 5, 10, 0.05, 30) : cold.run(variants, 20, 80, 0.04, 240);
        report(table, result);
    }

    private void report(Table table, ColdStarts.Result result) {
        Stats floor = result.stats().get(FLOOR);
        table.section("CLI round trip: cold client JVM, warm daemon, Unix socket (ms, wall, fork to exit)",
                "", "n", "p50", "p25-p75", "p95", "min", "p50/floor", "p95/floor");
        for (Map.Entry<String, Stats> entry : result.stats().entrySet()) {
            Stats s = entry.getValue();
            table.row(entry.getKey(), Integer.toString(s.count()), Table.ms(s.median()), Table.range(s.percentile(25), s.percentile(75)),
                    Table.ms(s.percentile(95)), Table.ms(s.min()), ratio(s.median(), floor.median()), ratio(s.percentile(95), floor.percentile(95)));
        }
        if (options.launcher() == null) {
            table.row("launcher list", "n/a");
            table.row("launcher version", "n/a");
            table.note("launcher: n/a (no launcher yet: looked for " + Options.LAUNCHER_CANDIDATES + ")");
        }
        table.note(result.rounds() + " interleaved rounds; " + (result.settled()
                ? "stopped when every median was known to +-4% (95% confidence)"
                : "stopped at the round or time limit before every median settled to +-4%: treat small differences with care"));
        if (options.launcher() != null) {
            table.note("launcher: " + options.launcher());
        }
        if (options.jvmVariants()) {
            table.note("AppCDS: a dynamic archive dumped by one 'list' run (-XX:ArchiveClassesAtExit), used with -XX:SharedArchiveFile");
        }
        table.note("targets: list p50 <= 200 ms through java -jar, <= 120 ms through the launcher");
    }

    /** Dumps a dynamic AppCDS archive of one {@code list} run; null if this JVM cannot. */
    private Path dynamicArchive() throws IOException, InterruptedException {
        Path archive = workspace.root().resolve("cli.jsa");
        try {
            new ColdStarts(workspace.environment(), workspace.root())
                    .timeOnce(cli("archive dump", List.of("-XX:ArchiveClassesAtExit=" + archive), "list"));
        } catch (IOException e) {
            System.out.println("bench: no AppCDS archive: " + e.getMessage());
            return null;
        }
        return Files.exists(archive) ? archive : null;
    }

    private ColdStarts.Variant cli(String name, List<String> jvmOptions, String command) {
        List<String> line = new ArrayList<>(jvm.command(jvmOptions));
        line.addAll(List.of("-jar", options.jar().toString(), command));
        return new ColdStarts.Variant(name, line, command.equals("list") ? "No instances found." : "multipassd");
    }

    /** {@code list} under each JVM option alone, and in the launcher's combination. */
    private List<ColdStarts.Variant> jvmVariants(Path archive) {
        List<ColdStarts.Variant> variants = new ArrayList<>();
        variants.add(cli("list -Xshare:off", List.of("-Xshare:off"), "list"));
        variants.add(cli("list -XX:TieredStopAtLevel=1", List.of("-XX:TieredStopAtLevel=1"), "list"));
        variants.add(cli("list -XX:+UseSerialGC", List.of("-XX:+UseSerialGC"), "list"));
        if (archive != null) {
            String cds = "-XX:SharedArchiveFile=" + archive;
            variants.add(cli("list + AppCDS", List.of(cds), "list"));
            variants.add(cli("list + AppCDS + C1 (the launcher's options)", List.of(cds, "-XX:TieredStopAtLevel=1"), "list"));
            variants.add(cli("list + AppCDS + C1 + SerialGC", List.of(cds, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), "list"));
        }
        return variants;
    }

    private static String ratio(double value, double floor) {
        return String.format("%.2fx", value / floor);
    }
}
