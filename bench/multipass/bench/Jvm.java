// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code java} launcher that runs the bench itself (so {@code JAVA_HOME=...} picks the JDK
 * for everything), and the command lines built on it.
 */
record Jvm(Path java) {
    /** The JVM this bench runs on. */
    static Jvm current() {
        return new Jvm(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    /** {@code java} followed by {@code options}. */
    List<String> command(List<String> options) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(options);
        return command;
    }

    /** The JVM's version string, for the results header. */
    static String version() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }
}
