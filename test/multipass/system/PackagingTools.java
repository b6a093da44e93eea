// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the packaging tests share: the source tree under test (the one whose jar {@code make
 * test} passes in), the environment for a child {@code make}, and the external tools they
 * need. A missing tool skips the test with a message naming the Debian package to install,
 * except in CI ({@code CI} set), where {@code .ci/run} installs them all and a missing one is
 * a failure, so that CI can never pass by skipping.
 */
final class PackagingTools {
    private PackagingTools() {
    }

    /** The source tree: the parent of the {@code build/} holding the jar under test. */
    static Path repository() {
        Path jar = Path.of(System.getProperty("multipass.jar", "build/multipass.jar")).toAbsolutePath();
        Path repository = jar.getParent().getParent();
        assertTrue(Files.isRegularFile(repository.resolve("Makefile")) && Files.isRegularFile(jar),
                "setup: the jar under test " + jar + " and the Makefile beside its build/ must exist; run `make test`");
        return repository;
    }

    /** The absolute path of {@code name}, or a skip (a failure in CI) naming {@code debianPackage}. */
    static Path tool(String name, String debianPackage) {
        Path found = Processes.find(name).orElse(null);
        if (found == null && System.getenv("CI") != null) {
            fail("CI must provide `" + name + "` (Debian package " + debianPackage + "); .ci/run installs it");
        }
        assumeTrue(found != null, "skipped: needs `" + name + "`: apt-get install " + debianPackage);
        return found;
    }

    /**
     * Deletes {@code dir} with {@code rm -rf --one-file-system}: a whole OS tree is slow to walk
     * in Java, and a mount left inside is never crossed into.
     */
    static void removeTree(Path dir) throws IOException, InterruptedException {
        Process rm = new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString()).redirectErrorStream(true).start();
        String output = new String(rm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (rm.waitFor() != 0) {
            throw new IOException("rm -rf " + dir + " failed: " + output);
        }
    }

    /** The environment of a child make (or launcher): system tools on PATH, this JVM's JDK as JAVA_HOME. */
    static Map<String, String> environment(Path home) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" + (path.isEmpty() ? "" : ":" + path),
                "HOME", home.toString(),
                "JAVA_HOME", System.getProperty("java.home"),
                "LC_ALL", "C.UTF-8");
    }
}
