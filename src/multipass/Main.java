// SPDX-License-Identifier: Apache-2.0
package multipass;

import multipass.cli.Cli;
import multipass.daemon.DaemonMain;

import java.util.Arrays;

/**
 * Entry point of {@code multipass.jar}: dispatches to the daemon ({@code daemon ...}) or to the
 * CLI (everything else). It does nothing else, so both sides stay testable in-process.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code;
        if (args.length > 0 && args[0].equals("daemon")) {
            code = DaemonMain.run(Arrays.copyOfRange(args, 1, args.length));
        } else {
            code = Cli.standard().run(args);
        }
        System.exit(code);
    }
}
