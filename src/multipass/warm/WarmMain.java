// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.settings.PersistTime;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The warm client's entry: {@code java -cp <jar> multipass.Main __warm-client <persist>
 * <target...>}, as {@link WarmStarter} runs it (not a user command: {@code help} does not list
 * it). Its output goes nowhere: it was started detached.
 */
public final class WarmMain {
    /** The hidden first argument that makes {@code multipass.Main} run a warm client. */
    public static final String ENTRY = "__warm-client";

    private WarmMain() {
    }

    /** Runs a warm client for the target in {@code args}; returns the exit status. */
    public static int run(List<String> args, Dialer dialer) {
        if (args.isEmpty()) {
            System.err.println("usage: " + ENTRY + " <persist> <address> <identity dir> <config file> <runtime dir> [<rendezvous dir>...]");
            return 1;
        }
        try {
            Duration persist = PersistTime.parse(args.get(0));
            return new WarmClient(WarmTarget.fromArgs(args.subList(1, args.size())), dialer, persist).run();
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("warm client: " + e.getMessage());
            return 2;
        }
    }
}
