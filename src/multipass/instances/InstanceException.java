// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import java.util.List;

/**
 * A refused instance command: an unknown instance, a taken name, an invalid value or a move the
 * state machine does not allow. The message is for users; the reason tells the daemon which
 * status to reply with. Several problems (one per named instance) are reported together.
 */
public final class InstanceException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the command was refused. */
    public enum Reason { NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT, FAILED_PRECONDITION }

    private final Reason reason;

    public InstanceException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** {@code instance "<name>" does not exist}, Multipass's wording. */
    static InstanceException notFound(String name) {
        return new InstanceException(Reason.NOT_FOUND, "instance \"" + name + "\" does not exist");
    }

    /**
     * One exception for {@code problems} (not empty): the only one as it is, or, as Multipass
     * does, {@code The following errors occurred:} and one line each, with the first one's reason.
     */
    static InstanceException combine(List<InstanceException> problems) {
        if (problems.size() == 1) {
            return problems.get(0);
        }
        StringBuilder message = new StringBuilder("The following errors occurred:");
        problems.forEach(p -> message.append('\n').append(p.getMessage()));
        return new InstanceException(problems.get(0).reason(), message.toString());
    }

    public Reason reason() {
        return reason;
    }
}
