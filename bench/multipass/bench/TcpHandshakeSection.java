// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.platform.Address;
import multipass.platform.CurrentUser;
import multipass.tls.IdentityException;
import multipass.tls.PublishedAuthority;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Handshakes per second over loopback TCP, where the daemon looks up the owner of every
 * accepted connection in the kernel's socket tables ({@code --tcp-handshakes-only}). Two
 * daemons from the jar under test run side by side, on their own ports and data dirs: one
 * with the lookup, one with it turned off by the bench knob
 * {@code -Dmultipass.bench.tcpOwnerLookup=off}; with {@code --baseline-jar} a third, from that
 * jar (e.g. a build of the commit before the lookup). Two probes: a TLS handshake alone
 * (connect, handshake, close), which every one of our daemons answers whatever its
 * application protocol, and a full one as a CLI makes it (connect, handshake, {@code list},
 * close), for the daemons that speak gRPC (not the baseline). The daemons are measured one
 * after the other, round after round (the order alternating), so all see the same machine;
 * the table gives each one's median over the rounds of the per-round figures, and what the
 * lookup adds to the daemon's CPU per connection. Each data dir trusts the bench's client
 * (written directly, as the scale section does).
 */
final class TcpHandshakeSection {
    private static final String PASSPHRASE = "bench-passphrase";
    private static final int[] CLIENTS = {8, 64};
    /** The bench knob that turns the lookup off (TcpEndpoint.LOOKUP_KNOB). */
    private static final String LOOKUP_OFF = "-Dmultipass.bench.tcpOwnerLookup=off";
    private static final String ON = "lookup on";
    private static final String OFF = "lookup off";

    private final Jvm jvm;
    private final Options options;
    private final Workspace workspace;

    TcpHandshakeSection(Jvm jvm, Options options, Workspace workspace) {
        this.jvm = jvm;
        this.options = options;
        this.workspace = workspace;
    }

    /** One daemon under test: a label, its process, the load on it, and whether it speaks gRPC (the full probe). */
    private record Variant(String label, DaemonProcess daemon, Load load, boolean grpc) {
    }

    /** What each client repeats. */
    private enum Probe {
        TLS("TLS handshake (connect + TLS 1.3 + close)"),
        FULL("full handshake (connect + TLS 1.3 + list + close)");

        final String text;

        Probe(String text) {
            this.text = text;
        }
    }

    void run(Table table) throws IOException, InterruptedException {
        Path template = workspace.root().resolve("tcp-template");
        DaemonProcess.start(jvm, List.of(), options.jar(), "unix:" + workspace.root().resolve("tt"), template, workspace, "tcp-template").close();
        ScaleData data = new ScaleData(template);
        CurrentUser me = CurrentUser.get();
        List<Variant> variants = new ArrayList<>();
        try {
            variants.add(start(ON, options.jar(), List.of(), "on", true, data, me));
            variants.add(start(OFF, options.jar(), List.of(LOOKUP_OFF), "off", true, data, me));
            if (options.baselineJar() != null) {
                variants.add(start("old build (" + options.baselineJar().getFileName() + ")", options.baselineJar(), List.of(), "old", false, data, me));
            }
            measure(table, variants);
        } finally {
            for (Variant variant : variants) {
                variant.daemon().close();
            }
        }
    }

    private Variant start(String label, Path jar, List<String> knobs, String name, boolean grpc, ScaleData data, CurrentUser me) throws IOException {
        Path dir = workspace.root().resolve("tcp-data-" + name);
        data.write(dir, 0, 0, PASSPHRASE, me.name(), me.uid());
        int port = Workspace.freePort();
        List<String> jvmOptions = new ArrayList<>(options.daemonJvm());
        jvmOptions.addAll(knobs);
        DaemonProcess daemon = DaemonProcess.start(jvm, jvmOptions, jar, "127.0.0.1:" + port, dir, workspace, "daemon-tcp-" + name);
        Connection.Target target;
        try {
            target = new Connection.Target(Address.parse(daemon.address()),
                    List.of(PublishedAuthority.read(PublishedAuthority.forTcpPort(workspace.platform().daemonRendezvousDir(), port), null)));
        } catch (IdentityException e) {
            daemon.close();
            throw new IOException(e.getMessage(), e);
        }
        return new Variant(label, daemon, new Load(target, data.trusted(), daemon), grpc);
    }

