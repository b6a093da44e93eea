// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.BuildInfo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which build of the program is running: the version and, for each class-path entry (the jar,
 * or the class directories of a development tree), its size and modification time. A warm
 * client of another build is never used, and one whose jar is replaced under it (an upgrade, a
 * rebuild) exits at its next check. Stateless.
 */
final class Build {
    private Build() {
    }

    /** This JVM's class path, each entry absolute (a warm client runs from {@code /}). */
    static String classPath() {
        StringBuilder path = new StringBuilder();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            path.append(path.length() == 0 ? "" : File.pathSeparator).append(Path.of(entry).toAbsolutePath());
        }
        return path.toString();
    }

    /** The stamp of the program this JVM runs, as found on disk now. */
    static String stamp() {
        StringBuilder stamp = new StringBuilder(BuildInfo.VERSION);
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath();
            stamp.append('|').append(path).append('@');
            try {
                BasicFileAttributes file = Files.readAttributes(path, BasicFileAttributes.class);
                stamp.append(file.size()).append(':').append(file.lastModifiedTime().toMillis());
            } catch (IOException e) {
                stamp.append("missing"); // a vanished entry is part of what the stamp says
            }
        }
        return stamp.toString();
    }
}
