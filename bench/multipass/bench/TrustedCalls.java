// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.tls.Identity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A trusted client running {@code list} back to back on a thread of its own, on a new
 * connection each time (a CLI without its JVM start) or on one persistent connection
 * (reopened if it breaks), recording when each call started and how long it took, so that
 * windows of time can be compared afterwards.
 */
final class TrustedCalls {
    private static final Request LIST = Request.of("list", 0);
    private static final long FAILED = -1;

    private final Connection.Target target;
    private final Identity identity;
    private final boolean persistent;
    private final List<long[]> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;

    TrustedCalls(Connection.Target target, Identity identity, boolean persistent) {
        this.target = target;
        this.identity = identity;
        this.persistent = persistent;
        this.thread = new Thread(this::loop, persistent ? "trusted-persistent" : "trusted-new");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() throws InterruptedException {
        stopped = true;
        thread.join(30_000);
    }

    private void loop() {
        Connection connection = null;
        while (!stopped) {
            long start = System.nanoTime();
            long latency;
            try {
                if (connection == null) {
                    connection = target.open(identity);
                }
                Reply reply = connection.call(LIST);
                if (!persistent) {
                    connection.close();
                    connection = null;
                }
                latency = reply.status() == Status.OK ? System.nanoTime() - start : FAILED;
            } catch (IOException e) {
                if (connection != null) {
                    connection.close();
                    connection = null;
                }
                latency = FAILED;
            }
            synchronized (samples) {
                samples.add(new long[] {start, latency});
            }
            if (latency == FAILED) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        if (connection != null) {
            connection.close();
        }
    }

    /** The latencies (ms) of the calls that started in one of {@code windows} (each {start, end} in nanoTime) and succeeded. */
    Stats within(List<long[]> windows) {
        List<Long> latencies = new ArrayList<>();
        synchronized (samples) {
            for (long[] sample : samples) {
                if (sample[1] != FAILED && inside(sample[0], windows)) {
                    latencies.add(sample[1]);
                }
            }
        }
        long[] nanos = latencies.stream().mapToLong(Long::longValue).toArray();
        return Stats.ofNanosAsMillis(nanos, nanos.length);
    }

    /** How many calls that started in one of {@code windows} failed. */
    int failuresWithin(List<long[]> windows) {
        int failures = 0;
        synchronized (samples) {
            for (long[] sample : samples) {
                if (sample[1] == FAILED && inside(sample[0], windows)) {
                    failures++;
                }
            }
        }
        return failures;
    }

    private static boolean inside(long time, List<long[]> windows) {
        for (long[] window : windows) {
            if (time >= window[0] && time < window[1]) {
                return true;
            }
        }
        return false;
    }
}