    private void measure(Table table, List<Variant> variants) throws IOException, InterruptedException {
        int rounds = options.quick() ? 2 : 5;
        double window = options.quick() ? 2 : 4;
        for (Variant variant : variants) {
            System.out.println("bench: warming up the TCP daemon " + variant.label());
            variant.load().tlsHandshakes(8, 0, options.quick() ? 1 : 3);
            if (variant.grpc()) {
                variant.load().handshakes(8, 0, options.quick() ? 1 : 3);
            }
        }
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Probe probe : Probe.values()) {
                for (int clients : CLIENTS) {
                    for (int i = 0; i < variants.size(); i++) {
                        Variant variant = variants.get((i + round) % variants.size()); // alternate which goes first
                        if (probe == Probe.FULL && !variant.grpc()) {
                            continue;
                        }
                        Load.Result result = probe == Probe.TLS ? variant.load().tlsHandshakes(clients, 1, window)
                                : variant.load().handshakes(clients, 1, window);
                        String key = key(probe, variant, clients);
                        rates.computeIfAbsent(key, k -> new ArrayList<>()).add(result.perSecond().median());
                        cpu.computeIfAbsent(key, k -> new ArrayList<>()).add(result.cpu().daemonMs());
                    }
                }
            }
            System.out.println("bench: TCP handshake round " + (round + 1) + " of " + rounds + "; load average " + Bench.loadAverage());
        }
        report(table, variants, rates, cpu, rounds, window);
    }

    private static String key(Probe probe, Variant variant, int clients) {
        return probe + "|" + variant.label() + "|" + clients;
    }

    private static void report(Table table, List<Variant> variants, Map<String, List<Double>> rates, Map<String, List<Double>> cpu,
                               int rounds, double window) {
        table.section("Daemon over loopback TCP: handshakes with the owner lookup on, off (bench knob) and in an old build",
                "probe", "daemon", "clients", "conn/s median", "round medians min-max", "daemon CPU ms/op", "lookup's share", "CPU vs old");
        for (Probe probe : Probe.values()) {
            for (int clients : CLIENTS) {
                Double off = median(cpu.get(key(probe, variants.get(1), clients)));
                List<Double> oldCpu = variants.size() > 2 ? cpu.get(key(probe, variants.get(2), clients)) : null;
                Double old = oldCpu == null ? null : median(oldCpu);
                for (Variant variant : variants) {
                    List<Double> rate = rates.get(key(probe, variant, clients));
                    if (rate == null) {
                        continue;
                    }
                    Stats stats = Stats.of(toArray(rate));
                    double daemonCpu = median(cpu.get(key(probe, variant, clients)));
                    table.row(probe == Probe.TLS ? "TLS only" : "full", variant.label(), Integer.toString(clients), Table.whole(stats.median()),
                            Table.whole(stats.min()) + "-" + Table.whole(stats.max()), Table.cpu(daemonCpu),
                            variant.label().equals(ON) ? String.format("%.1f%%", 100 * (daemonCpu - off) / daemonCpu) : "",
                            old == null ? "n/a" : String.format("%.2fx", daemonCpu / old));
                }
            }
        }
        table.note("lookup's share: (CPU with the lookup - CPU without) / CPU with, per connection, from the medians over the rounds.");
        for (Probe probe : Probe.values()) {
            table.note(probe.name().equals("TLS") ? "TLS only: " + probe.text : "full: " + probe.text + "; not for the old build, which speaks another protocol.");
        }
        table.note(rounds + " rounds, in each the daemons measured one after the other (the order alternating), " + window
                + " s windows after 1 s of warm-up; per round the median of the 1-second intervals (CPU: the window's daemon CPU over its"
                + " connections), then the median over the rounds.");
        table.note("All daemons run during the whole section, on their own ports and data dirs; the machine is shared, so compare the rows of one run, not runs.");
    }

    private static double median(List<Double> values) {
        return Stats.of(toArray(values)).median();
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
