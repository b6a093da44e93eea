// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

/**
 * A command that failed after its message was printed; carries only the exit code. Thrown at
 * the edge, caught by {@link Cli#run}.
 */
final class CommandFailed extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient ExitCode exitCode;

    CommandFailed(ExitCode exitCode) {
        super(null, null, false, false);
        this.exitCode = exitCode;
    }

    ExitCode exitCode() {
        return exitCode;
    }
}
