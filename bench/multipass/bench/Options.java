// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The bench's command line ({@code make bench BENCH_ARGS='...'} passes extra options):
 *
 * <pre>
 *   --jar PATH            the jar under test (default build/multipass.jar)
 *   --classes DIR         where Noop.class is (the bench's own classes)
 *   --out PATH            where the table goes (default build/bench/results.txt)
 *   --launcher PATH       the client launcher script (default: the first executable of
 *                         build/bench/prefix/bin/multipass, which make bench installs,
 *                         build/bin/multipass and packaging/multipass)
 *   --daemon-jvm OPTS     JVM options for the daemon, space-separated (default: none)
 *   --jvm-variants        also time list under JVM option variants (CDS off, AppCDS, C1,
 *                         Serial GC, and the launcher's options by hand)
 *   --quick               fewer runs and shorter windows, to try the bench out
 *   --scale-only          run only the scale section (trusted certificates and instances)
 *   --no-scale            run every section but the scale section
 *   --warm-only           run only the warm-client section (client.persist cold and warm)
 *   --http2-attacks-only  run only the HTTP/2 floods (a trusted client's list under each)
 *   --tcp-handshakes-only run only the loopback TCP handshake section (the owner lookup's cost)
 *   --baseline-jar PATH   with --tcp-handshakes-only: also measure a daemon from this jar (a
 *                         build without the lookup), in alternation with --jar's
 *   --scale-jvm OPTS      run the scale section again with these daemon JVM options
 *                         (space-separated; may be given several times)
 * </pre>
 */
record Options(Path jar, Path classes, Path out, Path launcher, List<String> daemonJvm, boolean jvmVariants, boolean quick,
               Sections sections, List<List<String>> scaleJvm, Path baselineJar) {
    /** Which sections run: all, only the scale section, or all but it. */
    enum Sections { ALL, SCALE_ONLY, NO_SCALE, WARM_ONLY, TCP_HANDSHAKES_ONLY, HTTP2_ATTACKS_ONLY }

    /** Where the launcher may be: installed by {@code make bench} under build/bench/prefix, or built in place. */
    static final List<Path> LAUNCHER_CANDIDATES = List.of(Path.of("build", "bench", "prefix", "bin", "multipass"),
            Path.of("build", "bin", "multipass"), Path.of("packaging", "multipass"));

    static Options parse(String[] args) {
        Path jar = Path.of("build", "multipass.jar");
        Path classes = Path.of("build", "bench", "classes");
        Path out = Path.of("build", "bench", "results.txt");
        Path launcher = null;
        List<String> daemonJvm = List.of();
        boolean variants = false;
        boolean quick = false;
        Sections sections = Sections.ALL;
        List<List<String>> scaleJvm = new java.util.ArrayList<>();
        Path baselineJar = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(value(args, ++i));
                case "--classes" -> classes = Path.of(value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                case "--launcher" -> launcher = Path.of(value(args, ++i));
                case "--daemon-jvm" -> daemonJvm = words(value(args, ++i));
                case "--jvm-variants" -> variants = true;
                case "--quick" -> quick = true;
                case "--scale-only" -> sections = Sections.SCALE_ONLY;
                case "--no-scale" -> sections = Sections.NO_SCALE;
                case "--warm-only" -> sections = Sections.WARM_ONLY;
                case "--tcp-handshakes-only" -> sections = Sections.TCP_HANDSHAKES_ONLY;
                case "--http2-attacks-only" -> sections = Sections.HTTP2_ATTACKS_ONLY;
                case "--baseline-jar" -> baselineJar = Path.of(value(args, ++i)).toAbsolutePath();
                case "--scale-jvm" -> scaleJvm.add(words(value(args, ++i)));
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; see bench/multipass/bench/Options.java");
            }
        }
        if (launcher == null) {
            launcher = LAUNCHER_CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElse(null);
        }
        return new Options(jar.toAbsolutePath(), classes.toAbsolutePath(), out, launcher == null ? null : launcher.toAbsolutePath(),
                daemonJvm, variants, quick, sections, List.copyOf(scaleJvm), baselineJar);
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : List.of(text.strip().split("\\s+"));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value after '" + args[i - 1] + "'");
        }
        return args[i];
    }
}
