// SPDX-License-Identifier: Apache-2.0
package multipass.api;

import java.util.List;
import java.util.Map;

/**
 * One client request: a command name, the client's verbosity (0-4), positional arguments
 * and named options. Arguments may hold a passphrase, so {@link #toString()} never shows them.
 */
public record Request(String command, int verbosity, List<String> args, Map<String, String> options) {
    public Request {
        args = List.copyOf(args);
        options = Records.ordered(options);
        if (verbosity < 0 || verbosity > LogLevel.TRACE.number()) {
            throw new IllegalArgumentException("verbosity must be 0 to 4, not " + verbosity);
        }
    }

    /** A request with arguments and no options. */
    public static Request of(String command, int verbosity, String... args) {
        return new Request(command, verbosity, List.of(args), Map.of());
    }

    /** The named option, or {@code fallback}. */
    public String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    @Override
    public String toString() {
        return "Request[command=" + command + ", verbosity=" + verbosity + ", " + args.size() + " argument(s), options=" + options.keySet() + "]";
    }
}
