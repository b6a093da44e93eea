// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.tls.Identity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load on a running daemon from {@code clients} threads of this JVM (a JVM of its
 * own, apart from the daemon's), each with its own connection, every one sending {@code list}
 * and waiting for the reply before the next:
 *
 * <ul>
 *   <li>{@link #persistent}: each client connects once (all at the same moment, as a burst),
 *       then sends request after request on its connection;
 *   <li>{@link #handshakes}: each client repeats connect, full TLS handshake, one request,
 *       close, as a CLI does.
 * </ul>
 *
 * Only operations that end inside the measurement window (after a warm-up) count. Throughput
 * is counted per one-second interval of the window, so its median and range show how steady
 * it was. A connection the daemon refuses (its limits) is counted, and the client retries
 * after a short random pause.
 */
final class Load {
    private static final Request LIST = Request.of("list", 0);

    private final Connection.Target target;
    private final Identity identity;
    private final DaemonProcess daemon;

    Load(Connection.Target target, Identity identity, DaemonProcess daemon) {
        this.target = target;
        this.identity = identity;
        this.daemon = daemon;
    }

    /**
     * The outcome of one load run.
     *
     * @param perSecond  completed operations in each one-second interval of the window
     * @param latencyMs  latency of each operation completed in the window, in milliseconds
     * @param failures   refused connections, error replies and broken connections, whole run
     * @param refusedLog the connections the daemon refused during the run, from its log
     * @param peak       the daemon's largest resident set and thread count seen during the run
     * @param cpu        CPU time per operation in the window, of the daemon and of this (client) JVM
     */
    record Result(int clients, Stats perSecond, Stats latencyMs, long failures, long refusedLog, DaemonProcess.Memory peak, CpuPerOp cpu) {
    }

    /** CPU milliseconds per completed operation, all threads, of the daemon and of the load client. */
    record CpuPerOp(double daemonMs, double clientMs) {
    }

    /** {@code clients} persistent connections, opened at once, then {@code list} after {@code list}. */
    Result persistent(int clients, double warmupSeconds, double windowSeconds) throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(clients);
        return run(clients, warmupSeconds, windowSeconds, connected, (recorder, stop) -> {
            Connection connection = connectRetrying(recorder, stop);
            connected.countDown();
            try {
                while (connection != null && !stop.stopped()) {
                    long start = System.nanoTime();
                    Reply reply = connection.call(LIST);
                    long end = System.nanoTime();
                    if (reply.status() == Status.OK) {
                        recorder.record(start, end);
                    } else {
                        recorder.failed();
                    }
                }
            } finally {
                if (connection != null) {
                    connection.close();
                }
            }
        });
    }

    /** {@code clients} threads, each repeating connect + handshake + {@code list} + close. */
    Result handshakes(int clients, double warmupSeconds, double windowSeconds) throws IOException, InterruptedException {
        return run(clients, warmupSeconds, windowSeconds, new CountDownLatch(0), (recorder, stop) -> {
            while (!stop.stopped()) {
                long start = System.nanoTime();
                try (Connection connection = target.open(identity)) {
                    Reply reply = connection.call(LIST);
                    if (reply.status() != Status.OK) {
                        recorder.failed();
                        continue;
                    }
                } catch (IOException e) {
                    recorder.failed();
                    pause();
                    continue;
                }
                recorder.record(start, System.nanoTime());
            }
        });
    }

    /** {@code clients} threads, each repeating connect + TLS handshake + close, no request ({@link Connection.Target#handshakeOnly}). */
    Result tlsHandshakes(int clients, double warmupSeconds, double windowSeconds) throws IOException, InterruptedException {
        return run(clients, warmupSeconds, windowSeconds, new CountDownLatch(0), (recorder, stop) -> {
            while (!stop.stopped()) {
                long start = System.nanoTime();
                try {
                    target.handshakeOnly(identity);
                } catch (IOException e) {
                    recorder.failed();
                    pause();
                    continue;
                }
                recorder.record(start, System.nanoTime());
            }
        });
    }

    /** Opens a connection, retrying (after a pause) when the daemon refuses it; null if stopped first. */
    private Connection connectRetrying(Recorder recorder, Stop stop) throws InterruptedException {
        while (!stop.stopped()) {
            try {
                return target.open(identity);
            } catch (IOException e) {
                recorder.failed();
                pause();
            }
        }
        return null;
    }

    private static void pause() {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(5, 50));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells the load threads when to stop. */
    interface Stop {
        boolean stopped();
    }

    /** What each load thread does until stopped. */
    @FunctionalInterface
    interface Body {
        void run(Recorder recorder, Stop stop) throws IOException, InterruptedException;
    }

    private Result run(int clients, double warmupSeconds, double windowSeconds, CountDownLatch ready, Body body)
            throws IOException, InterruptedException {
        long refusedBefore = daemon.connectionsRefused();
        List<Recorder> recorders = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE);
        Stop stop = () -> System.nanoTime() >= stopAt.get() || Thread.currentThread().isInterrupted();
        for (int i = 0; i < clients; i++) {
            Recorder recorder = new Recorder();
            recorders.add(recorder);
            Thread thread = new Thread(() -> {
                try {
                    body.run(recorder, stop);
                } catch (IOException e) {
                    recorder.failed();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "load-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        if (!ready.await(120, TimeUnit.SECONDS)) {
            throw new IOException("the clients could not all connect within 120 s");
        }
        long windowStart = System.nanoTime() + (long) (warmupSeconds * 1e9);
        long windowEnd = windowStart + (long) (windowSeconds * 1e9);
        stopAt.set(windowEnd);
        DaemonProcess.Memory peak = sampleMemoryUntil(windowStart, daemon.memory());
        double[] cpuAtStart = cpuNow();
        peak = sampleMemoryUntil(windowEnd, peak);
        double[] cpuUsed = cpuNow();
        for (int i = 0; i < cpuUsed.length; i++) {
            cpuUsed[i] -= cpuAtStart[i];
        }
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        return summarise(clients, recorders, windowStart, windowEnd, daemon.connectionsRefused() - refusedBefore,
                peak, cpuUsed);
    }

    /** Samples the daemon's memory every 100 ms until {@code deadline} (nanoTime); returns the peak. */
    private DaemonProcess.Memory sampleMemoryUntil(long deadline, DaemonProcess.Memory peak) throws IOException, InterruptedException {
        DaemonProcess.Memory max = peak;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
            max = max.max(daemon.memory());
        }
        return max;
    }

    /** CPU milliseconds used so far by the daemon and by this JVM. */
    private double[] cpuNow() {
        double self = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(Double.NaN);
        return new double[] {daemon.cpuMillis(), self};
    }

    private static Result summarise(int clients, List<Recorder> recorders, long windowStart, long windowEnd, long refusedLog,
                                    DaemonProcess.Memory peak, double[] cpuUsed) {
        int intervals = (int) Math.max(1, Math.round((windowEnd - windowStart) / 1e9));
        double[] perSecond = new double[intervals];
        long[] latencies = new long[recorders.stream().mapToInt(Recorder::count).sum()];
        int n = 0;
        long failures = 0;
        for (Recorder recorder : recorders) {
            failures += recorder.failures();
            for (int i = 0; i < recorder.count(); i++) {
                long end = recorder.end(i);
                if (end >= windowStart && end < windowEnd) {
                    perSecond[(int) Math.min(intervals - 1, (end - windowStart) / 1_000_000_000L)]++;
                    latencies[n++] = recorder.latency(i);
                }
            }
        }
        return new Result(clients, Stats.of(perSecond), Stats.ofNanosAsMillis(latencies, n), failures, refusedLog, peak,
                new CpuPerOp(cpuUsed[0] / n, cpuUsed[1] / n));
    }
}
