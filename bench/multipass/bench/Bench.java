// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.auth.PassphraseHash;
import multipass.api.CommandNames;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.settings.SettingKeys;
import multipass.tls.ClientIdentity;
import multipass.tls.Identity;
import multipass.tls.IdentityException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * {@code make bench}: starts a real daemon from the jar in a throw-away workspace, trusts the
 * bench's CLI identity (first client), then measures, in this order, the CLI's cold round trip,
 * the daemon's throughput and latency under load, the trusted client's latency under a
 * guessing flood (TCP mode), the daemon's memory, and how the daemon scales with trusted
 * certificates and instances ({@link ScaleSection}; {@code --scale-only} runs only that); prints
 * the table and writes it to
 * {@code build/bench/results.txt}. Nothing here asserts: figures are for reading, not for
 * failing builds. The machine's load average is printed at the start and the end, since
 * every figure depends on what else the shared machine was doing.
 */
public final class Bench {
    private static final String PASSPHRASE = "bench-passphrase";
    private static final String WRONG_PASSPHRASE = "not-the-passphrase";
    private static final int ATTEMPTS = 100;
    private static final int ATTACKER_IDENTITIES = 10;
    private static final int ATTACKER_THREADS = 20;

    private final Options options;
    private final Jvm jvm = Jvm.current();
    private final Table table = new Table();
    private final MemorySection memory = new MemorySection();

