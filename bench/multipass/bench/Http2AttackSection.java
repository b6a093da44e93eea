// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.tls.Identity;
import multipass.tls.IdentityException;
import multipass.tls.TlsContexts;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The HTTP/2 floods of issue 20 ({@link Http2Flood}) against one daemon started with the
 * launcher's JVM options, on its Unix socket: a trusted client runs {@code list} back to back
 * throughout, on a new connection each time and on a persistent one; each flood runs in turn,
 * from a peer with no certificate and from a trusted one, in rounds of a quiet window then a
 * flood window on the same daemon, and the trusted client's p99 over the flood windows is
 * compared with that over the quiet windows just before them. The daemon's resident memory is sampled every 100 ms (growth: the peak during
 * the flood and the second after it, over the last quiet sample), its CPU read at each window's
 * edges. After each flood the attackers stop and the daemon gets a second to settle, unmeasured.
 */
final class Http2AttackSection {
    /** Who the attacker is. */
    enum Peer {
        NO_CERTIFICATE("no cert"), TRUSTED("trusted");

        final String label;

        Peer(String label) {
            this.label = label;
        }
    }

    /** One flood from one peer: the trusted client's figures and what the daemon did. */
    record Row(Http2Flood flood, Peer peer, Stats quietNew, Stats floodNew, Stats quietPersistent, Stats floodPersistent,
               int failures, long quietRssKb, long peakRssKb, double quietCpuPercent, double floodCpuPercent, long connections,
               long openFailures, long frames, long resets, Map<String, Integer> endings, String loadAverage) {
    }

    private final DaemonProcess daemon;
    private final Connection.Target target;
    private final Identity trusted;
    /** The trusted attacker's identity: trusted too, but not the victim's certificate. */
    private final Identity attacker;
    private final double quietSeconds;
    private final double floodSeconds;
    private final double settleSeconds;
    private final int repeats;
    private final List<Row> rows = new ArrayList<>();
    private long firstQuietRssKb = -1;
    private long maxRssKb;

    Http2AttackSection(DaemonProcess daemon, Connection.Target target, Identity trusted, Identity attacker, boolean quick) {
        this.daemon = daemon;
        this.target = target;
        this.trusted = trusted;
        this.attacker = attacker;
        this.quietSeconds = quick ? 1 : 1.5;
        this.floodSeconds = quick ? 1 : 1.5;
        this.settleSeconds = 0.5;
        this.repeats = quick ? 1 : 6; // a new connection's p99 pools only a few hundred calls a round
    }

    void run() throws IOException, InterruptedException {
        TrustedCalls fresh = new TrustedCalls(target, trusted, false);
        TrustedCalls persistent = new TrustedCalls(target, trusted, true);
        fresh.start();
        persistent.start();
        try {
            sampleUntil(System.nanoTime() + (long) (2 * settleSeconds * 1e9), new long[1]); // the trusted client warms up
            for (Http2Flood flood : Http2Flood.values()) {
                for (Peer peer : Peer.values()) {
                    System.out.println("bench: HTTP/2 flood: " + flood.title + " from " + peer.label + " (load average " + Bench.loadAverage() + ")");
                    rows.add(round(flood, peer, fresh, persistent));
                }
            }
        } finally {
            fresh.stop();
            persistent.stop();
        }
    }

    /**
     * One flood from one peer, in {@link #repeats} rounds of quiet, flood and settling, so that
     * whatever else the shared machine does weighs on the quiet and the flood windows alike.
     */
    private Row round(Http2Flood flood, Peer peer, TrustedCalls fresh, TrustedCalls persistent) throws IOException, InterruptedException {
        TlsContexts contexts = contexts(peer == Peer.TRUSTED ? () -> attacker : () -> null);
        List<long[]> quietWindows = new ArrayList<>();
        List<long[]> floodWindows = new ArrayList<>();
        double quietCpu = 0;
        double floodCpu = 0;
        long quietRss = -1;
        long[] peak = new long[1];
        long connections = 0;
        long openFailures = 0;
        long frames = 0;
        long resets = 0;
        Map<String, Integer> endings = new TreeMap<>();
        String load = null;
        for (int repeat = 0; repeat < repeats; repeat++) {
            long quietStart = System.nanoTime();
            double cpu = daemon.cpuMillis();
            long rss = sampleUntil(quietStart + (long) (quietSeconds * 1e9), new long[1]);
            quietRss = quietRss < 0 ? rss : quietRss;
            long floodStart = System.nanoTime();
            double cpuAtFlood = daemon.cpuMillis();
            quietCpu += cpuAtFlood - cpu;
            quietWindows.add(new long[] {quietStart, floodStart});
            Http2Flood.Running running = new Http2Flood.Running(flood, target.address(), contexts);
            running.start();
            sampleUntil(floodStart + (long) (floodSeconds * 1e9), peak);
            long floodEnd = System.nanoTime();
            floodCpu += daemon.cpuMillis() - cpuAtFlood;
            floodWindows.add(new long[] {floodStart, floodEnd});
            load = Bench.loadAverage().split(" ")[0];
            running.stop();
            sampleUntil(System.nanoTime() + (long) (settleSeconds * 1e9), peak);
            connections += running.connections();
            openFailures += running.openFailures();
            frames += running.frames();
            resets += running.resets();
            running.endings().forEach((k, v) -> endings.merge(k, v, Integer::sum));
        }
        if (firstQuietRssKb < 0) {
            firstQuietRssKb = quietRss;
        }
        maxRssKb = Math.max(maxRssKb, peak[0]);
        return new Row(flood, peer, fresh.within(quietWindows), fresh.within(floodWindows), persistent.within(quietWindows),
                persistent.within(floodWindows), fresh.failuresWithin(floodWindows) + persistent.failuresWithin(floodWindows), quietRss,
                peak[0], percent(quietCpu, quietWindows), percent(floodCpu, floodWindows), connections, openFailures, frames, resets,
                endings, load);
    }

