// SPDX-License-Identifier: Apache-2.0
package multipass;

import multipass.cli.Cli;
import multipass.cli.WarmPath;
import multipass.daemon.DaemonMain;
import multipass.warm.WarmMain;

import java.util.Arrays;

/**
 * Entry point of {@code multipass.jar}: dispatches to the daemon ({@code daemon ...}) or to the
 * CLI (everything else), or, with the hidden first argument {@code __warm-client}, to the warm
 * client a command started ({@code client.persist}). It does nothing else, so every side stays
 * testable in-process.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code;
        if (args.length > 0 && args[0].equals("daemon")) {
            code = DaemonMain.run(Arrays.copyOfRange(args, 1, args.length));
        } else if (args.length > 0 && args[0].equals(WarmMain.ENTRY)) {
            code = WarmMain.run(Arrays.asList(args).subList(1, args.length), WarmPath::dial);
        } else {
            code = Cli.standard().run(args);
        }
        System.exit(code);
    }
}
