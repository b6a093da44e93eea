// SPDX-License-Identifier: Apache-2.0
package multipass.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a daemon's {@code multipassd.conf} before it starts, the way an administrator would:
 * a {@code [Limits]} section (see {@code multipass.auth.AuthLimits} and {@code multipass.daemon.ConnectionLimits} for the keys), mode 0600 in a
 * 0700 data directory, so the daemon's file checks accept it.
 */
public final class DaemonConfig {
    private DaemonConfig() {
    }

    /** Writes {@code [Limits]} with {@code lines} ({@code key=value}) into {@code dataDir/multipassd.conf}. */
    public static void writeLimits(Path dataDir, String... lines) throws IOException {
        write(dataDir, "[Limits]\n" + String.join("\n", lines) + "\n");
    }

    /** Writes {@code text} as {@code dataDir/multipassd.conf}, creating the data directory (0700) if needed. */
    public static void write(Path dataDir, String text) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path file = dataDir.resolve("multipassd.conf");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}
