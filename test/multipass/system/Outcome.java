// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What one finished process did: its exit code and everything it wrote. {@link #toString()}
 * shows it all, so an assertion message that includes an outcome explains itself.
 */
record Outcome(String who, List<String> command, int exitCode, String stdout, String stderr) {
    /** Asserts the exit code and both outputs exactly, reporting all mismatches of this run together; {@code what} names the run. */
    Outcome expect(int expectedExitCode, String expectedStdout, String expectedStderr, String what) {
        assertAll(what + this,
                () -> assertEquals(expectedStderr, stderr, "stderr"),
                () -> assertEquals(expectedStdout, stdout, "stdout"),
                () -> assertEquals(expectedExitCode, exitCode, "exit code"));
        return this;
    }

    @Override
    public String toString() {
        return "\n  as:     " + who
                + "\n  ran:    " + String.join(" ", command)
                + "\n  exit:   " + exitCode
                + "\n  stdout: " + quote(stdout)
                + "\n  stderr: " + quote(stderr);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\n", "\\n") + "\"";
    }
}
