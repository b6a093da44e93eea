// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.platform.CurrentUser;
import multipass.platform.Platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A throw-away home for one benchmark run: a short temporary directory (Unix socket paths
 * are limited to about 100 bytes) holding the daemon's data dir and socket and a fake
 * {@code $HOME} for the CLI, so the run touches nothing of the real user's. Every process the
 * bench starts gets {@link #environment()}: the caller's environment with {@code HOME} and
 * the XDG variables pointed inside, and no JVM option variables that would skew timings.
 */
final class Workspace implements AutoCloseable {
    /** Variables that would inject JVM options into every process (or the launcher's) and distort the figures. */
    private static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
            "MULTIPASS_JAVA_OPTS", "MULTIPASSD_JAVA_OPTS", "MULTIPASS_CDS_DUMP");

    private final Path root;
    private final Map<String, String> environment;

    private Workspace(Path root) {
        this.root = root;
        Map<String, String> env = new HashMap<>(System.getenv());
        JVM_OPTION_VARIABLES.forEach(env::remove);
        env.put("HOME", home().toString());
        env.put("XDG_DATA_HOME", home().resolve(".local").resolve("share").toString());
        env.remove("XDG_RUNTIME_DIR");
        env.put(Platform.SERVER_ADDRESS_VARIABLE, "unix:" + socket());
        this.environment = Map.copyOf(env);
    }

    /** A new workspace under /tmp (mode 0700, as the daemon requires of its data dir's parents). */
    static Workspace create() throws IOException {
        Path root = Files.createTempDirectory(Path.of("/tmp"), "mpbench");
        Workspace workspace = new Workspace(root);
        Files.createDirectories(workspace.home());
        return workspace;
    }

    Path root() {
        return root;
    }

    Path home() {
        return root.resolve("home");
    }

    /** The daemon's data dir (shared by the Unix and the TCP daemon, which run one after the other). */
    Path dataDir() {
        return root.resolve("data");
    }

    /** The daemon's Unix socket. */
    Path socket() {
        return root.resolve("s");
    }

    /** A loopback TCP port free a moment ago, for a daemon the bench starts on TCP. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The environment of every process the bench starts. */
    Map<String, String> environment() {
        return environment;
    }

    /** The platform as the bench's processes see it (their HOME and XDG directories). */
    Platform platform() {
        return new Platform(Platform.Os.LINUX, environment, CurrentUser.get().isRoot());
    }

    /** The CLI's identity directory, which the first CLI run creates and the daemon trusts. */
    Path cliIdentityDir() {
        return platform().clientIdentityDir();
    }

    /** Deletes the whole tree. */
    @Override
    public void close() throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
