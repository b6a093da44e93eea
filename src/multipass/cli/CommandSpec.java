// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import java.util.List;

/**
 * What a command looks like to users: name, aliases, one-line summary, usage, description,
 * options and arguments. The single source for {@code help}, {@code <cmd> --help} and the
 * option parser. Immutable.
 */
public record CommandSpec(String name, List<String> aliases, String summary, String usage, List<String> description,
                          List<OptionSpec> options, List<ArgumentSpec> arguments) {

    /** A command option beyond the implicit {@code -h} and {@code -v}. */
    public record OptionSpec(String shortName, String longName, String valueName, String help) {
        /** How the option is shown in help: {@code -f, --format <format>}. */
        public String display() {
            String names = (shortName == null ? "" : "-" + shortName + ", ") + "--" + longName;
            return valueName == null ? names : names + " <" + valueName + ">";
        }

        /** True for an option that takes a value. */
        public boolean takesValue() {
            return valueName != null;
        }
    }

    /** A positional argument, as shown under "Arguments:". */
    public record ArgumentSpec(String name, String help) {
    }

    public CommandSpec {
        aliases = List.copyOf(aliases);
        description = List.copyOf(description);
        options = List.copyOf(options);
        arguments = List.copyOf(arguments);
    }

    /** True when {@code word} names this command. */
    boolean answersTo(String word) {
        return name.equals(word) || aliases.contains(word);
    }
}
