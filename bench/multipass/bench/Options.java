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
 * </pre>
 */
record Options(Path jar, Path classes, Path out, Path launcher, List<String> daemonJvm, boolean jvmVariants, boolean quick) {
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
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(value(args, ++i));
                case "--classes" -> classes = Path.of(value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                case "--launcher" -> launcher = Path.of(value(args, ++i));
                case "--daemon-jvm" -> daemonJvm = words(value(args, ++i));
                case "--jvm-variants" -> variants = true;
                case "--quick" -> quick = true;
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; see bench/multipass/bench/Options.java");
            }
        }
        if (launcher == null) {
            launcher = LAUNCHER_CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElse(null);
        }
        return new Options(jar.toAbsolutePath(), classes.toAbsolutePath(), out, launcher == null ? null : launcher.toAbsolutePath(),
                daemonJvm, variants, quick);
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
