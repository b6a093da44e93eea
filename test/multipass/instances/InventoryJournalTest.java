// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import multipass.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inventory's journal through {@link InventoryBackend} on a {@code @TempDir}: changes land
 * in the journal and survive a reopen; a change of several instances is one record, kept whole
 * or lost whole when a crash cuts it at any byte, and every earlier one is kept; compaction and
 * {@code close} write the whole inventory to {@code instances.txt} and delete the journal; a
 * crash between that rewrite and the deletion replays to the same state.
 */
class InventoryJournalTest {
    @TempDir
    Path dir;
    private MutableClock clock;

    @BeforeEach
    void clock() {
        clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    }

    private Path journal() {
        return dir.resolve(InventoryBackend.JOURNAL);
    }

    private Path file() {
        return dir.resolve(InventoryBackend.FILE);
    }

    private List<Instance> reopened() throws IOException {
        return InventoryBackend.open(dir, clock).list();
    }

    /** Twenty instances, compacted into the file, so the next changes stay in the journal. */
    private InventoryBackend twenty() throws Exception {
        InventoryBackend backend = InventoryBackend.open(dir, clock);
        for (int i = 0; i < 20; i++) {
            backend.launch(LaunchSpec.parse(String.format("vm%02d", i), null, null, null, null));
        }
        backend.compact();
        return backend;
    }

    @Test
    void aLaunchAppendsToTheJournalAndLeavesTheFileAlone() throws Exception {
        InventoryBackend backend = twenty();
        String before = Files.readString(file());
        backend.launch(LaunchSpec.parse("extra", null, null, null, null));
        assertEquals(before, Files.readString(file()));
        assertTrue(Files.readString(journal()).startsWith(InventoryJournal.HEADER + "\n=\tname=extra\tstate=Running"));
        assertEquals(backend.list(), reopened());
    }

    @Test
    void aCrashAtAnyByteOfAChangeOfSeveralInstancesKeepsItWholeOrNotAtAll() throws Exception {
        InventoryBackend backend = twenty();
        backend.launch(LaunchSpec.parse("acknowledged", null, null, null, null));
        List<Instance> acknowledged = backend.list();
        long before = Files.size(journal());
        backend.apply(Transition.STOP, Selection.of(List.of("vm01", "vm02", "vm03")));
        List<Instance> after = backend.list();
        byte[] whole = Files.readAllBytes(journal());
        for (int cut = (int) before; cut <= whole.length; cut++) {
            Files.write(journal(), Arrays.copyOf(whole, cut));
            assertEquals(cut == whole.length ? after : acknowledged, reopened(), "cut at " + cut);
        }
    }

    @Test
    void removalsAreJournaledToo() throws Exception {
        InventoryBackend backend = twenty();
        backend.deleteAndPurge(Selection.of(List.of("vm03", "vm04")));
        assertEquals(18, reopened().size());
        assertFalse(reopened().stream().anyMatch(i -> i.name().equals("vm03")));
    }

    @Test
    void closeWritesTheWholeInventoryAndDeletesTheJournal() throws Exception {
        InventoryBackend backend = twenty();
        backend.launch(LaunchSpec.parse("extra", null, null, null, null));
        backend.apply(Transition.STOP, Selection.of(List.of("vm01")));
        List<Instance> expected = backend.list();
        backend.close();
        assertFalse(Files.exists(journal()));
        assertEquals(expected.stream().sorted((a, b) -> a.name().compareTo(b.name())).toList(),
                List.copyOf(InventoryFile.read(file()).values()));
    }

    @Test
    void theJournalIsCompactedOnceLargerThanHalfTheFile() throws Exception {
        InventoryBackend backend = twenty();
        int launched = 0;
        do {
            backend.launch(LaunchSpec.parse("more" + launched++, null, null, null, null));
            assertTrue(launched < 20, "compacted within 20 launches");
        } while (Files.exists(journal()));
        assertEquals(20 + launched, InventoryFile.read(file()).size());
    }

    @Test
    void aCrashBetweenTheRewriteAndTheJournalDeletionReplaysToTheSameState() throws Exception {
        InventoryBackend backend = twenty();
        backend.deleteAndPurge(Selection.of(List.of("vm05")));
        backend.launch(LaunchSpec.parse("vm05", "22.04", null, null, null)); // removed, then launched again
        backend.apply(Transition.STOP, Selection.of(List.of("vm06")));
        byte[] old = Files.readAllBytes(journal());
        List<Instance> expected = backend.list();
        backend.compact();
        Files.write(journal(), old);
        assertEquals(expected, reopened());
    }

    @Test
    void anIntactRecordThatDoesNotParseStopsTheLoadNamingTheJournal() throws Exception {
        twenty().launch(LaunchSpec.parse("extra", null, null, null, null));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update("=\tname=bad".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.writeString(journal(), Files.readString(journal()) + String.format("=\tname=bad %08x\n", crc.getValue()));
        IOException e = assertThrows(IOException.class, this::reopened);
        assertTrue(e.getMessage().contains(journal().toString()), e.getMessage());
        assertEquals(journal() + " line 3: an intact record that does not parse (expected 7 tab-separated fields, found 1); was the file"
                + " edited? Restore it or move it aside, losing the changes it holds", e.getMessage(), "said once, with a journal's advice");
    }
}
