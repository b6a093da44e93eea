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
import java.util.Collections;
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
class InstancesConcurrencyTest {
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
            CliRunner client = new CliRunner(daemon.address(), dir.resolve("home"));
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
            String name = "c" + id + "-" + "abc".charAt(random.nextInt(3));
            String state = owned.get(name);
            int choice = random.nextInt(10);
            List<String> args;
            String predicted; // the new state, "" for a refusal, "purged" for gone
            if (choice <= 3) {
                args = List.of("launch", "--name", name);
                predicted = state == null ? "Running" : "";
            } else if (choice == 4) {
                args = List.of("launch");
                predicted = null;
            } else if (choice == 5) {
                String shared = "shared-" + (1 + random.nextInt(SHARED));
                sharedTries.computeIfAbsent(shared, k -> new AtomicInteger()).incrementAndGet();
                args = List.of("launch", "--name", shared);
                predicted = null;
            } else if (choice == 6 || choice == 7) {
                args = List.of(choice == 6 ? "start" : "stop", name);
                predicted = state == null || state.equals("Deleted") ? "" : choice == 6 ? "Running" : "Stopped";
            } else if (choice == 8) {
                boolean purge = random.nextBoolean();
                args = purge ? List.of("delete", "--purge", name) : List.of("delete", name);
                predicted = state == null ? "" : purge ? "purged" : "Deleted";
            } else {
                args = List.of("recover", name);
                predicted = "Deleted".equals(state) ? "Stopped" : "";
            }
            CliRunner.Result result = client.run(args.toArray(String[]::new));
            if (result.exit() == 0) {
                ok++;
            }
            if (choice == 4 || choice == 5) {
                if (result.exit() == 0) {
                    String name2 = result.out().substring("Launched: ".length()).strip();
                    launched.add(name2);
                    if (choice == 5) {
                        sharedWins.computeIfAbsent(name2, k -> new AtomicInteger()).incrementAndGet();
                        launched.remove(name2); // counted through sharedWins
                    }
                } else if (choice == 4 || !result.err().contains("already exists")) {
                    surprises.add(args + " -> " + result);
                }
            } else if ((result.exit() == 0) != !predicted.isEmpty() || (result.exit() != 0 && result.exit() != 2)) {
                surprises.add(args + " with " + name + " " + (state == null ? "absent" : state) + " -> " + result);
            } else if (result.exit() == 0) {
                if (predicted.equals("purged")) {
                    owned.remove(name);
                } else {
                    owned.put(name, predicted);
                }
            }
        }
        return new Outcome(owned, Collections.unmodifiableList(launched), ok, count - ok, surprises);
    }
}
