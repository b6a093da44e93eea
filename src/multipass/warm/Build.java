// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.api.BuildInfo;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which build of the program is running: its version and where its classes come from (the
 * jar, or the class directory of a development tree) with that file's size and modification
 * time. A warm client runs from the same place as the command that starts it; one of another
 * build is never used, and one whose jar is replaced under it (an upgrade, a rebuild) exits at
 * its next check. Stateless.
 */
final class Build {
    private Build() {
    }

    /** The jar or class directory this program's classes are loaded from. */
    static Path location() {
        try {
            return Path.of(Build.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the location of multipass's classes is not a file: " + e.getMessage(), e);
        }
    }

    /** The stamp of the program this JVM runs, as found on disk now. */
    static String stamp() {
        Path location = location();
        StringBuilder stamp = new StringBuilder(BuildInfo.VERSION).append('|').append(location).append('@');
        try {
            BasicFileAttributes file = Files.readAttributes(location, BasicFileAttributes.class);
            stamp.append(file.size()).append(':').append(file.lastModifiedTime().toMillis());
        } catch (IOException e) {
            stamp.append("missing"); // a vanished jar is part of what the stamp says
        }
        return stamp.toString();
    }
}
