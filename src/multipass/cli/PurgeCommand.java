// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.api.CommandNames;

import java.util.List;
import java.util.Map;

/** {@code multipass purge}: removes every deleted instance for good (they can no longer be recovered). */
final class PurgeCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("purge", List.of(), "Purge all deleted instances permanently", "",
            List.of("Purge all deleted instances permanently, including all their data."), List.of(), List.of());

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(Invocation call) throws CommandFailed {
        if (!call.args().isEmpty()) {
            throw call.usageError("This command takes no arguments");
        }
        call.call(CommandNames.PURGE, List.of(), Map.of());
        return 0;
    }
}
