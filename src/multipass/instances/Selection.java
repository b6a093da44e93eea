// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import java.util.List;

/**
 * The instances a command names: {@code --all}, or a list of names (duplicates dropped,
 * order kept). Resolved by the backend under its lock, so that {@code --all} means the
 * instances present when the command runs. Immutable.
 */
public record Selection(boolean all, List<String> names) {
    public Selection {
        names = List.copyOf(names.stream().distinct().toList());
        if (all == !names.isEmpty()) {
            throw new IllegalArgumentException(all ? "give names or --all, not both" : "give at least one name, or --all");
        }
    }

    /** Every instance the command applies to. */
    public static Selection everything() {
        return new Selection(true, List.of());
    }

    /** The instances called {@code names}. */
    public static Selection of(List<String> names) {
        return new Selection(false, names);
    }
}