    /** Samples the daemon's resident set every 100 ms until {@code deadline}, keeping the peak in {@code peak[0]}; returns the last sample. */
    private long sampleUntil(long deadline, long[] peak) throws IOException, InterruptedException {
        long last = daemon.memory().rssKb();
        peak[0] = Math.max(peak[0], last);
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
            last = daemon.memory().rssKb();
            peak[0] = Math.max(peak[0], last);
        }
        return last;
    }

    private TlsContexts contexts(Supplier<Identity> identity) throws IOException {
        try {
            return TlsContexts.client(identity, target.daemonCas());
        } catch (IdentityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static double percent(double cpuMillis, List<long[]> windows) {
        double wallMillis = windows.stream().mapToDouble(w -> (w[1] - w[0]) / 1e6).sum();
        return cpuMillis / wallMillis * 100;
    }

    void report(Table table, List<String> jvmOptions) {
        table.section("Under HTTP/2 floods: a trusted client's list p99 (ms), quiet window, then flood window",
                "flood", "from", "new: n", "quiet", "flood", "ratio", "persistent: n", "quiet", "flood", "ratio", "failed");
        for (Row row : rows) {
            table.row(row.flood().title, row.peer().label, row.floodNew().count() + "", Table.ms(row.quietNew().percentile(99)),
                    Table.ms(row.floodNew().percentile(99)), ratio(row.floodNew(), row.quietNew()), row.floodPersistent().count() + "",
                    String.format("%.2f", row.quietPersistent().percentile(99)), String.format("%.2f", row.floodPersistent().percentile(99)),
                    ratio(row.floodPersistent(), row.quietPersistent()), Integer.toString(row.failures()));
        }
        table.note(String.format("one daemon (%s, the launcher's options) on its Unix socket; per flood and peer %d round(s) of %.1f s quiet,"
                + " %.1f s of flood and %.1f s unmeasured, samples pooled; n: calls in the flood windows. Target: flood p99 at most 2x quiet.",
                String.join(" ", jvmOptions), repeats, quietSeconds, floodSeconds, settleSeconds));
        table.note("failed: trusted calls that failed during the flood (refused, broken or an error reply)");
        table.section("Under HTTP/2 floods: what the daemon did",
                "flood", "from", "RSS quiet MiB", "+MiB", "CPU% quiet", "flood", "conns", "failed", "frames sent", "RSTs", "load", "connections ended by");
        for (Row row : rows) {
            table.row(row.flood().title, row.peer().label, String.format("%.0f", row.quietRssKb() / 1024.0),
                    String.format("%+.0f", (row.peakRssKb() - row.quietRssKb()) / 1024.0), String.format("%.0f", row.quietCpuPercent()),
                    String.format("%.0f", row.floodCpuPercent()), Long.toString(row.connections()), Long.toString(row.openFailures()),
                    String.format("%,d", row.frames()), String.format("%,d", row.resets()), row.loadAverage(), endings(row.endings()));
        }
        table.note(String.format("RSS: the daemon's resident set, at the end of the first quiet window, and its peak during the floods and the"
                + " settling after each over that; the section's peak was %.0f MiB, %+.0f MiB over the first quiet window. Target: at most +256 MiB.",
                maxRssKb / 1024.0, (maxRssKb - firstQuietRssKb) / 1024.0));
        table.note("CPU%: the daemon's CPU (all threads) over the window, in % of one core (the machine's cores also run the bench's"
                + " trusted client and attackers); conns: attacker connections opened (failed: could not open); frames sent: flood frames written;"
                + " RSTs: RST_STREAM frames the daemon sent; load: 1-minute load average at the flood's end");
    }

    private static String ratio(Stats flood, Stats quiet) {
        return String.format("%.2fx", flood.percentile(99) / quiet.percentile(99));
    }

    private static String endings(Map<String, Integer> endings) {
        List<String> parts = new ArrayList<>();
        endings.forEach((how, count) -> parts.add(how + " " + count));
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }
}