    private Bench(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(1);
            return;
        }
        new Bench(options).run();
    }

    private void run() throws IOException, InterruptedException {
        table.line("multipass-java benchmark, " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        table.line(Jvm.version() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, jar " + options.jar()
                + (options.quick() ? " (--quick: fewer runs, short windows)" : ""));
        table.line("load average at start: " + loadAverage());
        System.out.println("bench: running (a few minutes); load average now " + loadAverage());
        try (Workspace workspace = Workspace.create()) {
            if (options.sections() == Options.Sections.WARM_ONLY) {
                warmOnly(workspace);
            } else if (options.sections() == Options.Sections.HTTP2_ATTACKS_ONLY) {
                http2AttacksOnly(workspace);
            } else if (options.sections() == Options.Sections.TCP_HANDSHAKES_ONLY) {
                new TcpHandshakeSection(jvm, options, workspace).run(table);
            } else if (options.sections() != Options.Sections.SCALE_ONLY) {
                otherSections(workspace);
            }
            if (options.sections() == Options.Sections.ALL || options.sections() == Options.Sections.SCALE_ONLY) {
                new ScaleSection(jvm, options, workspace).run(table);
            }
        }
        table.line("");
        table.line("load average at end: " + loadAverage());
        String text = table.toString();
        System.out.print(text);
        Path out = options.out();
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, text, StandardCharsets.UTF_8);
        System.out.println("bench: written to " + out);
    }

    /** Every section but the scale section, on one workspace. */
    private void otherSections(Workspace workspace) throws IOException, InterruptedException {
        CompletableFuture<List<Identity>> attackers = CompletableFuture.supplyAsync(() -> attackerIdentities(workspace));
        Identity trusted = unixSections(workspace);
        System.out.println("bench: guessing flood (TCP mode)");
        AttackSection attack = new AttackSection((address, name) -> startDaemon(workspace, options.daemonJvm(), address, name),
                workspace.platform().daemonRendezvousDir(), trusted,
                new Flood(trusted, join(attackers), WRONG_PASSPHRASE, ATTEMPTS, ATTACKER_THREADS), ATTACKER_IDENTITIES, options.quick());
        attack.run();
        attack.report(table, ATTEMPTS);
        table.note(String.format("one PBKDF2 check (%,d iterations) takes %.0f ms on a warm JVM here; max_concurrent_hashes=1",
                PassphraseHash.DEFAULT_ITERATIONS, hashMillis()));
        http2Attacks(workspace, trusted);
        if (!options.quick()) {
            System.out.println("bench: daemon with the recommended JVM options");
            recommendedDaemon(workspace, trusted);
        }
        memorySettings();
    }

    /** Only the warm-client section, on a daemon of its own. */
    private void warmOnly(Workspace workspace) throws IOException, InterruptedException {
        try (DaemonProcess daemon = startDaemon(workspace, options.daemonJvm(), "unix:" + workspace.socket(), "daemon-unix")) {
            new ColdStarts(workspace.environment(), workspace.root())
                    .timeOnce(new ColdStarts.Variant("first client", cliCommand("list"), "No instances found."));
            System.out.println("bench: the warm client (daemon pid " + daemon.pid() + ")");
            new WarmSection(jvm, options, workspace).run(table);
        }
    }

    /** Only the HTTP/2 floods: a first client makes the bench's identity trusted, then {@link #http2Attacks}. */
    private void http2AttacksOnly(Workspace workspace) throws IOException, InterruptedException {
        try (DaemonProcess daemon = startDaemon(workspace, options.daemonJvm(), "unix:" + workspace.socket(), "daemon-unix")) {
            System.out.println("bench: trusting the bench's identity (daemon pid " + daemon.pid() + ")");
            new ColdStarts(workspace.environment(), workspace.root())
                    .timeOnce(new ColdStarts.Variant("first client", cliCommand("list"), "No instances found."));
        }
        http2Attacks(workspace, identity(workspace.cliIdentityDir()));
    }

    /** The HTTP/2 floods ({@link Http2AttackSection}) on a daemon of their own, with the launcher's JVM options. */
    private void http2Attacks(Workspace workspace, Identity trusted) throws IOException, InterruptedException {
        System.out.println("bench: HTTP/2 floods");
        try (DaemonProcess daemon = startDaemon(workspace, MemorySection.RECOMMENDED, "unix:" + workspace.socket(), "daemon-http2-floods")) {
            Connection.Target target = unixTarget(workspace, daemon);
            new Load(target, trusted, daemon).handshakes(4, 0, 2);
            Identity attacker = trustedAttacker(target, trusted);
            Http2AttackSection section = new Http2AttackSection(daemon, target, trusted, attacker, options.quick());
            section.run();
            section.report(table, MemorySection.RECOMMENDED);
        }
    }

    /**
     * A second trusted identity, the trusted attacker's: another of the machine's trusted users
     * (the daemon shares its call threads by user and certificate, so an attacker that shared
     * the victim's very certificate would only be attacking itself). Trusted by passphrase.
     */
    private static Identity trustedAttacker(Connection.Target target, Identity trusted) throws IOException {
        Identity attacker = new BenchCertificates().identity("http2-attacker", 7);
        String passphrase = "http2-floods-" + System.nanoTime();
        try (Connection owner = target.open(trusted); Connection newcomer = target.open(attacker)) {
            expectOk(owner.call(Request.of(CommandNames.SET, 0, SettingKeys.PASSPHRASE.key(), passphrase)), "set local.passphrase");
            expectOk(newcomer.call(Request.of(CommandNames.AUTHENTICATE, 0, passphrase)), "authenticate");
            expectOk(owner.call(Request.of(CommandNames.SET, 0, SettingKeys.PASSPHRASE.key(), "")), "clear local.passphrase");
        }
        return attacker;
    }

    private static void expectOk(Reply reply, String what) throws IOException {
        if (reply.status() != Status.OK) {
            throw new IOException(what + " failed: " + reply.status() + " " + reply.message());
        }
    }

    /** The heap settings of the daemons above, and their memory figures. */
    private void memorySettings() throws IOException, InterruptedException {
        memory.settingsOf(daemonLabel(options.daemonJvm()), jvm, options.daemonJvm());
        if (!options.quick()) {
            memory.settingsOf(daemonLabel(MemorySection.RECOMMENDED), jvm, MemorySection.RECOMMENDED);
        }
        memory.report(table);
    }

    /** The sections on the Unix daemon: trust, warm-up, CLI round trips, load, memory. Returns the trusted identity. */
    private Identity unixSections(Workspace workspace) throws IOException, InterruptedException {
        String label = daemonLabel(options.daemonJvm());
        try (DaemonProcess daemon = startDaemon(workspace, options.daemonJvm(), "unix:" + workspace.socket(), "daemon-unix")) {
            memory.record(label, "after start, before any client", daemon.memory());
            ColdStarts cli = new ColdStarts(workspace.environment(), workspace.root());
            cli.timeOnce(new ColdStarts.Variant("first client", cliCommand("list"), "No instances found."));
            cli.timeOnce(new ColdStarts.Variant("set passphrase", cliCommand("set", "local.passphrase=" + PASSPHRASE), ""));
            Identity identity = identity(workspace.cliIdentityDir());
            Load load = new Load(unixTarget(workspace, daemon), identity, daemon);
            System.out.println("bench: warming the daemon up");
            load.handshakes(8, 0, 3);
            load.persistent(8, 0, 2);
            Thread.sleep(2000);
            memory.record(label, "idle, after warm-up", daemon.memory());
            System.out.println("bench: CLI round trips");
            new CliSection(jvm, options, workspace).run(table);
            System.out.println("bench: the warm client");
            new WarmSection(jvm, options, workspace).run(table);
            System.out.println("bench: daemon load at " + java.util.Arrays.toString(DaemonSection.CLIENTS) + " clients");
            DaemonSection section = new DaemonSection(load, options.quick());
            section.run();
            section.report(table);
            memory.record(label, "peak during the 256-client loads", section.peakAtMostClients());
            Thread.sleep(3000);
            memory.record(label, "idle, 3 s after the load", daemon.memory());
            return identity;
        }
    }

    /** A second daemon with the recommended options: memory at rest and at 256 clients, and its throughput at 64. */
    private void recommendedDaemon(Workspace workspace, Identity identity) throws IOException, InterruptedException {
        String label = daemonLabel(MemorySection.RECOMMENDED);
        try (DaemonProcess daemon = startDaemon(workspace, MemorySection.RECOMMENDED, "unix:" + workspace.socket(), "daemon-recommended")) {
            memory.record(label, "after start, before any client", daemon.memory());
            Load load = new Load(unixTarget(workspace, daemon), identity, daemon);
            // As long a warm-up as the first daemon had before its 64-client runs (warm-up, CLI
            // runs, 1 and 8 clients), so that C2 has compiled the EC code when its CPU is compared.
            load.handshakes(8, 0, 10);
            load.persistent(8, 0, 5);
            Thread.sleep(2000);
            memory.record(label, "idle, after warm-up", daemon.memory());
            Load.Result persistent64 = load.persistent(64, 1, 4);
            Load.Result handshakes64 = load.handshakes(64, 1, 4);
            Load.Result persistent256 = load.persistent(256, 1, 3);
            Load.Result handshakes256 = load.handshakes(256, 1, 3);
            memory.record(label, "peak during the 256-client loads", persistent256.peak().max(handshakes256.peak()));
            memory.note(String.format("with %s at 64 clients: %s req/s persistent (p99 %s ms, daemon CPU %s ms/op),",
                    String.join(" ", MemorySection.RECOMMENDED), Table.whole(persistent64.perSecond().median()),
                    Table.ms(persistent64.latencyMs().percentile(99)), Table.cpu(persistent64.cpu().daemonMs())));
            memory.note(String.format("  %s handshakes/s (p99 %s ms, daemon CPU %s ms/op); compare the daemon tables above",
                    Table.whole(handshakes64.perSecond().median()), Table.ms(handshakes64.latencyMs().percentile(99)),
                    Table.cpu(handshakes64.cpu().daemonMs())));
        }
    }

    private DaemonProcess startDaemon(Workspace workspace, List<String> jvmOptions, String address, String name) throws IOException {
        return DaemonProcess.start(jvm, jvmOptions, options.jar(), address, workspace, name);
    }

    private List<String> cliCommand(String... args) {
        List<String> command = new ArrayList<>(jvm.command(List.of()));
        command.addAll(List.of("-jar", options.jar().toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static Connection.Target unixTarget(Workspace workspace, DaemonProcess daemon) throws IOException {
        return Connection.Target.unix(workspace.socket(), daemon);
    }

    private static Identity identity(Path dir) throws IOException {
        try {
            return ClientIdentity.loadOrCreate(dir);
        } catch (IdentityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Makes the attackers' identities with keytool (one JVM each), in the background while the CLI is timed. */
    private static List<Identity> attackerIdentities(Workspace workspace) {
        List<Identity> identities = new ArrayList<>();
        try {
            for (int i = 0; i < ATTACKER_IDENTITIES; i++) {
                identities.add(identity(workspace.root().resolve("attacker-" + i)));
            }
        } catch (IOException e) {
            throw new CompletionException(e);
        }
        return identities;
    }

    private static <T> T join(CompletableFuture<T> future) throws IOException, InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IOException("could not make the attackers' identities: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The median time of one passphrase check in this (warm) JVM, in ms. */
    private static double hashMillis() {
        char[] passphrase = PASSPHRASE.toCharArray();
        String hash = PassphraseHash.hash(passphrase);
        double[] millis = new double[3];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            PassphraseHash.verify(passphrase, hash);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return Stats.of(millis).median();
    }

    private static String daemonLabel(List<String> jvmOptions) {
        return jvmOptions.isEmpty() ? "daemon, JVM defaults" : "daemon, " + String.join(" ", jvmOptions);
    }

    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2] + " (1, 5, 15 min)";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
