// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders help text the way Multipass (through Qt's QCommandLineParser) lays it out: a usage
 * line, the description, then "Options:" and "Arguments:" in two columns whose second column
 * starts two spaces after the longest name, wrapped to 80 columns.
 */
public final class HelpFormatter {
    public static final String HELP_OPTION = "-h, --help";
    public static final String VERBOSE_OPTION = "-v, --verbose";
    public static final String VERBOSE_HELP = "Increase logging verbosity. Repeat the 'v' in the short option for more detail."
            + " Maximum verbosity is obtained with 4 (or more) v's, i.e. -vvvv.";
    private static final int WIDTH = 80;

    private HelpFormatter() {
    }

    /** The help of one command. */
    static String command(CommandSpec spec) {
        List<String[]> options = new ArrayList<>();
        options.add(new String[] {HELP_OPTION, "Display this help"});
        options.add(new String[] {VERBOSE_OPTION, VERBOSE_HELP});
        spec.options().forEach(o -> options.add(new String[] {o.display(), o.help()}));
        List<String[]> arguments = new ArrayList<>();
        spec.arguments().forEach(a -> arguments.add(new String[] {a.name(), a.help()}));
        StringBuilder out = new StringBuilder();
        out.append("Usage: multipass ").append(spec.name()).append(" [options]");
        if (!spec.usage().isEmpty()) {
            out.append(' ').append(spec.usage());
        }
        out.append('\n');
        spec.description().forEach(line -> out.append(line).append('\n'));
        int column = columnFor(options, arguments);
        out.append("\nOptions:\n");
        options.forEach(row -> out.append(row(row[0], row[1], column)));
        if (!arguments.isEmpty()) {
            out.append("\nArguments:\n");
            arguments.forEach(row -> out.append(row(row[0], row[1], column)));
        }
        return out.toString();
    }

    /** The top-level help listing every command. */
    static String overview(List<CommandSpec> commands) {
        StringBuilder out = new StringBuilder();
        out.append("Usage: multipass [options] <command>\n")
                .append("Create, control and connect to Ubuntu instances.\n\n")
                .append("This is a command line utility for multipass, a\n")
                .append("service that manages Ubuntu instances.\n\nOptions:\n");
        List<String[]> options = List.of(new String[] {HELP_OPTION, "Displays help on commandline options"},
                new String[] {VERBOSE_OPTION, VERBOSE_HELP});
        int column = columnFor(options, List.of());
        options.forEach(row -> out.append(row(row[0], row[1], column)));
        out.append("\nAvailable commands:\n");
        int width = commands.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        for (CommandSpec command : commands) {
            out.append("  ").append(pad(command.name(), width)).append("  ").append(command.summary()).append('\n');
        }
        return out.toString();
    }

    private static int columnFor(List<String[]> options, List<String[]> arguments) {
        int width = 0;
        for (String[] row : options) {
            width = Math.max(width, row[0].length());
        }
        for (String[] row : arguments) {
            width = Math.max(width, row[0].length());
        }
        return 2 + width + 2;
    }

    /** One two-column entry, its text wrapped at word boundaries. */
    private static String row(String name, String text, int column) {
        StringBuilder out = new StringBuilder("  ").append(pad(name, column - 4)).append("  ");
        int lineLength = column;
        boolean first = true;
        for (String word : text.split(" ")) {
            if (!first && lineLength + 1 + word.length() > WIDTH) {
                out.append('\n').append(" ".repeat(column));
                lineLength = column;
                first = true;
            }
            if (!first) {
                out.append(' ');
                lineLength++;
            }
            out.append(word);
            lineLength += word.length();
            first = false;
        }
        return out.append('\n').toString();
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }
}
