// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.api.CommandNames;

import java.util.List;
import java.util.Map;

/** {@code multipass list [--format table|json|csv|yaml]}: the instances the daemon knows. */
final class ListCommand implements Command {
    static final String EMPTY = "No instances found.";
    private static final CommandSpec SPEC = new CommandSpec("list", List.of("ls"), "List all available instances", "",
            List.of("List all instances which have been created."),
            List.of(new CommandSpec.OptionSpec(null, "format", "format",
                    "Output list in the requested format. Valid formats are: table (default), json, csv and yaml")),
            List.of());
    private static final RecordFormatter FORMATTER = new RecordFormatter(List.of(
            new RecordFormatter.Column("name", "Name"),
            new RecordFormatter.Column("state", "State"),
            new RecordFormatter.Column("ipv4", "IPv4"),
            new RecordFormatter.Column("image", "Image")), "list");

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(Invocation call) throws CommandFailed {
        if (!call.args().isEmpty()) {
            throw call.usageError("This command takes no arguments");
        }
        String format = call.option("format", "table");
        if (!RecordFormatter.FORMATS.contains(format)) {
            throw call.usageError("Invalid format type given.");
        }
        call.stream(CommandNames.LIST, List.of(), Map.of(), FORMATTER.printer(format, call.out(), EMPTY));
        return 0;
    }
}
