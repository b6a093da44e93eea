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
 * Full handshakes per second over loopback TCP, where the daemon looks up the owner of every
 * accepted connection in the kernel's socket tables ({@code --tcp-handshakes-only}). With
 * {@code --baseline-jar} a second daemon from that jar (a build without the lookup) runs at
 * the same time on its own port and data dir, and the two are measured in alternation, round
 * after round, so both see the same machine; the table gives each one's median over the
 * rounds of the per-round medians, and the ratio. Each data dir trusts the bench's client
 * (written directly, as the scale section does).
 */
final class TcpHandshakeSection {
    private static final String PASSPHRASE = "bench-passphrase";
    private static final int[] CLIENTS = {8, 64};

    private final Jvm jvm;
    private final Options options;
    private final Workspace workspace;

    TcpHandshakeSection(Jvm jvm, Options options, Workspace workspace) {
        this.jvm = jvm;
        this.options = options;
        this.workspace = workspace;
    }

    /** One daemon under test: a label, its process, and the load on it. */
    private record Variant(String label, DaemonProcess daemon, Load load) {
    }

    void run(Table table) throws IOException, InterruptedException {
        Path template = workspace.root().resolve("tcp-template");
        DaemonProcess.start(jvm, List.of(), options.jar(), "unix:" + workspace.root().resolve("tt"), template, workspace, "tcp-template").close();
        ScaleData data = new ScaleData(template);
        CurrentUser me = CurrentUser.get();
        List<Variant> variants = new ArrayList<>();
        try {
            variants.add(start("with the lookup", options.jar(), data, me));
            if (options.baselineJar() != null) {
                variants.add(start("baseline (" + options.baselineJar().getFileName() + ")", options.baselineJar(), data, me));
            }
            measure(table, variants);
        } finally {
            for (Variant variant : variants) {
                variant.daemon().close();
            }
        }
    }

    private Variant start(String label, Path jar, ScaleData data, CurrentUser me) throws IOException {
        Path dir = workspace.root().resolve("tcp-data-" + (jar.equals(options.jar()) ? "after" : "before"));
        data.write(dir, 0, 0, PASSPHRASE, me.name(), me.uid());
        int port = Workspace.freePort();
        DaemonProcess daemon = DaemonProcess.start(jvm, options.daemonJvm(), jar, "127.0.0.1:" + port, dir, workspace,
                "daemon-tcp-" + (jar.equals(options.jar()) ? "after" : "before"));
        Connection.Target target;
        try {
            target = new Connection.Target(Address.parse(daemon.address()),
                    List.of(PublishedAuthority.read(PublishedAuthority.forTcpPort(workspace.platform().daemonRendezvousDir(), port), null)));
        } catch (IdentityException e) {
            daemon.close();
            throw new IOException(e.getMessage(), e);
        }
        return new Variant(label, daemon, new Load(target, data.trusted(), daemon));
    }

    private void measure(Table table, List<Variant> variants) throws IOException, InterruptedException {
        int rounds = options.quick() ? 2 : 5;
        double window = options.quick() ? 2 : 4;
        for (Variant variant : variants) {
            System.out.println("bench: warming up the TCP daemon " + variant.label());
            variant.load().handshakes(8, 0, options.quick() ? 2 : 6);
        }
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (int clients : CLIENTS) {
                for (int i = 0; i < variants.size(); i++) {
                    Variant variant = variants.get((i + round) % variants.size()); // alternate which goes first
                    Load.Result result = variant.load().handshakes(clients, 1, window);
                    String key = variant.label() + "|" + clients;
                    rates.computeIfAbsent(key, k -> new ArrayList<>()).add(result.perSecond().median());
                    cpu.computeIfAbsent(key, k -> new ArrayList<>()).add(result.cpu().daemonMs());
                }
            }
            System.out.println("bench: TCP handshake round " + (round + 1) + " of " + rounds);
        }
        report(table, variants, rates, cpu, rounds, window);
    }

    private static void report(Table table, List<Variant> variants, Map<String, List<Double>> rates, Map<String, List<Double>> cpu,
                               int rounds, double window) {
        table.section("Daemon over loopback TCP: full handshakes (connect + TLS 1.3 + list + close), with and without the owner lookup",
                "daemon", "clients", "conn/s median", "round medians min-max", "daemon CPU ms/op", "vs baseline");
        for (int clients : CLIENTS) {
            Double baseline = variants.size() > 1 ? Stats.of(toArray(rates.get(variants.get(1).label() + "|" + clients))).median() : null;
            for (Variant variant : variants) {
                Stats stats = Stats.of(toArray(rates.get(variant.label() + "|" + clients)));
                Stats daemonCpu = Stats.of(toArray(cpu.get(variant.label() + "|" + clients)));
                table.row(variant.label(), Integer.toString(clients), Table.whole(stats.median()),
                        Table.whole(stats.min()) + "-" + Table.whole(stats.max()), Table.cpu(daemonCpu.median()),
                        baseline == null ? "n/a" : String.format("%.2fx", stats.median() / baseline));
            }
        }
        table.note(rounds + " rounds, in each the daemons measured one after the other (the order alternating), " + window
                + " s windows after 1 s of warm-up; per round the median of the 1-second intervals, then the median over the rounds.");
        table.note("Both daemons run during the whole section, on their own ports and data dirs; the machine is shared, so compare the two rows, not runs.");
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
