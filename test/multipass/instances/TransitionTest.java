// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import org.junit.jupiter.api.Test;

import static multipass.instances.InstanceState.DELETED;
import static multipass.instances.InstanceState.RUNNING;
import static multipass.instances.InstanceState.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state machine: every (move, state) pair, and what {@code --all} takes. */
class TransitionTest {
    @Test
    void allowedMoves() throws InstanceException {
        assertEquals(RUNNING, Transition.START.apply("a", RUNNING));
        assertEquals(RUNNING, Transition.START.apply("a", STOPPED));
        assertEquals(STOPPED, Transition.STOP.apply("a", RUNNING));
        assertEquals(STOPPED, Transition.STOP.apply("a", STOPPED));
        assertEquals(DELETED, Transition.DELETE.apply("a", RUNNING));
        assertEquals(DELETED, Transition.DELETE.apply("a", STOPPED));
        assertEquals(DELETED, Transition.DELETE.apply("a", DELETED));
        assertEquals(STOPPED, Transition.RECOVER.apply("a", DELETED));
    }

    @Test
    void refusedMovesSayWhatToDo() {
        String deleted = "instance \"web\" is deleted; recover it first with 'multipass recover web', or remove it for good with 'multipass purge'";
        assertRefused(deleted, Transition.START, DELETED);
        assertRefused(deleted, Transition.STOP, DELETED);
        assertRefused("instance \"web\" is not deleted, so there is nothing to recover (it is Running)", Transition.RECOVER, RUNNING);
        assertRefused("instance \"web\" is not deleted, so there is nothing to recover (it is Stopped)", Transition.RECOVER, STOPPED);
    }

    @Test
    void allTakesTheInstancesTheMoveMakesSenseFor() {
        for (Transition move : new Transition[] {Transition.START, Transition.STOP, Transition.DELETE}) {
            assertTrue(move.takesAll(RUNNING) && move.takesAll(STOPPED) && !move.takesAll(DELETED), move.name());
        }
        assertTrue(Transition.RECOVER.takesAll(DELETED));
        assertFalse(Transition.RECOVER.takesAll(RUNNING) || Transition.RECOVER.takesAll(STOPPED));
    }

    @Test
    void statesRoundTripThroughTheirLabels() {
        for (InstanceState state : InstanceState.values()) {
            assertEquals(state, InstanceState.ofLabel(state.label()));
        }
        assertEquals("unknown instance state 'running' (expected Running, Stopped or Deleted)",
                assertThrows(IllegalArgumentException.class, () -> InstanceState.ofLabel("running")).getMessage());
    }

    private static void assertRefused(String message, Transition move, InstanceState from) {
        InstanceException e = assertThrows(InstanceException.class, () -> move.apply("web", from));
        assertEquals(message, e.getMessage());
        assertEquals(InstanceException.Reason.FAILED_PRECONDITION, e.reason());
    }
}
