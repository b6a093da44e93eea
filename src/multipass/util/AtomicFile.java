// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Crash-safe file replacement: the new content is written to a temporary file in the same
 * directory, forced to disk, renamed over the target, and the directory entry is forced too.
 * After a crash at any point the target holds either the old or the new content, never a mix.
 */
public final class AtomicFile {
    /** Owner read/write only: the mode of every secret or store file. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** World-readable, owner-writable: for published certificates. */
    public static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private AtomicFile() {
    }

    /** Replaces {@code target} with {@code content}, created with {@code mode} (ignored where POSIX modes do not exist). */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        write(target, mode, out -> out.write(content));
    }

    /** What a streamed {@link #write(Path, Set, Content)} writes. */
    @FunctionalInterface
    public interface Content {
        /** Writes the whole new content to {@code out} (which the caller closes and forces to disk). */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces {@code target} with what {@code content} writes, streamed to the temporary file
     * (so a large file is never held whole in memory), then forced, then renamed over it.
     */
    public static void write(Path target, Set<PosixFilePermission> mode, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = POSIX
                ? Files.createTempFile(dir, "." + target.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(mode))
                : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            if (POSIX) {
                Files.setPosixFilePermissions(tmp, mode); // exactly the mode asked for, whatever the umask
            }
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream stream = Channels.newOutputStream(out);
                content.writeTo(stream);
                stream.flush();
                out.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /**
     * Deletes the temporary files {@link #write} leaves beside {@code target} when the process
     * dies between creating one and renaming it (a crash, {@code kill -9}); returns how many.
     * Only for a caller that knows nobody else is writing {@code target} now, such as the
     * daemon holding its data-directory lock.
     */
    public static int removeLeftovers(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        // Files.createTempFile names them prefix + a random unsigned number + suffix.
        Pattern leftover = Pattern.compile(Pattern.quote("." + target.getFileName()) + "[0-9]+" + Pattern.quote(".tmp"));
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, entry -> leftover.matcher(entry.getFileName().toString()).matches())) {
            for (Path entry : entries) {
                removed += Files.deleteIfExists(entry) ? 1 : 0;
            }
        }
        return removed;
    }

    /** Forces a directory's entries (a rename) to disk; a no-op where the platform cannot open directories. */
    public static void syncDirectory(Path dir) throws IOException {
        if (!POSIX) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** True where the default file system supports POSIX permissions and owners. */
    public static boolean posix() {
        return POSIX;
    }
}
