// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.platform.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static multipass.cli.InstancesFlowIntegrationTest.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The instance commands' command-line side, with no daemon running: {@code help} lists them
 * with Multipass's summaries, their help texts, and the argument errors that never reach a
 * daemon (exit 1, Multipass's messages).
 */
@Timeout(60)
class InstanceCommandLineTest {
    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner(new Address.Unix(dir.resolve("no-daemon")), dir.resolve("identity"));
    }

    @Test
    void helpListsTheInstanceCommandsWithMultipassSummaries() {
        String help = cli().run("help").out();
        for (String line : new String[] {"  launch        Create and start an Ubuntu instance", "  list          List all available instances",
                "  info          Display information about instances", "  start         Start instances",
                "  stop          Stop running instances", "  delete        Delete instances",
                "  purge         Purge all deleted instances permanently", "  recover       Recover deleted instances"}) {
            assertTrue(help.contains("\n" + line + "\n"), line + " in:\n" + help);
        }
    }

    @Test
    void deleteHelp() {
        expect(cli().run("help", "delete"), 0, String.join("\n",
                "Usage: multipass delete [options] <name> [<name> ...]",
                "Delete instances, to be purged with the \"purge\" command,",
                "or recovered with the \"recover\" command.",
                "",
                "Options:",
                "  -h, --help     Display this help",
                "  -v, --verbose  Increase logging verbosity. Repeat the 'v' in the short option",
                "                 for more detail. Maximum verbosity is obtained with 4 (or more)",
                "                 v's, i.e. -vvvv.",
                "  --all          Delete all instances",
                "  -p, --purge    Purge instances immediately",
                "",
                "Arguments:",
                "  name           Names of instances to delete",
                ""), "");
    }

    @Test
    void launchHelpDocumentsTheDefaults() {
        CliRunner.Result help = cli().run("launch", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("Usage: multipass launch [options] [<image>]\nCreate and start a new instance.\n"), help.out());
        for (String text : new String[] {"-c, --cpus <cpus>", "Minimum: 1, default: 1.", "-d, --disk <disk>", "Minimum: 512M, default:",
                "-m, --memory <memory>", "Minimum: 128M,", "-n, --name <name>", "Ubuntu LTS (24.04)"}) {
            assertTrue(help.out().contains(text), text + " in:\n" + help.out());
        }
    }

    @Test
    void namesOrAllButNotBoth() {
        for (String command : new String[] {"info", "start", "stop", "delete", "recover"}) {
            expect(cli().run(command), 1, "", "Name argument or --all is required\n");
            expect(cli().run(command, "--all", "a"), 1, "", "Cannot specify name when --all option set\n");
            expect(cli().run(command, "a", "b", "--all"), 1, "", "Cannot specify names when --all option set\n");
        }
    }

    @Test
    void otherArgumentErrors() {
        expect(cli().run("purge", "x"), 1, "", "This command takes no arguments\n");
        expect(cli().run("info", "--format", "xml", "a"), 1, "", "Invalid format type given.\n");
        expect(cli().run("launch", "--cpus", "two"), 1, "", "Error: invalid CPU count 'two', need a positive integer value\n");
        expect(cli().run("launch", "--memory", "1T"), 1, "", "Error: invalid memory size: '1T' is not a valid size: use a positive integer"
                + " in bytes, or a decimal with a K, M or G suffix (e.g. 512M, 1.5G)\n");
        expect(cli().run("launch", "bad image"), 1, "", "Error: invalid image 'bad image': give a release (e.g. 24.04), a codename or an"
                + " alias, of letters, digits and . : _ -\n");
        expect(cli().run("stop", "--purge", "a"), 1, "", "Unknown option 'purge'.\n");
    }

    @Test
    void aValidCommandWithNoDaemonFailsToConnect() {
        expect(cli().run("launch"), 2, "", "launch failed: cannot connect to the multipass socket\n");
        expect(cli().run("start", "--all"), 2, "", "start failed: cannot connect to the multipass socket\n");
    }
}
