// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

/** One CLI command: its user-facing shape and what it does. */
public interface Command {
    /** Name, aliases, help. */
    CommandSpec spec();

    /** Runs the parsed invocation; returns the exit code, or throws {@link CommandFailed} after printing why. */
    int run(Invocation call) throws CommandFailed;
}
