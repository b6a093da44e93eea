// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import java.util.List;
import java.util.function.Supplier;

/** {@code multipass help [<command>]}: the overview, or one command's help. */
final class HelpCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("help", List.of(), "Display help about a command", "[<command>]",
            List.of("Displays help for the given command."), List.of(),
            List.of(new CommandSpec.ArgumentSpec("command", "Name of command to display help for")));

    private final Supplier<List<CommandSpec>> commands;

    HelpCommand(Supplier<List<CommandSpec>> commands) {
        this.commands = commands;
    }

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(Invocation call) throws CommandFailed {
        if (call.args().isEmpty()) {
            call.out().print(HelpFormatter.overview(commands.get()));
            return 0;
        }
        if (call.args().size() > 1) {
            throw call.usageError("Too many arguments given");
        }
        String name = call.args().get(0);
        for (CommandSpec spec : commands.get()) {
            if (spec.answersTo(name)) {
                call.out().print(HelpFormatter.command(spec));
                return 0;
            }
        }
        throw call.usageError("Unknown command or alias '" + name + "' (try \"multipass help\")");
    }
}
