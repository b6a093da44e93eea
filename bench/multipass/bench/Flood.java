// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.tls.Identity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The guessing attack: a trusted client keeps running {@code list} (each on a new connection,
 * as a CLI does, and also on one persistent connection) while {@code attempts} wrong-passphrase
 * {@code authenticate} requests arrive as fast as the attackers can send them, from several
 * identities at once. The trusted client's latencies during the attack are compared with
 * those of a quiet period just before, on the same daemon. Each attempt's verdict is tallied,
 * which shows what the throttle and the hash cap did.
 */
final class Flood {
    private static final Request LIST = Request.of("list", 0);
    private static final long FAILED = -1;

    private final Identity trusted;
    private final List<Identity> attackers;
    private final String wrongPassphrase;
    private final int attempts;
    private final int attackerThreads;

    Flood(Identity trusted, List<Identity> attackers, String wrongPassphrase, int attempts, int attackerThreads) {
        this.trusted = trusted;
        this.attackers = List.copyOf(attackers);
        this.wrongPassphrase = wrongPassphrase;
        this.attempts = attempts;
        this.attackerThreads = attackerThreads;
    }

    /**
     * One round's measurements.
     *
     * @param quietNew       trusted {@code list} on a new connection each, before the attack (ms)
     * @param attackNew      the same while the attack lasted (ms)
     * @param quietPersistent trusted {@code list} on one persistent connection, before the attack (ms)
     * @param attackPersistent the same while the attack lasted (ms)
     * @param trustedFailures trusted requests that failed during the attack
     * @param floodSeconds   from the first attempt sent to the last verdict received
     * @param verdicts       how the daemon answered the attempts
     */
    record Round(List<Long> quietNew, List<Long> attackNew, List<Long> quietPersistent, List<Long> attackPersistent,
                 int trustedFailures, double floodSeconds, Map<String, Integer> verdicts) {
    }

    /** A quiet period of {@code quietSeconds}, then the attack, against the daemon at {@code target}. */
    Round round(Connection.Target target, double quietSeconds) throws InterruptedException {
        TrustedClient fresh = new TrustedClient(target, false);
        TrustedClient persistent = new TrustedClient(target, true);
        fresh.start();
        persistent.start();
        Thread.sleep((long) (quietSeconds * 1000));
        long attackStart = System.nanoTime();
        Map<String, Integer> verdicts = attack(target);
        long attackEnd = System.nanoTime();
        fresh.finish();
        persistent.finish();
        long quietStart = attackStart - (long) (quietSeconds * 1e9);
        return new Round(fresh.between(quietStart, attackStart), fresh.between(attackStart, attackEnd),
                persistent.between(quietStart, attackStart), persistent.between(attackStart, attackEnd),
                fresh.failuresBetween(attackStart, attackEnd) + persistent.failuresBetween(attackStart, attackEnd),
                (attackEnd - attackStart) / 1e9, verdicts);
    }

    /** Sends all the attempts from {@code attackerThreads} threads at once; returns the verdicts. */
    private Map<String, Integer> attack(Connection.Target target) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        Map<String, Integer> verdicts = new TreeMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < attackerThreads; t++) {
            Thread thread = new Thread(() -> {
                int ticket;
                while ((ticket = next.getAndIncrement()) < attempts) {
                    String verdict = attempt(target, attackers.get(ticket % attackers.size()));
                    synchronized (verdicts) {
                        verdicts.merge(verdict, 1, Integer::sum);
                    }
                }
            }, "attacker-" + t);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        return verdicts;
    }

    /** One wrong-passphrase attempt on a new connection; returns how it was answered. */
    private String attempt(Connection.Target target, Identity attacker) {
        try (Connection connection = target.open(attacker)) {
            return verdict(connection.call(Request.of("authenticate", 0, wrongPassphrase)));
        } catch (IOException e) {
            return "connection failed";
        }
    }

    static String verdict(Reply reply) {
        String message = reply.message();
        if (reply.status() == Status.INVALID_ARGUMENT && message.startsWith("Passphrase is not correct")) {
            return "wrong passphrase (hashed)";
        }
        if (message.contains("in progress")) {
            return "refused: attempt in progress";
        }
        if (message.startsWith("Too many failed")) {
            return "refused: locked out";
        }
        if (message.contains("busy")) {
            return "refused: hash queue full";
        }
        return reply.status().name() + ": " + message;
    }

    /**
     * A trusted client issuing {@code list} back to back on its own thread, on a new connection
     * each time or on one persistent connection, recording when each request started and
     * how long it took.
     */
    private final class TrustedClient {
        private final Connection.Target target;
        private final boolean persistent;
        private final List<long[]> samples = new ArrayList<>();
        private final Thread thread;
        private volatile boolean stopped;

        TrustedClient(Connection.Target target, boolean persistent) {
            this.target = target;
            this.persistent = persistent;
            this.thread = new Thread(this::loop, persistent ? "trusted-persistent" : "trusted-new");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void loop() {
            Connection connection = null;
            while (!stopped) {
                long start = System.nanoTime();
                long latency;
                try {
                    if (connection == null) {
                        connection = target.open(trusted);
                    }
                    Reply reply = connection.call(LIST);
                    if (!persistent) {
                        connection.close();
                        connection = null;
                    }
                    latency = reply.status() == Status.OK ? System.nanoTime() - start : FAILED;
                } catch (IOException e) {
                    connection = closeQuietly(connection);
                    latency = FAILED;
                }
                synchronized (samples) {
                    samples.add(new long[] {start, latency});
                }
            }
            closeQuietly(connection);
        }

        private Connection closeQuietly(Connection connection) {
            if (connection != null) {
                connection.close();
            }
            return null;
        }

        void finish() throws InterruptedException {
            stopped = true;
            thread.join(30_000);
        }

        /** Latencies (ns) of the requests that started in [from, to) and succeeded. */
        List<Long> between(long from, long to) {
            List<Long> latencies = new ArrayList<>();
            synchronized (samples) {
                for (long[] sample : samples) {
                    if (sample[0] >= from && sample[0] < to && sample[1] != FAILED) {
                        latencies.add(sample[1]);
                    }
                }
            }
            return latencies;
        }

        /** How many requests that started in [from, to) failed (refused, broken, or an error reply). */
        int failuresBetween(long from, long to) {
            int failures = 0;
            synchronized (samples) {
                for (long[] sample : samples) {
                    if (sample[0] >= from && sample[0] < to && sample[1] == FAILED) {
                        failures++;
                    }
                }
            }
            return failures;
        }
    }
}
