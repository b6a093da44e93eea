// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

/**
 * The life cycle of an instance, Multipass's three main states:
 *
 * <pre>
 *   launch ──► Running ◄──start── Stopped
 *                 │  ──stop──►       │
 *                 └──delete──► Deleted ◄──delete──┘
 *                                │  recover ──► Stopped
 *                                └─ purge ──► (gone)
 * </pre>
 *
 * {@code delete --purge} removes an instance in any state at once. The allowed moves are in
 * {@link Transition}.
 */
public enum InstanceState {
    RUNNING("Running"), STOPPED("Stopped"), DELETED("Deleted");

    private final String label;

    InstanceState(String label) {
        this.label = label;
    }

    /** The name users see ({@code Running}), which is also how the inventory file stores it. */
    public String label() {
        return label;
    }

    /** The state labelled {@code label}; throws {@link IllegalArgumentException} naming it otherwise. */
    public static InstanceState ofLabel(String label) {
        for (InstanceState state : values()) {
            if (state.label.equals(label)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown instance state '" + label + "' (expected Running, Stopped or Deleted)");
    }
}
