// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link AtomicFile}: the target ends up with exactly the new content and the requested mode,
 * whether it existed or not, and no temporary file is left behind, even when the rename fails.
 */
class AtomicFileTest {
    @TempDir
    Path dir;

    @BeforeEach
    void posixOnly() {
        assumeTrue(AtomicFile.posix(), "POSIX file modes are not supported here");
    }

    @Test
    void createsTheFileWithTheContentAndOwnerOnlyMode() throws IOException {
        Path target = dir.resolve("store.pem");
        AtomicFile.write(target, bytes("hello"), AtomicFile.OWNER_ONLY);
        assertEquals("hello", Files.readString(target));
        assertEquals("rw-------", mode(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void worldReadableMode() throws IOException {
        Path target = dir.resolve("ca.pem");
        AtomicFile.write(target, bytes("ca"), AtomicFile.WORLD_READABLE);
        assertEquals("rw-r--r--", mode(target));
    }

    @Test
    void theModeIsExactlyTheRequestedOneWhateverTheUmask() throws IOException {
        Path target = dir.resolve("shared.conf");
        Set<PosixFilePermission> groupWritable = PosixFilePermissions.fromString("rw-rw-r--");
        AtomicFile.write(target, bytes("x"), groupWritable);
        assertEquals("rw-rw-r--", mode(target));
    }

    @Test
    void replacesContentAndModeOfAnExistingFile() throws IOException {
        Path target = dir.resolve("multipassd.conf");
        Files.writeString(target, "old content that is longer than the new one");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw-rw-"));
        AtomicFile.write(target, bytes("new"), AtomicFile.OWNER_ONLY);
        assertEquals("new", Files.readString(target));
        assertEquals("rw-------", mode(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void writesEmptyAndBinaryContent() throws IOException {
        Path target = dir.resolve("f");
        AtomicFile.write(target, new byte[0], AtomicFile.OWNER_ONLY);
        assertEquals(0, Files.size(target));
        byte[] binary = new byte[256 * 1024];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        AtomicFile.write(target, binary, AtomicFile.OWNER_ONLY);
        assertArrayEquals(binary, Files.readAllBytes(target));
    }

    @Test
    void aFailedReplaceLeavesNoTemporaryFileAndTheTargetUntouched() throws IOException {
        Path target = dir.resolve("occupied");
        Files.createDirectory(target);
        Files.writeString(target.resolve("inside"), "keep me");
        assertThrows(IOException.class, () -> AtomicFile.write(target, bytes("x"), AtomicFile.OWNER_ONLY));
        assertEquals(List.of(target), listing());
        assertEquals("keep me", Files.readString(target.resolve("inside")));
    }

    @Test
    void aMissingDirectoryIsAnError() {
        assertThrows(IOException.class, () -> AtomicFile.write(dir.resolve("no/such/dir/file"), bytes("x"), AtomicFile.OWNER_ONLY));
    }

    @Test
    void aRelativeTargetIsWrittenInItsDirectory() throws IOException {
        Path target = Path.of("").toAbsolutePath().relativize(dir.resolve("relative.txt"));
        AtomicFile.write(target, bytes("rel"), AtomicFile.OWNER_ONLY);
        assertEquals("rel", Files.readString(dir.resolve("relative.txt")));
        assertEquals(List.of(dir.resolve("relative.txt")), listing());
    }

    @Test
    void syncDirectoryWorksOnADirectory() throws IOException {
        AtomicFile.syncDirectory(dir);
    }

    @Test
    @Timeout(10)
    void leftoversOfAWriteCutShortAreRemovedAndNothingElse() throws IOException {
        Path target = dir.resolve("store.pem");
        AtomicFile.write(target, bytes("kept"), AtomicFile.OWNER_ONLY);
        // What a kill -9 between createTempFile and the rename leaves (the name write() uses).
        Path leftover = Files.createTempFile(dir, ".store.pem", ".tmp");
        List<Path> others = List.of(dir.resolve(".store.pem.bak.tmp"), dir.resolve(".other.pem123.tmp"), dir.resolve("store.pem123.tmp"));
        for (Path other : others) {
            Files.writeString(other, "not ours");
        }
        assertEquals(1, AtomicFile.removeLeftovers(target));
        assertFalse(Files.exists(leftover));
        assertEquals("kept", Files.readString(target));
        others.forEach(other -> assertTrue(Files.exists(other), other + " is not a leftover of store.pem"));
        assertEquals(0, AtomicFile.removeLeftovers(dir.resolve("no/such/dir/file")));
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
