// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Daemon throughput and latency at 1, 8, 64 and 256 concurrent clients: {@code list} on
 * persistent connections, and full handshakes (connect + handshake + {@code list} + close).
 * Keeps the peak memory seen at 256 clients for {@link MemorySection}.
 */
final class DaemonSection {
    static final int[] CLIENTS = {1, 8, 64, 256};

    private final Load load;
    private final boolean quick;
    private final List<Load.Result> persistent = new ArrayList<>();
    private final List<Load.Result> handshakes = new ArrayList<>();

    DaemonSection(Load load, boolean quick) {
        this.load = load;
        this.quick = quick;
    }

    /** Runs every load (persistent, then handshakes, at each client count). */
    void run() throws IOException, InterruptedException {
        double warmup = quick ? 0.5 : 1;
        double window = quick ? 2 : 5;
        for (int clients : CLIENTS) {
            persistent.add(load.persistent(clients, warmup, window));
            handshakes.add(load.handshakes(clients, warmup, window));
        }
    }

    void report(Table table) {
        table.section("Daemon: list on persistent connections (clients connect at once, then request after request)",
                "clients", "req/s p50", "req/s min-max", "latency p50 ms", "p99 ms", "n", "daemon CPU ms/op", "client CPU ms/op",
                "daemon-bound/s", "failed", "refused");
        persistent.forEach(r -> row(table, r));
        table.note("req/s: median of the 1-second intervals of the window, and their range; latency over every request in the window");
        table.note("target at 64 clients: >= 5,000 req/s");
        table.section("Daemon: full handshakes (connect + TLS 1.3 handshake + list + close, a fresh SSLContext each, as a CLI)",
                "clients", "conn/s p50", "conn/s min-max", "latency p50 ms", "p99 ms", "n", "daemon CPU ms/op", "client CPU ms/op",
                "daemon-bound/s", "failed", "refused");
        handshakes.forEach(r -> row(table, r));
        table.note("target at 64 clients: >= 300 handshakes/s. The load client runs in its own JVM on the same cores, so its half");
        table.note("of every handshake is paid from the daemon's CPU budget: daemon-bound/s = CPUs x 1000 / daemon CPU ms per op,");
        table.note("the rate the daemon could sustain with the machine to itself (CPU time from /proc, all threads, GC and JIT included).");
        table.note("failed: client-side failures (connection refused or broken; the client retries after 5-50 ms); refused: the");
        table.note("connections the daemon refused, from its log (max_connections=1024 reached; beyond max_pending_handshakes=64 connections wait; the daemon logs a refusal at most once a minute per reason, with the count of the rest, so this is a lower bound).");
    }

    private static void row(Table table, Load.Result r) {
        table.row(Integer.toString(r.clients()), Table.whole(r.perSecond().median()), Table.whole(r.perSecond().min()) + "-"
                        + Table.whole(r.perSecond().max()), Table.ms(r.latencyMs().median()), Table.ms(r.latencyMs().percentile(99)),
                Integer.toString(r.latencyMs().count()), Table.cpu(r.cpu().daemonMs()), Table.cpu(r.cpu().clientMs()),
                Table.whole(Runtime.getRuntime().availableProcessors() * 1000 / r.cpu().daemonMs()), Long.toString(r.failures()),
                Long.toString(r.refusedLog()));
    }

    /** The peak memory over the 256-client runs. */
    DaemonProcess.Memory peakAtMostClients() {
        return persistent.get(persistent.size() - 1).peak().max(handshakes.get(handshakes.size() - 1).peak());
    }
}
