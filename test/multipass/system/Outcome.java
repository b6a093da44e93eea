package multipass.system;

import java.util.List;

/**
 * What one finished process did: its exit code and everything it wrote. {@link #toString()}
 * shows it all, so an assertion message that includes an outcome explains itself.
 */
record Outcome(String who, List<String> command, int exitCode, String stdout, String stderr) {
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
