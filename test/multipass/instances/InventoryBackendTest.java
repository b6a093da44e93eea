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
import java.util.List;

import static multipass.instances.InstanceState.DELETED;
import static multipass.instances.InstanceState.RUNNING;
import static multipass.instances.InstanceState.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link InventoryBackend} on a {@code @TempDir}: launching, the state machine applied to
 * named and {@code --all} selections, all-or-nothing refusals, purging, and that every
 * acknowledged change is in the file (a fresh backend on the same dir sees it).
 */
class InventoryBackendTest {
    @TempDir
    Path dir;
    private MutableClock clock;
    private InventoryBackend backend;

    @BeforeEach
    void open() throws IOException {
        clock = new MutableClock(Instant.parse("2025-05-01T09:30:00.123Z"));
        backend = InventoryBackend.open(dir, clock);
    }

    @Test
    void launchRecordsARunningInstanceDurably() throws Exception {
        Instance web = backend.launch(LaunchSpec.parse("web", "22.04", "2", "2G", "10G"));
        assertEquals(new Instance("web", RUNNING, "22.04", 2, 2L << 30, 10L << 30, Instant.parse("2025-05-01T09:30:00Z"), ""), web);
        assertEquals(List.of(web), backend.list());
        assertEquals(List.of(web), reopened().list());
    }

    @Test
    void namesAreUniqueRegardlessOfCase() throws Exception {
        backend.launch(spec("web"));
        assertRefused(InstanceException.Reason.ALREADY_EXISTS, "instance \"web\" already exists", () -> backend.launch(spec("web")));
        assertRefused(InstanceException.Reason.ALREADY_EXISTS,
                "instance \"WEB\" already exists (as \"web\": names differing only in case would clash as host names)",
                () -> backend.launch(spec("WEB")));
        assertEquals(1, backend.list().size());
    }

    @Test
    void launchWithoutANamePicksAFreePetName() throws Exception {
        Instance first = backend.launch(LaunchSpec.parse(null, null, null, null, null));
        Instance second = backend.launch(LaunchSpec.parse(null, null, null, null, null));
        assertTrue(first.name().matches("[a-z]+-[a-z]+"), first.name());
        assertNotEquals(first.name(), second.name());
    }

    @Test
    void stateMachineThroughTheBackend() throws Exception {
        backend.launch(spec("a"));
        backend.launch(spec("b"));
        assertEquals(List.of(STOPPED), states(backend.apply(Transition.STOP, Selection.of(List.of("a")))));
        assertEquals(List.of(RUNNING, RUNNING), states(backend.apply(Transition.START, Selection.everything())));
        assertEquals(List.of(DELETED, DELETED), states(backend.apply(Transition.DELETE, Selection.of(List.of("b", "a", "b")))));
        assertEquals(List.of(), backend.apply(Transition.STOP, Selection.everything()), "--all skips deleted instances");
        assertEquals(List.of(STOPPED), states(backend.apply(Transition.RECOVER, Selection.of(List.of("a")))));
        assertEquals(List.of("b"), names(backend.purge()));
        assertEquals(List.of("a"), names(reopened().list()));
        assertEquals(List.of(STOPPED), states(reopened().list()));
    }

    @Test
    void refusalsAreAllOrNothingAndNameEveryProblem() throws Exception {
        backend.launch(spec("a"));
        backend.launch(spec("gone"));
        backend.apply(Transition.DELETE, Selection.of(List.of("gone")));
        byte[] before = Files.readAllBytes(dir.resolve(InventoryFile.NAME));
        assertRefused(InstanceException.Reason.NOT_FOUND, "The following errors occurred:\ninstance \"nope\" does not exist\n"
                + "instance \"gone\" is deleted; recover it first with 'multipass recover gone', or remove it for good with 'multipass purge'",
                () -> backend.apply(Transition.STOP, Selection.of(List.of("a", "nope", "gone"))));
        assertRefused(InstanceException.Reason.NOT_FOUND, "instance \"nope\" does not exist", () -> backend.info(Selection.of(List.of("nope"))));
        assertRefused(InstanceException.Reason.NOT_FOUND, "instance \"nope\" does not exist",
                () -> backend.deleteAndPurge(Selection.of(List.of("a", "nope"))));
        assertRefused(InstanceException.Reason.FAILED_PRECONDITION,
                "instance \"a\" is not deleted, so there is nothing to recover (it is Running)",
                () -> backend.apply(Transition.RECOVER, Selection.of(List.of("gone", "a"))));
        assertEquals(RUNNING, backend.info(Selection.of(List.of("a"))).get(0).state(), "a was not stopped");
        assertEquals(DELETED, backend.info(Selection.of(List.of("gone"))).get(0).state(), "gone was not recovered");
        assertEquals(new String(before, java.nio.charset.StandardCharsets.UTF_8),
                Files.readString(dir.resolve(InventoryFile.NAME)), "the file is untouched by refused commands");
    }

    @Test
    void deleteAndPurgeRemovesAnyStateAtOnce() throws Exception {
        backend.launch(spec("a"));
        backend.launch(spec("b"));
        backend.apply(Transition.DELETE, Selection.of(List.of("b")));
        assertEquals(List.of(RUNNING, DELETED), states(backend.deleteAndPurge(Selection.everything())));
        assertEquals(List.of(), reopened().list());
    }

    @Test
    void aCorruptFileStopsTheBackendFromOpening() throws Exception {
        Files.writeString(dir.resolve(InventoryFile.NAME), "garbage\n");
        IOException e = assertThrows(IOException.class, () -> InventoryBackend.open(dir, clock));
        assertTrue(e.getMessage().contains(dir.resolve(InventoryFile.NAME).toString()), e.getMessage());
    }

    private InventoryBackend reopened() throws IOException {
        return InventoryBackend.open(dir, clock);
    }

    private static LaunchSpec spec(String name) {
        return LaunchSpec.parse(name, null, null, null, null);
    }

    private static List<InstanceState> states(List<Instance> instances) {
        return instances.stream().map(Instance::state).toList();
    }

    private static List<String> names(List<Instance> instances) {
        return instances.stream().map(Instance::name).toList();
    }

    private static void assertRefused(InstanceException.Reason reason, String message, org.junit.jupiter.api.function.Executable call) {
        InstanceException e = assertThrows(InstanceException.class, call);
        assertEquals(message, e.getMessage());
        assertEquals(reason, e.reason());
    }
}
