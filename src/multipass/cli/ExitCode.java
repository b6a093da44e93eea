// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

/** The CLI's exit codes, as Multipass documents them. */
public enum ExitCode {
    OK(0), COMMAND_LINE_ERROR(1), COMMAND_FAILED(2), DAEMON_FAILED(3);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /** The process exit status. */
    public int code() {
        return code;
    }
}
