// SPDX-License-Identifier: Apache-2.0
package multipass.docgen;

import multipass.cli.Cli;
import multipass.cli.CommandSpec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The completion script follows the command definitions (the real completion runs in InstallTreeSystemTest). */
class BashCompletionTest {
    private final List<CommandSpec> commands = Cli.standard().specs();

    @Test
    void everyCommandAndAliasIsOfferedAndHasItsOptions() {
        String script = BashCompletion.script(commands);
        List<String> all = new ArrayList<>();
        for (CommandSpec command : commands) {
            List<String> names = new ArrayList<>(List.of(command.name()));
            names.addAll(command.aliases());
            all.addAll(names);
            assertTrue(script.contains("\n        " + String.join("|", names) + ")\n"), "a case for " + names);
            command.options().forEach(o -> assertTrue(script.contains(" --" + o.longName()), "option --" + o.longName()));
        }
        assertTrue(script.contains("\"\")\n            options=\"-h --help -v --verbose\"\n            arguments=\"" + String.join(" ", all) + "\" ;;"),
                "with no command yet, every command and alias is offered");
    }

    @Test
    void firstArgumentsComeFromTheDefinitions() {
        assertEquals(List.of("client.persist=", "local.passphrase="), BashCompletion.firstArguments(find("set"), commands));
        assertEquals(List.of("client.persist", "local.passphrase"), BashCompletion.firstArguments(find("get"), commands));
        assertEquals(List.of("status", "list", "remove"), BashCompletion.firstArguments(find("trust"), commands));
        assertEquals(commands.stream().map(CommandSpec::name).toList(), BashCompletion.firstArguments(find("help"), commands));
        assertEquals(List.of(), BashCompletion.firstArguments(find("version"), commands));
    }

    @Test
    void aNewOptionCompletesWithoutEditingTheScript() {
        CommandSpec added = new CommandSpec("launch", List.of(), "Create and start an instance", "[<image>]", List.of("Launch."),
                List.of(new CommandSpec.OptionSpec("n", "name", "name", "Name for the instance")), List.of());
        String script = BashCompletion.script(List.of(added));
        assertTrue(script.contains("options=\"-h --help -v --verbose --name -n\""), script);
        assertTrue(script.contains("valued=\" --name -n \""), script);
    }

    private CommandSpec find(String name) {
        return commands.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
