// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

/**
 * The state machine's moves: which states each command accepts and what it leaves behind.
 * Following Multipass, starting a running instance, stopping a stopped one and deleting a
 * deleted one are accepted and change nothing; acting on a deleted instance otherwise, or
 * recovering one that is not deleted, is refused with a message that says what to do.
 */
public enum Transition {
    START, STOP, DELETE, RECOVER;

    /** The state after this move from {@code from}; throws {@code FAILED_PRECONDITION} when the move is not allowed. */
    public InstanceState apply(String name, InstanceState from) throws InstanceException {
        boolean deleted = from == InstanceState.DELETED;
        if (this == RECOVER && !deleted) {
            throw new InstanceException(InstanceException.Reason.FAILED_PRECONDITION,
                    "instance \"" + name + "\" is not deleted, so there is nothing to recover (it is " + from.label() + ")");
        }
        if ((this == START || this == STOP) && deleted) {
            throw new InstanceException(InstanceException.Reason.FAILED_PRECONDITION, "instance \"" + name + "\" is deleted;"
                    + " recover it first with 'multipass recover " + name + "', or remove it for good with 'multipass purge'");
        }
        return switch (this) {
            case START -> InstanceState.RUNNING;
            case STOP, RECOVER -> InstanceState.STOPPED;
            case DELETE -> InstanceState.DELETED;
        };
    }

    /** Whether {@code --all} takes an instance in state {@code state}: the ones the move makes sense for. */
    boolean takesAll(InstanceState state) {
        return this == RECOVER ? state == InstanceState.DELETED : state != InstanceState.DELETED;
    }
}
