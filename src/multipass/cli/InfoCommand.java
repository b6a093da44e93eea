// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.instances.Sizes;
import multipass.api.CommandNames;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * {@code multipass info [--format table|json|csv|yaml] <name>... | --all}: everything the
 * daemon records about instances, including the backend, which says whether a virtual machine
 * really runs. The table is Multipass's {@code Label: value} layout, one block per instance;
 * the other formats carry sizes in bytes.
 */
final class InfoCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("info", List.of(), "Display information about instances", "<name> [<name> ...]",
            List.of("Display information about instances"),
            List.of(InstanceActionCommand.all("Display info for all instances"), new CommandSpec.OptionSpec(null, "format", "format",
                    "Output info in the requested format. Valid formats are: table (default), json, csv and yaml")),
            List.of(InstanceActionCommand.names("Names of instances to display information about")));
    private static final List<RecordFormatter.Column> COLUMNS = List.of(
            new RecordFormatter.Column("name", "Name"),
            new RecordFormatter.Column("state", "State"),
            new RecordFormatter.Column("ipv4", "IPv4"),
            new RecordFormatter.Column("image", "Image"),
            new RecordFormatter.Column("cpus", "CPU(s)"),
            new RecordFormatter.Column("memory", "Memory"),
            new RecordFormatter.Column("disk", "Disk"),
            new RecordFormatter.Column("created", "Created"),
            new RecordFormatter.Column("backend", "Backend"));
    private static final RecordFormatter FORMATTER = new RecordFormatter(COLUMNS, "info");
    /** Width of the label column, as in Multipass's {@code info}. */
    private static final int LABEL_WIDTH = 16;

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(Invocation call) throws CommandFailed {
        String format = call.option("format", "table");
        if (!RecordFormatter.FORMATS.contains(format)) {
            throw call.usageError("Invalid format type given.");
        }
        Map<String, String> options = InstanceActionCommand.selection(call);
        call.stream(CommandNames.INFO, call.args(), options, format.equals("table") ? new Blocks(call.out()) : FORMATTER.printer(format, call.out(), ""));
        return 0;
    }

    /** The table format of {@code info}: a {@code Label: value} block per instance, blank lines between. */
    private static final class Blocks implements RecordPrinter {
        private final PrintStream out;
        private boolean any;

        Blocks(PrintStream out) {
            this.out = out;
        }

        @Override
        public void records(List<Map<String, String>> batch) {
            StringBuilder text = new StringBuilder();
            for (Map<String, String> record : batch) {
                text.append(any ? "\n" : "");
                any = true;
                for (RecordFormatter.Column column : COLUMNS) {
                    String value = record.getOrDefault(column.key(), "--");
                    if (column.key().equals("memory") || column.key().equals("disk")) {
                        value = human(value);
                    }
                    String label = column.header() + ":";
                    text.append(label).append(" ".repeat(Math.max(1, LABEL_WIDTH - label.length()))).append(value).append('\n');
                }
            }
            out.print(text);
        }

        @Override
        public void end() {
            if (!any) {
                out.print(ListCommand.EMPTY + "\n");
            }
        }
    }

    private static String human(String bytes) {
        try {
            return Sizes.human(Long.parseLong(bytes));
        } catch (NumberFormatException e) {
            return bytes; // a newer daemon's own wording: show it as it is
        }
    }
}
