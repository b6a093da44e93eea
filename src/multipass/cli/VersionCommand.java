// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.api.BuildInfo;
import multipass.api.CommandNames;
import multipass.api.Reply;

import java.util.List;
import java.util.Map;

/** {@code multipass version}: the client's version, then the daemon's. */
final class VersionCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("version", List.of(), "Show version details", "",
            List.of("Display version information about the multipass command", "and backend."), List.of(), List.of());

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(Invocation call) throws CommandFailed {
        if (!call.args().isEmpty()) {
            throw call.usageError("Too many arguments given");
        }
        call.out().println("multipass  " + BuildInfo.VERSION);
        call.out().flush();
        Reply reply = call.call(CommandNames.VERSION, List.of(), Map.of());
        String version = reply.records().isEmpty() ? "unknown" : reply.records().get(0).getOrDefault("version", "unknown");
        call.out().println("multipassd " + version);
        return 0;
    }
}
