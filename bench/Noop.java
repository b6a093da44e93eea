// SPDX-License-Identifier: Apache-2.0
/**
 * The floor of every cold-start figure: a JVM that starts, runs an empty {@code main} and
 * exits. {@code make bench} times {@code java -cp <dir> Noop} beside the CLI, in the same run.
 */
public final class Noop {
    private Noop() {
    }

    public static void main(String[] args) {
        // Nothing: the JVM's own start and exit are what is measured.
    }
}
