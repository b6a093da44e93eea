// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.platform.Address;
import multipass.tls.Identity;
import multipass.tls.IdentityException;
import multipass.tls.PublishedAuthority;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The guessing flood, in TCP mode. On Linux the daemon now learns the local user of a loopback
 * TCP connection and throttles by uid there as on a Unix socket, so the attacker identities,
 * all the bench's uid, count as one source (before issue 13 TCP throttled by certificate and
 * they were several; docs/performance.md). Each round runs on a freshly started daemon (the
 * throttle's memory is per process), warmed up first, with the same data dir as the Unix
 * daemon, so the bench's CLI identity is trusted and the passphrase is set.
 */
final class AttackSection {
    /** Starts a daemon on an address, under a name for its log file. */
    @FunctionalInterface
    interface Starter {
        DaemonProcess start(String address, String name) throws IOException;
    }

    private final Starter starter;
    private final Path rendezvousDir;
    private final Identity trusted;
    private final Flood flood;
    private final int identities;
    private final int rounds;
    private final double quietSeconds;
    private final List<Flood.Round> results = new ArrayList<>();

    AttackSection(Starter starter, Path rendezvousDir, Identity trusted, Flood flood, int identities, boolean quick) {
        this.starter = starter;
        this.rendezvousDir = rendezvousDir;
        this.trusted = trusted;
        this.flood = flood;
        this.identities = identities;
        this.rounds = quick ? 1 : 3;
        this.quietSeconds = quick ? 2 : 4;
    }

    void run() throws IOException, InterruptedException {
        int port = Workspace.freePort();
        for (int round = 1; round <= rounds; round++) {
            try (DaemonProcess daemon = starter.start("127.0.0.1:" + port, "daemon-tcp-" + round)) {
                Connection.Target target = new Connection.Target(Address.parse(daemon.address()), List.of(publishedCa(port)));
                new Load(target, trusted, daemon).handshakes(4, 0, 2);
                results.add(flood.round(target, quietSeconds));
            }
        }
    }

    void report(Table table, int attempts) {
        table.section("Under attack (TCP mode): a trusted client's list while " + attempts + " wrong passphrases flood in",
                "trusted list", "quiet n", "quiet p50", "quiet p99", "attack n", "attack p50", "attack p99", "p99 attack/quiet");
        row(table, "new connection each (ms)", pool(Flood.Round::quietNew), pool(Flood.Round::attackNew));
        row(table, "persistent connection (ms)", pool(Flood.Round::quietPersistent), pool(Flood.Round::attackPersistent));
        Map<String, Integer> verdicts = new TreeMap<>();
        results.forEach(r -> r.verdicts().forEach((k, v) -> verdicts.merge(k, v, Integer::sum)));
        double[] durations = results.stream().mapToDouble(Flood.Round::floodSeconds).toArray();
        int failures = results.stream().mapToInt(Flood.Round::trustedFailures).sum();
        table.note(results.size() + " round(s), each on a fresh daemon: " + quietSeconds + " s quiet, then " + attempts
                + " attempts from " + identities + " identities as fast as they go; pooled samples. Target: p99 within 2x.");
        table.note("flood duration (s) per round: " + formatted(durations) + "; trusted requests failed during floods: " + failures);
        table.note("verdicts over all rounds: " + verdicts);
    }

    private static void row(Table table, String name, Stats quiet, Stats attack) {
        table.row(name, Integer.toString(quiet.count()), Table.ms(quiet.median()), Table.ms(quiet.percentile(99)),
                Integer.toString(attack.count()), Table.ms(attack.median()), Table.ms(attack.percentile(99)),
                String.format("%.2fx", attack.percentile(99) / quiet.percentile(99)));
    }

    private Stats pool(java.util.function.Function<Flood.Round, List<Long>> samples) {
        long[] nanos = results.stream().flatMap(r -> samples.apply(r).stream()).mapToLong(Long::longValue).toArray();
        return Stats.ofNanosAsMillis(nanos, nanos.length);
    }

    private static String formatted(double[] values) {
        List<String> parts = new ArrayList<>();
        for (double value : values) {
            parts.add(String.format("%.1f", value));
        }
        return String.join(", ", parts);
    }

    private X509Certificate publishedCa(int port) throws IOException {
        try {
            return PublishedAuthority.read(PublishedAuthority.forTcpPort(rendezvousDir, port), null);
        } catch (IdentityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
