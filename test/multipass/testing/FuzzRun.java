// SPDX-License-Identifier: Apache-2.0
package multipass.testing;

import com.sun.management.ThreadMXBean;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one fuzz campaign: feeds a {@link Mutator}'s inputs to a target on a worker thread and
 * checks three things for every input: the target's own verdict (it throws on a wrong
 * outcome), that it finishes (no input may stall the worker for {@link #STALL}), and that it
 * allocates no more than {@code perByte} bytes per input byte plus {@code slack} (so a bogus
 * length inside an input cannot make it allocate what the length claims).
 *
 * <p>The budget comes from system properties, so that {@code make test} runs a short
 * campaign and {@code make fuzz} a long one: {@code multipass.fuzz.seed} (default: the
 * caller's fixed seed), {@code multipass.fuzz.inputs} (default: the caller's count) and
 * {@code multipass.fuzz.seconds} (a time budget; the run stops at whichever limit comes
 * first). A failure names the seed, the input's number, its operators and its bytes.
 */
public final class FuzzRun {
    /** The longest one input may take before the run counts it as a hang. */
    public static final Duration STALL = Duration.ofSeconds(30);

    /** What the fuzzing exercises: returns a name for the outcome ("decoded", "rejected"), throws when it is wrong. */
    @FunctionalInterface
    public interface Target {
        String run(byte[] input) throws IOException;
    }

    /** The counts of a finished run. */
    public record Report(String name, long seed, long inputs, Map<String, Long> outcomes, Map<Mutator.Operator, Long> operators, Duration took) {
        @Override
        public String toString() {
            return "fuzz " + name + ": seed " + seed + ", " + inputs + " inputs in " + took.toMillis() + " ms, outcomes " + outcomes
                    + ", operators applied " + operators;
        }
    }

    private final String name;
    private final long seed;
    private final long inputs;
    private final Duration budget;
    private final long perByte;
    private final long slack;

    private FuzzRun(String name, long seed, long inputs, Duration budget, long perByte, long slack) {
        this.name = name;
        this.seed = seed;
        this.inputs = inputs;
        this.budget = budget;
        this.perByte = perByte;
        this.slack = slack;
    }

    /** A run named {@code name} with the budget from the system properties, else these defaults. */
    public static FuzzRun configured(String name, long defaultSeed, long defaultInputs, long perByte, long slack) {
        long seed = Long.getLong("multipass.fuzz.seed", defaultSeed);
        Long seconds = Long.getLong("multipass.fuzz.seconds");
        long inputs = Long.getLong("multipass.fuzz.inputs", seconds != null ? Long.MAX_VALUE : defaultInputs);
        return new FuzzRun(name, seed, inputs, seconds == null ? null : Duration.ofSeconds(seconds), perByte, slack);
    }

    /** The seed to build the {@link Mutator} with. */
    public long seed() {
        return seed;
    }

    /** Runs the campaign; throws {@link AssertionError} at the first wrong, stalled or greedy input. */
    public Report run(Mutator mutator, Target target) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicReference<Mutator.Mutant> current = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Map<String, Long> outcomes = new TreeMap<>();
        Map<Mutator.Operator, Long> operators = new EnumMap<>(Mutator.Operator.class);
        Instant start = Instant.now();
        Instant end = budget == null ? null : start.plus(budget);
        Thread worker = new Thread(() -> {
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            try {
                for (long i = 0; i < inputs && (end == null || Instant.now().isBefore(end)); i++) {
                    Mutator.Mutant mutant = mutator.next();
                    current.set(mutant);
                    long before = threads.getCurrentThreadAllocatedBytes();
                    String outcome = target.run(mutant.bytes());
                    if (threads.getCurrentThreadAllocatedBytes() - before > limit(mutant.bytes())) {
                        checkAllocation(threads, target, mutant.bytes());
                    }
                    outcomes.merge(outcome, 1L, Long::sum);
                    mutant.operators().forEach(operator -> operators.merge(operator, 1L, Long::sum));
                    done.incrementAndGet();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "fuzz-" + name);
        worker.setDaemon(true);
        worker.start();
        watch(worker, done, current, failure);
        Report report = new Report(name, seed, done.get(), outcomes, operators, Duration.between(start, Instant.now()));
        System.out.println(report);
        return report;
    }

    private long limit(byte[] input) {
        return perByte * input.length + slack;
    }

    /**
     * Runs an input that allocated too much once more, and fails if it does again. The first
     * time a code path runs it may load classes or link call sites, which allocates once and
     * not in proportion to anything.
     */
    private void checkAllocation(ThreadMXBean threads, Target target, byte[] input) throws IOException {
        long before = threads.getCurrentThreadAllocatedBytes();
        target.run(input);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        if (allocated > limit(input)) {
            throw new AssertionError("allocated " + allocated + " bytes for an input of " + input.length + " bytes (limit " + perByte
                    + " per byte + " + slack + ")");
        }
    }

    /** Waits for the worker, failing when it stalls on one input or reports a failure. */
    private void watch(Thread worker, AtomicLong done, AtomicReference<Mutator.Mutant> current, AtomicReference<Throwable> failure)
            throws InterruptedException {
        long seen = -1;
        Instant lastProgress = Instant.now();
        while (worker.isAlive()) {
            worker.join(1000);
            long now = done.get();
            if (now != seen) {
                seen = now;
                lastProgress = Instant.now();
            } else if (Duration.between(lastProgress, Instant.now()).compareTo(STALL) > 0) {
                worker.interrupt();
                throw new AssertionError(describe(done.get(), current.get()) + ": no result after " + STALL.toSeconds() + " s (a hang)");
            }
        }
        Throwable problem = failure.get();
        if (problem != null) {
            throw new AssertionError(describe(done.get(), current.get()) + ": " + problem, problem);
        }
    }

    private String describe(long index, Mutator.Mutant mutant) {
        String bytes = mutant == null ? "none" : mutant.bytes().length > 256
                ? HexFormat.of().formatHex(mutant.bytes(), 0, 256) + "... (" + mutant.bytes().length + " bytes)"
                : HexFormat.of().formatHex(mutant.bytes());
        return "fuzz " + name + " failed at input #" + index + " (replay with -Dmultipass.fuzz.seed=" + seed + "; operators "
                + (mutant == null ? "none" : Mutator.describe(mutant.operators())) + "): " + bytes;
    }
}
