// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.platform.CurrentUser;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.tls.Identity;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scale: the daemon with 0 to 100,000 trusted certificates and 0 to 10,000 instances, each
 * point on a fresh data dir written by {@link ScaleData}. For each point: start-up (fork to
 * the daemon's ready line; median of several starts), resident memory after start and at the
 * end (VmRSS, and VmHWM, the peak), {@code authenticate} of a new identity by passphrase
 * (connect, full handshake, request; PBKDF2 included), {@code trust list}, {@code launch} and
 * {@code list} (on a warm connection). An operation whose reply cannot be had (too big for one
 * frame, before replies were streamed) is shown as failed. The daemon runs with the bench's
 * {@code --daemon-jvm} options, again with the launcher's (unless {@code --quick}), and with
 * the options of each {@code --scale-jvm}.
 */
final class ScaleSection {
    /** Trusted certificates and instances of each point: the trust axis, the instance axis, both at their largest. */
    static final int[][] POINTS = {{0, 0}, {1_000, 0}, {10_000, 0}, {100_000, 0}, {0, 1_000}, {0, 10_000}, {100_000, 10_000}};
    private static final String PASSPHRASE = "bench-scale-passphrase";
    private static final String FAILED = "failed";

    private final Jvm jvm;
    private final Options options;
    private final Workspace workspace;
    private final ScaleData data;
    private final boolean quick;
    private int serial;

    ScaleSection(Jvm jvm, Options options, Workspace workspace) {
        this.jvm = jvm;
        this.options = options;
        this.workspace = workspace;
        this.data = new ScaleData(workspace.root().resolve("scale-template"));
        this.quick = options.quick();
    }

    /** Runs every point under each JVM option set and adds the section to {@code table}. */
    void run(Table table) throws IOException, InterruptedException {
        System.out.println("bench: scale, making the daemon's certificates once");
        DaemonProcess.start(jvm, List.of(), options.jar(), "unix:" + workspace.root().resolve("sc"),
                workspace.root().resolve("scale-template"), workspace, "scale-template").close();
        List<List<String>> jvmSets = new ArrayList<>();
        jvmSets.add(options.daemonJvm());
        if (!options.quick() && !options.daemonJvm().equals(MemorySection.RECOMMENDED)) {
            jvmSets.add(MemorySection.RECOMMENDED); // as the launcher runs the daemon
        }
        jvmSets.addAll(options.scaleJvm());
        for (List<String> jvmOptions : jvmSets) {
            String label = jvmOptions.isEmpty() ? "JVM defaults" : String.join(" ", jvmOptions);
            table.section("Scale: daemon (" + label + ") with N trusted certificates and M instances (ms, medians; MiB)",
                    "certs", "instances", "start-up", "RSS start", "auth", "trust list", "launch", "list", "RSS end", "peak RSS");
            List<Point> points = new ArrayList<>();
            for (int[] point : POINTS) {
                System.out.printf("bench: scale, %s, %,d certificates, %,d instances%n", label, point[0], point[1]);
                try {
                    Point result = measure(jvmOptions, point[0], point[1]);
                    points.add(result);
                    result.row(table);
                } catch (IOException e) {
                    // e.g. a daemon that cannot load its store in the heap it was given: a figure of its own
                    table.row(String.format("%,d", point[0]), String.format("%,d", point[1]), "failed");
                    table.note(String.format("%,d certs, %,d instances: %s", point[0], point[1], e.getMessage().lines().findFirst().orElse("")));
                }
            }
            notes(table, points);
        }
    }

    private Point measure(List<String> jvmOptions, int certs, int instances) throws IOException, InterruptedException {
        Path dir = workspace.root().resolve("scale-" + serial++ + "-" + certs + "-" + instances); // a fresh dir for each run of a point
        CurrentUser me = CurrentUser.get();
        data.write(dir, certs, instances, PASSPHRASE, me.name(), me.uid());
        Path socket = workspace.root().resolve("sc");
        String address = "unix:" + socket;
        int starts = quick ? 1 : 3;
        double[] startMs = new double[starts];
        for (int i = 0; i < starts - 1; i++) {
            long begin = System.nanoTime();
            DaemonProcess.start(jvm, jvmOptions, options.jar(), address, dir, workspace, "scale").close();
            startMs[i] = (System.nanoTime() - begin) / 1e6;
        }
        long begin = System.nanoTime();
        try (DaemonProcess daemon = DaemonProcess.start(jvm, jvmOptions, options.jar(), address, dir, workspace, "scale")) {
            startMs[starts - 1] = (System.nanoTime() - begin) / 1e6;
            DaemonProcess.Memory atStart = daemon.memory();
            Connection.Target target = Connection.Target.unix(socket, daemon);
            String auth = authenticate(target);
            Operations ops = new Operations(target, data.trusted());
            String trustList = ops.time(Request.of("trust-list", 0), quick ? 3 : 5);
            ops.time(launch(), quick ? 3 : 10); // warm-up, not shown
            String launch = ops.time(launch(), quick ? 5 : 20);
            String list = ops.time(Request.of("list", 0), quick ? 3 : 5);
            ops.close();
            return new Point(certs, instances, Stats.of(startMs).median(), atStart, auth, trustList, launch, list, daemon.memory());
        }
    }

    /** Median ms of connect + handshake + {@code authenticate} for new identities, or "failed". */
    private String authenticate(Connection.Target target) throws IOException {
        int runs = quick ? 3 : 5;
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            Identity identity = data.newIdentity("scale-auth-" + serial, 5_000_000L + serial++);
            long start = System.nanoTime();
            try (Connection connection = target.open(identity)) {
                Reply reply = connection.call(Request.of("authenticate", 0, PASSPHRASE));
                if (reply.status() != Status.OK) {
                    return FAILED + " (" + reply.status() + ")";
                }
            }
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return Table.ms(Stats.of(ms).median());
    }

    private Request launch() {
        return new Request("launch", 0, List.of(), Map.of("name", "scale-launch-" + serial++));
    }

    private static void notes(Table table, List<Point> points) {
        Point base = points.isEmpty() || points.get(0).certs != 0 || points.get(0).instances != 0 ? null : points.get(0);
        for (Point p : points) {
            if (base != null && p != base && (p.certs == 100_000 || p.instances == 10_000)) {
                table.note(String.format("%,d certs, %,d instances: start-up %.2fx the empty daemon's; launch %s", p.certs, p.instances,
                        p.startMs / base.startMs, ratio(p.launch, base.launch)));
            }
        }
        table.note("start-up: fork to ready line (JVM start included), median of the starts; auth: a new identity, connect +");
        table.note("handshake + authenticate (one PBKDF2 check included); trust list, launch, list: one request on a warm connection.");
        table.note("failed: no reply (e.g. larger than one frame before replies were streamed). Each point is a fresh data dir.");
    }

    private static String ratio(String value, String base) {
        try {
            return String.format("%.2fx the empty daemon's", Double.parseDouble(value) / Double.parseDouble(base));
        } catch (NumberFormatException e) {
            return "n/a (" + value + ")";
        }
    }

    /** One point's figures (operations as text: a median in ms, or why there is none). */
    private record Point(int certs, int instances, double startMs, DaemonProcess.Memory atStart, String auth, String trustList,
                         String launch, String list, DaemonProcess.Memory atEnd) {
        void row(Table table) {
            table.row(String.format("%,d", certs), String.format("%,d", instances), Table.ms(startMs), Table.ms(atStart.rssKb() / 1024.0),
                    auth, trustList, launch, list, Table.ms(atEnd.rssKb() / 1024.0), Table.ms(atEnd.hwmKb() / 1024.0));
        }
    }
}
