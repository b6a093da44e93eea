// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Directories only their owner may enter (0700 where POSIX modes exist; on Windows the
 * default ACLs of the user's profile apply), created without a window in which they are
 * looser, and removed again when temporary.
 */
public final class PrivateDirectories {
    private PrivateDirectories() {
    }

    /** Creates {@code dir} and its missing parents, each new one private; returns those created, outermost first. */
    public static List<Path> createAll(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            Files.createDirectory(p, privateMode());
        }
        return missing;
    }

    /** A new private temporary directory inside {@code parent}. */
    public static Path createTemp(Path parent, String prefix) throws IOException {
        return Files.createTempDirectory(parent, prefix, privateMode());
    }

    /** Deletes a small directory tree of our own making (symlinks inside are removed, not followed). */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static FileAttribute<?>[] privateMode() {
        return AtomicFile.posix()
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                : new FileAttribute<?>[0];
    }
}
