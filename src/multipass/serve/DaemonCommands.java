// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.api.Access;
import multipass.api.BuildInfo;
import multipass.api.CommandNames;
import multipass.api.Reply;

import java.util.List;
import java.util.Map;

/**
 * Builds the daemon's {@link CommandTable}: {@code version} here, and every command group
 * registering its own commands (names from {@link CommandNames}, each with its access rule).
 * A new command group is one more line here; a new command in a group, one line in its
 * {@code register}.
 */
public final class DaemonCommands {
    private DaemonCommands() {
    }

    /** The table of every daemon command. */
    public static CommandTable table(Authentication authentication, TrustCommands trust, SettingsCommands settings, InstanceCommands instances) {
        CommandTable table = new CommandTable();
        table.add(CommandNames.VERSION, Access.TRUSTED, (request, peer, trusted) -> Reply.ok(List.of(Map.of("version", BuildInfo.VERSION))));
        authentication.register(table);
        trust.register(table);
        settings.register(table);
        instances.register(table);
        return table;
    }
}
