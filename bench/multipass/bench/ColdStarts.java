// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Times cold processes (a fresh JVM each time, from {@code fork} to exit, as a user's shell
 * sees it) for several command lines in the same run, interleaved: each round runs every
 * variant once in a shuffled order, so a burst of load on the shared machine hits all of them
 * alike and their ratios stay fair. Rounds continue until every variant's median is known to
 * within the target (95% confidence, see {@link Stats#medianUncertainty()}), between a
 * minimum and a maximum number of rounds, or until the time budget is spent.
 */
final class ColdStarts {
    /**
     * One command line to time.
     *
     * @param expect text its stdout must contain (checked on every run, so a failing CLI can't pass as a fast one)
     */
    record Variant(String name, List<String> command, String expect) {
    }

    /** The samples of each variant, in milliseconds, and whether the medians settled. */
    record Result(Map<String, Stats> stats, int rounds, boolean settled) {
    }

    private final Map<String, String> environment;
    private final Path scratch;

    ColdStarts(Map<String, String> environment, Path scratch) {
        this.environment = environment;
        this.scratch = scratch;
    }

    Result run(List<Variant> variants, int minRounds, int maxRounds, double targetUncertainty, double budgetSeconds)
            throws IOException, InterruptedException {
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        variants.forEach(v -> samples.put(v.name(), new ArrayList<>()));
        List<Variant> order = new ArrayList<>(variants);
        Random random = new Random(42);
        long deadline = System.nanoTime() + (long) (budgetSeconds * 1e9);
        int rounds = 0;
        boolean settled = false;
        while (rounds < maxRounds) {
            Collections.shuffle(order, random);
            for (Variant variant : order) {
                samples.get(variant.name()).add(timeOnce(variant));
            }
            rounds++;
            settled = rounds >= minRounds && stats(samples).values().stream().allMatch(s -> s.medianUncertainty() <= targetUncertainty);
            if (settled || (rounds >= minRounds && System.nanoTime() > deadline)) {
                break;
            }
        }
        return new Result(stats(samples), rounds, settled);
    }

    private static Map<String, Stats> stats(Map<String, List<Double>> samples) {
        Map<String, Stats> stats = new LinkedHashMap<>();
        samples.forEach((name, list) -> stats.put(name, Stats.of(list.stream().mapToDouble(Double::doubleValue).toArray())));
        return stats;
    }

    /** Runs {@code variant} once; returns its wall time in milliseconds. */
    double timeOnce(Variant variant) throws IOException, InterruptedException {
        Path out = scratch.resolve("cold.out");
        Path err = scratch.resolve("cold.err");
        ProcessBuilder builder = new ProcessBuilder(variant.command())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process process = builder.start();
        int status = process.waitFor();
        long end = System.nanoTime();
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        if (status != 0 || !stdout.contains(variant.expect())) {
            throw new IOException(variant.name() + " (" + String.join(" ", variant.command()) + ") failed with exit status " + status
                    + "; stdout: " + stdout + "; stderr: " + Files.readString(err, StandardCharsets.UTF_8));
        }
        return (end - start) / 1e6;
    }
}
