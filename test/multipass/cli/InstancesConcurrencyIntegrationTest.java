// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.instances.Instance;
import multipass.instances.InventoryBackend;
import multipass.testing.TestDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Many clients at once against one real daemon: 16 CLI clients run 200 mixed operations
 * (launch with and without a name, start, stop, delete, delete --purge, recover) at the same
 * time (a thread each, with no retry). Each client owns three names, so it can predict the outcome of every operation on them
 * from the replies it got: each outcome must be the predicted one, and the final inventory must
 * equal what the acknowledged operations add up to. On top, all clients race to launch the
 * eight shared names: each one tried must be launched exactly once. The inventory file, read by a fresh
 * backend, must hold the same. No timing is asserted; the numbers are printed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class InstancesConcurrencyIntegrationTest {
    private static final int CLIENTS = 16;
    private static final int OPERATIONS = 200;
    private static final int SHARED = 8;

    @TempDir
    Path dir;

    /** What one client did: its model of its own names, the names it launched unnamed or won, and any surprise. */
    private record Outcome(Map<String, String> owned, List<String> launched, int ok, int refused, List<String> surprises) {
    }

    @Test
    void concurrentClientsNeverLoseOrCorruptAnAcknowledgedChange() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(dir)) {
            CliRunner client = new CliRunner(daemon.address(), dir.resolve("home")).withQuickIdentity();
            assertEquals(0, client.run("list").exit(), "the first client becomes trusted");
            Map<String, AtomicInteger> sharedTries = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> sharedWins = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int id = i;
                int count = OPERATIONS / CLIENTS + (i < OPERATIONS % CLIENTS ? 1 : 0);
                futures.add(pool.submit(() -> runClient(client, id, count, sharedTries, sharedWins)));
            }
            pool.shutdown();
            Map<String, String> expected = new TreeMap<>();
            List<String> surprises = new ArrayList<>();
            int ok = 0;
            int refused = 0;
            for (Future<Outcome> future : futures) {
                Outcome outcome = future.get();
                expected.putAll(outcome.owned());
                outcome.launched().forEach(name -> expected.put(name, "Running"));
                surprises.addAll(outcome.surprises());
                ok += outcome.ok();
                refused += outcome.refused();
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            int races = sharedTries.values().stream().mapToInt(AtomicInteger::get).sum();
            System.out.printf("instances concurrency: %d clients, %d operations (%d acknowledged, %d refused as predicted; %d launches racing"
                    + " for %d shared names), %d ms, 0 retries, %d instances at the end%n", CLIENTS, ok + refused, ok, refused, races,
                    sharedTries.size(), millis, expected.size() + sharedTries.size());

            assertEquals(List.of(), surprises, "operations whose outcome differs from what the client's acknowledged history predicts");
            assertEquals(OPERATIONS, ok + refused);
            for (String shared : sharedTries.keySet()) {
                assertEquals(1, sharedWins.getOrDefault(shared, new AtomicInteger()).get(), "acknowledged launches of " + shared + ", tried "
                        + sharedTries.get(shared) + " times");
                expected.put(shared, "Running");
            }
            assertEquals(sharedTries.keySet(), sharedWins.keySet());
            assertEquals(expected, client.instanceStates(), "the daemon's inventory is exactly the sum of the acknowledged operations");
            Map<String, String> inFile = new TreeMap<>();
            for (Instance instance : InventoryBackend.open(daemon.dataDir(), Clock.systemUTC()).list()) {
                inFile.put(instance.name(), instance.state().label());
            }
            assertEquals(expected, inFile, "the inventory file holds the same");
        }
    }

    /** One client: {@code count} random operations, each checked against the outcome its own history predicts. */
    private static Outcome runClient(CliRunner client, int id, int count, Map<String, AtomicInteger> sharedTries,
                                     Map<String, AtomicInteger> sharedWins) {
        Random random = new Random(1000 + id);
        Map<String, String> owned = new TreeMap<>(); // name -> state; absent: no such instance
        List<String> launched = new ArrayList<>();
        List<String> surprises = new ArrayList<>();
        int ok = 0;
        for (int n = 0; n < count; n++) {
            Operation op = Operation.choose(random, "c" + id + "-" + "abc".charAt(random.nextInt(3)), owned);
            if (op.shared()) {
                sharedTries.computeIfAbsent(op.args().get(2), k -> new AtomicInteger()).incrementAndGet();
            }
            CliRunner.Result result = client.run(op.args().toArray(String[]::new));
            ok += result.exit() == 0 ? 1 : 0;
            if (op.predicted() == null) { // a launch whose name the client cannot predict: generated, or raced for
                if (result.exit() == 0) {
                    String name = result.out().substring("Launched: ".length()).strip();
                    if (op.shared()) {
                        sharedWins.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                    } else {
                        launched.add(name);
                    }
                } else if (!op.shared() || !result.err().contains("already exists")) {
                    surprises.add(op + " -> " + result);
                }
            } else if (result.exit() != (op.predicted().equals(Operation.REFUSED) ? 2 : 0)) {
                surprises.add(op + " with " + owned + " -> " + result);
            } else if (op.predicted().equals(Operation.GONE)) {
                owned.remove(op.args().get(op.args().size() - 1));
            } else if (!op.predicted().equals(Operation.REFUSED)) {
                owned.put(op.args().get(op.args().size() - 1), op.predicted());
            }
        }
        return new Outcome(owned, List.copyOf(launched), ok, count - ok, surprises);
    }

    /** A CLI command and what the client's own history predicts: the name's next state, {@link #GONE}, {@link #REFUSED}, or null. */
    private record Operation(List<String> args, String predicted, boolean shared) {
        static final String REFUSED = "refused";
        static final String GONE = "gone";

        /** A random operation, mostly on {@code name} (one of the client's own), whose state is {@code owned.get(name)}. */
        static Operation choose(Random random, String name, Map<String, String> owned) {
            String state = owned.get(name);
            boolean usable = state != null && !state.equals("Deleted");
            int choice = random.nextInt(10);
            if (choice <= 3) {
                return new Operation(List.of("launch", "--name", name), state == null ? "Running" : REFUSED, false);
            } else if (choice == 4) {
                return new Operation(List.of("launch"), null, false);
            } else if (choice == 5) {
                return new Operation(List.of("launch", "--name", "shared-" + (1 + random.nextInt(SHARED))), null, true);
            } else if (choice <= 7) {
                String verb = choice == 6 ? "start" : "stop";
                return new Operation(List.of(verb, name), !usable ? REFUSED : choice == 6 ? "Running" : "Stopped", false);
            } else if (choice == 8) {
                boolean purge = random.nextBoolean();
                return new Operation(purge ? List.of("delete", "--purge", name) : List.of("delete", name),
                        state == null ? REFUSED : purge ? GONE : "Deleted", false);
            }
            return new Operation(List.of("recover", name), "Deleted".equals(state) ? "Stopped" : REFUSED, false);
        }
    }
}
