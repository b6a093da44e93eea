// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.platform.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI's own behaviour, with no daemon running: help texts byte for byte, argument errors
 * with their exact messages and exit codes, and the connection failure messages.
 */
class CliTest {
    static final String AUTHENTICATE_HELP = String.join("\n",
            "Usage: multipass authenticate [options] [<passphrase>]",
            "Authenticate with the Multipass service.",
            "A system administrator should provide you with a passphrase",
            "to allow use of the Multipass service.",
            "",
            "Options:",
            "  -h, --help     Display this help",
            "  -v, --verbose  Increase logging verbosity. Repeat the 'v' in the short option",
            "                 for more detail. Maximum verbosity is obtained with 4 (or more)",
            "                 v's, i.e. -vvvv.",
            "",
            "Arguments:",
            "  passphrase     Passphrase to register with the Multipass service. If omitted,",
            "                 a prompt will be displayed for entering the passphrase.",
            "");

    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner(new Address.Unix(dir.resolve("no-daemon")), dir.resolve("identity"));
    }

    @Test
    void authenticateHelpMatchesMultipassByteForByte() {
        for (String[] args : new String[][] {{"authenticate", "--help"}, {"auth", "-h"}, {"help", "authenticate"}, {"help", "auth"}}) {
            CliRunner.Result result = cli().run(args);
            assertEquals(AUTHENTICATE_HELP, result.out(), String.join(" ", args));
            assertEquals(0, result.exit());
            assertEquals("", result.err());
        }
    }

    @Test
    void helpListsCommandsWithSummariesButNotTheDaemon() {
        CliRunner.Result result = cli().run("help");
        assertEquals(0, result.exit());
        assertTrue(result.out().contains("\n  authenticate  Authenticate client\n"), result.out());
        assertTrue(result.out().contains("  version "), result.out());
        assertFalse(result.out().contains("daemon"), result.out());
        assertEquals(result.out(), cli().run("--help").out());
    }

    @Test
    void unknownOptionIsAQtStyleError() {
        CliRunner.Result result = cli().run("authenticate", "--foo");
        assertEquals(1, result.exit());
        assertEquals("Unknown option 'foo'.\n", result.err());
        assertEquals("Unknown option 'x'.\n", cli().run("list", "-x").err());
    }

    @Test
    void unknownCommandIsACommandLineError() {
        CliRunner.Result result = cli().run("frobnicate");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("'frobnicate'"), result.err());
    }

    @Test
    void authenticateRejectsTwoPassphrases() {
        CliRunner.Result result = cli().run("authenticate", "a", "b");
        assertEquals(1, result.exit());
        assertEquals("Too many arguments given\n", result.err());
    }

    @Test
    void emptyPromptedPassphraseIsRefused() {
        CliRunner.Result result = cli().runWithInput("\n", "authenticate");
        assertEquals(1, result.exit());
        assertEquals("Please enter passphrase: \n", result.out());
        assertEquals("No passphrase given\n", result.err());
    }

    @Test
    void endOfInputBeforeALineFailsToRead() {
        CliRunner.Result result = cli().runWithInput("", "auth");
        assertEquals(1, result.exit());
        assertEquals("Failed to read value\n", result.err());
    }

    @Test
    void setNeedsExactlyOneWellFormedPair() {
        assertEquals("Need exactly one key-value pair (in <key>=<value> form).\n", cli().run("set").err());
        assertEquals("Need exactly one key-value pair (in <key>=<value> form).\n", cli().run("set", "a=1", "b=2").err());
        assertEquals("Bad key-value format.\n", cli().run("set", "local.passphrase=a=b").err());
        assertEquals("Bad key-value format.\n", cli().run("set", "=value").err());
        CliRunner.Result unknown = cli().run("set", "local.nothing=1");
        assertEquals("Unrecognized settings key: 'local.nothing'\n", unknown.err());
        assertEquals(1, unknown.exit());
    }

    @Test
    void setPromptsTwiceAndRejectsAMismatch() {
        CliRunner.Result result = cli().runWithInput("one\ntwo\n", "set", "local.passphrase");
        assertEquals(1, result.exit());
        assertEquals("Please enter passphrase: \nPlease re-enter passphrase: \n", result.out());
        assertEquals("Passphrases do not match\n", result.err());
    }

    @Test
    void getKeysListsTheKeys() {
        CliRunner.Result result = cli().run("get", "--keys");
        assertEquals(0, result.exit());
        assertEquals("client.persist\nlocal.passphrase\n", result.out());
        assertEquals("Unrecognized settings key: 'nope'\n", cli().run("get", "nope").err());
    }

    @Test
    void missingDaemonSaysItCannotConnect() {
        CliRunner.Result result = cli().run("list");
        assertEquals(2, result.exit());
        assertEquals("list failed: cannot connect to the multipass socket\n", result.err());
        CliRunner.Result verbose = cli().run("list", "-v");
        assertEquals("list failed: cannot connect to the multipass socket\n"
                + "Please ensure multipassd is running and 'unix:" + dir.resolve("no-daemon") + "' is accessible\n", verbose.err());
    }

    @Test
    void authAliasReportsFailuresUnderTheCanonicalName() {
        CliRunner.Result result = cli().run("auth", "secret");
        assertEquals(2, result.exit());
        assertEquals("authenticate failed: cannot connect to the multipass socket\n", result.err());
        assertFalse(Files.exists(dir.resolve("identity")), "no identity is made when there is no daemon to talk to");
    }

    @Test
    void versionPrintsTheClientLineEvenWithoutADaemon() {
        CliRunner.Result result = cli().run("version");
        assertEquals(2, result.exit());
        assertEquals("multipass  " + multipass.api.BuildInfo.VERSION + "\n", result.out());
        assertEquals("version failed: cannot connect to the multipass socket\n", result.err());
    }

    @Test
    void invalidListFormatIsRejected() {
        CliRunner.Result result = cli().run("list", "--format", "xml");
        assertEquals(1, result.exit());
        assertEquals("Invalid format type given.\n", result.err());
    }
}
