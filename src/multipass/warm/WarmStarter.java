// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.settings.PersistTime;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a warm client for a target, detached: the same {@code java} and class path as this
 * JVM, in a session of its own ({@code setsid}, so the terminal's signals and hang-up do not
 * reach it), from {@code /}, with no input and its output discarded, and JVM options that keep
 * it small (a 32 MiB heap, the serial collector, the client compiler only: with
 * C2 its idle resident set measured 92 MiB against 54, for a handshake a few ms faster). Many commands may
 * start one at once: all but one exit at once on the target's lock file. Stateless.
 */
public final class WarmStarter {
    /** The warm client's JVM options (the bench reports them beside its memory). */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+IgnoreUnrecognizedVMOptions", "-Xms8m", "-Xmx32m",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:ReservedCodeCacheSize=16m", "-Xshare:auto");
    private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

    private WarmStarter() {
    }

    /** Starts a warm client for {@code target} that waits {@code persist} for commands; the process, for tests. */
    public static Process start(WarmTarget target, Duration persist) throws IOException {
        List<String> command = new ArrayList<>();
        SETSID.stream().filter(Files::isExecutable).findFirst().ifPresent(setsid -> command.add(setsid.toString()));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-cp", Build.location().toString(), "multipass.Main", WarmMain.ENTRY, format(persist)));
        command.addAll(target.toArgs());
        return new ProcessBuilder(command).directory(new File("/")).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** {@code persist} as {@link PersistTime#parse} reads it. */
    public static String format(Duration persist) {
        return persist.isZero() ? "0" : persist.toSeconds() + "s";
    }
}
