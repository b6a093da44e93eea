// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import multipass.util.AtomicFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link InventoryFile}: the exact format, a lossless round trip, replacement that leaves no
 * temporary file, and strict reading: every kind of damage is an error naming the file and line.
 */
class InventoryFileTest {
    private static final Instant CREATED = Instant.parse("2025-05-01T09:30:00Z");
    private static final String LINE = "name=web\tstate=Running\timage=24.04\tcpus=2\tmemory=1073741824\tdisk=5368709120\tcreated=2025-05-01T09:30:00Z";

    @TempDir
    Path dir;

    static Instance instance(String name, InstanceState state) {
        return new Instance(name, state, "24.04", 2, 1L << 30, 5L << 30, CREATED, "");
    }

    @Test
    void formatIsTheDocumentedOneSortedByName() {
        assertEquals("multipass-instances 1\n", InventoryFile.format(List.of()));
        assertEquals("multipass-instances 1\n" + LINE.replace("web", "a").replace("Running", "Deleted") + "\n" + LINE + "\n",
                InventoryFile.format(List.of(instance("web", InstanceState.RUNNING), instance("a", InstanceState.DELETED))));
    }

    @Test
    void roundTripAndAtomicReplace() throws IOException {
        Path file = dir.resolve(InventoryFile.NAME);
        assertEquals(Map.of(), InventoryFile.read(file), "no file yet: an empty inventory");
        List<Instance> first = List.of(instance("web", InstanceState.RUNNING), instance("db", InstanceState.STOPPED),
                new Instance("old", InstanceState.DELETED, "daily:25.04", 1, 128L << 20, 512L << 20, Instant.parse("2024-01-02T03:04:05Z"), ""));
        InventoryFile.write(file, first);
        assertEquals(Map.of("web", first.get(0), "db", first.get(1), "old", first.get(2)), InventoryFile.read(file));
        InventoryFile.write(file, List.of(instance("web", InstanceState.STOPPED)));
        assertEquals(Map.of("web", instance("web", InstanceState.STOPPED)), InventoryFile.read(file), "replaced, not merged");
        if (AtomicFile.posix()) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void damageIsAnErrorNamingTheFileAndLine() throws IOException {
        String header = InventoryFile.HEADER + "\n";
        assertCorrupt("", "is invalid: the file is empty");
        assertCorrupt(header + LINE, "is invalid: the last line does not end with a newline (truncated?)");
        assertCorrupt("multipass-instances 2\n", "is invalid at line 1: expected the header 'multipass-instances 1'");
        assertCorrupt(header + "\n", "is invalid at line 2: expected 7 tab-separated fields, found 1");
        assertCorrupt(header + LINE + "\textra=1\n", "is invalid at line 2: expected 7 tab-separated fields, found 8");
        assertCorrupt(header + LINE.replace("\t", " ") + "\n", "is invalid at line 2: expected 7 tab-separated fields, found 1");
        assertCorrupt(header + LINE.replace("cpus=", "cores=") + "\n", "is invalid at line 2: field 4 should start with 'cpus=', not 'cores=2'");
        assertCorrupt(header + LINE.replace("Running", "Paused") + "\n",
                "is invalid at line 2: unknown instance state 'Paused' (expected Running, Stopped or Deleted)");
        assertCorrupt(header + LINE.replace("cpus=2", "cpus=-2") + "\n", "is invalid at line 2: invalid cpus '-2'");
        assertCorrupt(header + LINE.replace("cpus=2", "cpus=0") + "\n", "is invalid at line 2: instance web: CPUs, memory and disk must be positive, not 0, 1073741824 and 5368709120");
        assertCorrupt(header + LINE.replace("memory=1073741824", "memory=1G") + "\n", "is invalid at line 2: invalid memory '1G'");
        assertCorrupt(header + LINE.replace("disk=5368709120", "disk=99999999999999999999") + "\n", "is invalid at line 2: invalid disk '99999999999999999999'");
        assertCorrupt(header + LINE.replace("2025-05-01T09:30:00Z", "yesterday") + "\n", "is invalid at line 2: invalid creation time 'yesterday'");
        assertCorrupt(header + LINE.replace("name=web", "name=-web") + "\n", "is invalid at line 2: Invalid instance name supplied: '-web'. " + InstanceNames.RULE);
        assertCorrupt(header + LINE + "\n" + LINE + "\n", "is invalid at line 3: instance web appears twice");
        assertCorrupt(header + LINE + "\n\n", "is invalid at line 3: expected 7 tab-separated fields, found 1");
    }

    @Test
    void invalidUtf8IsAnError() throws IOException {
        Path file = dir.resolve(InventoryFile.NAME);
        Files.write(file, new byte[] {'m', (byte) 0xff, '\n'});
        IOException e = assertThrows(InventoryFile.CorruptException.class, () -> InventoryFile.read(file));
        assertTrue(e.getMessage().contains(file + " is invalid: not valid UTF-8"), e.getMessage());
    }

    private void assertCorrupt(String content, String expected) throws IOException {
        Path file = dir.resolve(InventoryFile.NAME);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        IOException e = assertThrows(InventoryFile.CorruptException.class, () -> InventoryFile.read(file));
        assertEquals("the instance inventory " + file + " " + expected + "; repair it, or move it aside to start with an empty inventory",
                e.getMessage());
    }
}
