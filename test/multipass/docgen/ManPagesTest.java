// SPDX-License-Identifier: Apache-2.0
package multipass.docgen;

import multipass.cli.Cli;
import multipass.cli.CommandSpec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manual pages are generated from the help definitions, completely and as safe roff. */
class ManPagesTest {
    private static final Set<String> MACROS = Set.of(".TH", ".SH", ".SS", ".TP", ".PP", ".br");
    private final List<CommandSpec> commands = Cli.standard().specs();

    @Test
    void clientPageHasEveryCommandAliasOptionAndArgument() {
        String page = ManPages.client(commands);
        for (CommandSpec command : commands) {
            List<String> all = new ArrayList<>(List.of(command.name()));
            all.addAll(command.aliases());
            String names = String.join(", ", all);
            assertTrue(page.contains(".SS \"" + Roff.escape(names) + "\"\n"), "a subsection for " + names);
            command.options().forEach(o -> assertTrue(page.contains("\\fB\\-\\-" + Roff.escape(o.longName()) + "\\fR"), "option --" + o.longName()));
            command.arguments().forEach(a -> assertTrue(page.contains(".TP\n\\fI" + Roff.escape(a.name()) + "\\fR\n"), "argument " + a.name()));
        }
    }

    @Test
    void daemonPageHasEveryOptionOfTheDaemonsHelp() {
        String help = ManPages.daemonHelp();
        String page = ManPages.daemon(help);
        for (String option : List.of("--help", "--address", "--data-dir", "--admin-group", "--verbosity", "--install", "--user")) {
            assertTrue(help.contains("  " + option) || help.contains(", " + option), "the daemon's help documents " + option);
            assertTrue(page.contains("\\fB" + Roff.escape(option) + "\\fR"), "the page documents " + option);
        }
        List<String> lines = help.lines().toList();
        List<String[]> parsed = ManPages.helpOptions(lines.subList(lines.indexOf("Options:") + 1, lines.size()));
        assertEquals(lines.stream().filter(line -> line.startsWith("  -")).count(), parsed.size(), "one entry per option of the help");
    }

    @Test
    void aHelpLayoutItDoesNotKnowFailsTheBuild() {
        assertThrows(IllegalArgumentException.class, () -> ManPages.daemon("Some other tool\n"));
        assertThrows(IllegalArgumentException.class, () -> ManPages.helpOptions(List.of("  --address <a>    text", "stray line")));
    }

    @Test
    void noTextLineCanBecomeARequest() {
        CommandSpec tricky = new CommandSpec("odd", List.of(), "Odd", "<a>", List.of(".so /etc/passwd", "'br", "back\\slash"),
                List.of(new CommandSpec.OptionSpec("o", "opt", "value", ".ex")), List.of(new CommandSpec.ArgumentSpec("a", "'tr x")));
        for (String page : List.of(ManPages.client(List.of(tricky)), ManPages.daemon(ManPages.daemonHelp()))) {
            for (String line : page.lines().toList()) {
                if (line.startsWith(".") || line.startsWith("'")) {
                    assertTrue(MACROS.contains(line.split(" ")[0]), "only known macros start a line: " + line);
                }
            }
        }
        assertEquals("\\&.so /etc/passwd", Roff.escape(".so /etc/passwd"));
        assertEquals("back\\eslash \\-v", Roff.escape("back\\slash -v"));
    }

    @Test
    void optionsAreBoldAndValuesItalic() {
        assertEquals("\\fB\\-f\\fR, \\fB\\-\\-format\\fR \\fIformat\\fR", ManPages.optionTag("-f, --format <format>"));
    }
}
