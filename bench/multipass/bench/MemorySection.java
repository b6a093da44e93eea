// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's resident memory (VmRSS from {@code /proc/<pid>/status}) at rest and at 256
 * clients, with the heap settings its JVM chose (read from {@code -XX:+PrintFlagsFinal} with
 * the same options), for the daemon as the bench ran it and for a daemon started with the
 * settings recommended for packaging.
 */
final class MemorySection {
    /** The daemon JVM options the launcher (packaging/launcher.sh) gives the daemon; see docs/performance.md. */
    static final List<String> RECOMMENDED = List.of("-XX:+UseSerialGC", "-Xmx192m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30");

    /** Memory figures of one daemon, in the order they were taken. */
    private final Map<String, Map<String, DaemonProcess.Memory>> daemons = new LinkedHashMap<>();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    /** Records {@code memory} under {@code moment} for the daemon run with {@code jvmOptions}. */
    void record(String daemon, String moment, DaemonProcess.Memory memory) {
        daemons.computeIfAbsent(daemon, k -> new LinkedHashMap<>()).put(moment, memory);
    }

    void note(String note) {
        notes.add(note);
    }

    /** Reads the heap and GC settings {@code java <jvmOptions>} chooses on this machine. */
    void settingsOf(String daemon, Jvm jvm, List<String> jvmOptions) throws IOException, InterruptedException {
        List<String> command = jvm.command(jvmOptions);
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        Map<String, String> flags = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 4 && words[2].equals("=")) {
                flags.put(words[1], words[3]);
            }
        }
        String gc = List.of("UseSerialGC", "UseParallelGC", "UseG1GC", "UseZGC", "UseShenandoahGC").stream()
                .filter(name -> "true".equals(flags.get(name))).findFirst().orElse("?");
        settings.put(daemon, String.format("%s, initial heap %s, max heap %s, thread stack %s KiB, tiered stop at level %s, %s CPUs seen",
                gc, mib(flags.get("InitialHeapSize")), mib(flags.get("MaxHeapSize")), flags.get("ThreadStackSize"),
                flags.get("TieredStopAtLevel"), Runtime.getRuntime().availableProcessors()));
    }

    private static String mib(String bytes) {
        return bytes == null ? "?" : (Long.parseLong(bytes) >> 20) + " MiB";
    }

    void report(Table table) {
        table.section("Daemon memory (VmRSS from /proc/<pid>/status)", "daemon", "moment", "RSS MiB", "peak RSS MiB", "threads");
        daemons.forEach((daemon, moments) -> moments.forEach((moment, m) -> table.row(daemon, moment,
                Table.ms(m.rssKb() / 1024.0), Table.ms(m.hwmKb() / 1024.0), Integer.toString(m.threads()))));
        settings.forEach((daemon, text) -> table.note(daemon + ": " + text));
        notes.forEach(table::note);
    }
}
