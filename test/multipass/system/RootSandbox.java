// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.system.ThrowAwayUsers.User;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Everything a root system test sets up and must take down again: a root-only scratch
 * directory (captured output, daemon logs, data dirs), a world-readable one holding a copy of
 * the jar under test (the repo may sit under /root, mode 0700), throw-away users, the daemons
 * started, and any other path registered with {@link #removeAfterwards}. {@link #close()}
 * removes it all, trying every step even when one fails. Runs the real jar as the daemon
 * (root), as root's client, and as each user's client (through {@code runuser}, with a clean
 * environment).
 */
final class RootSandbox {
    /** Per client or daemon process; the first client run of a user also makes its key with keytool. */
    static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(60);
    static final String TOOL_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    final Path rootOnly;
    final Path shared;
    final Path java;
    final Path runuser;
    final Path jar;
    /** Root's {@code $HOME} for the jar run as root, so that nothing under the real /root is touched. */
    final Path rootHome;
    final Processes processes;
    final ThrowAwayUsers accounts;
    private final List<DaemonProcess> daemons = new ArrayList<>();
    private final List<Path> removeAfterwards = new ArrayList<>();

    private RootSandbox(Path rootOnly, Path shared, Path java, Path runuser, Path jar) throws IOException {
        this.rootOnly = rootOnly;
        this.shared = shared;
        this.java = java;
        this.runuser = runuser;
        this.jar = jar;
        this.rootHome = Files.createDirectory(rootOnly.resolve("root-home"));
        this.processes = new Processes(Files.createDirectory(rootOnly.resolve("output")), PROCESS_TIMEOUT);
        this.accounts = new ThrowAwayUsers(processes);
    }

    /**
     * Skips the calling test class (an assumption, with the reason) unless this runs as root
     * with the user tools and a JDK others may run; then makes the directories and copies the jar.
     */
    static RootSandbox open(String... moreTools) throws IOException {
        assumeTrue(FileFacts.isRoot(), "skipped: the system test runs only as root (it creates OS users and groups); run `make test` as root");
        List<String> tools = new ArrayList<>(List.of("useradd", "userdel", "groupadd", "groupdel", "getent", "runuser"));
        tools.addAll(List.of(moreTools));
        for (String tool : tools) {
            assumeTrue(Processes.find(tool).isPresent(), "skipped: the system test needs `" + tool + "`, which is not installed");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
        assumeTrue(FileFacts.executableByOthers(java), "skipped: other users cannot run this JDK's java (" + java + "); install the JDK"
                + " where everyone can run it, e.g. under /usr/lib/jvm");
        Path built = Path.of(System.getProperty("multipass.jar", "build/multipass.jar")).toAbsolutePath();
        if (!Files.isRegularFile(built)) {
            throw new IOException("setup: the jar under test " + built + " does not exist; build it with `make`");
        }
        Path rootOnly = Files.createTempDirectory(Path.of("/tmp"), "mpt-root-");
        Path shared = null;
        try {
            Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwx------"));
            shared = Files.createTempDirectory(Path.of("/tmp"), "mpt-");
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path jar = Files.copy(built, shared.resolve("multipass.jar"));
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            return new RootSandbox(rootOnly, shared, java, Processes.find("runuser").orElseThrow(), jar);
        } catch (IOException | RuntimeException e) {
            FileFacts.deleteTree(shared);
            FileFacts.deleteTree(rootOnly);
            throw e;
        }
    }

    /** A new directory for a daemon's data: root's, mode 0700, in the root-only scratch dir. */
    Path newDataDir(String name) throws IOException {
        return Files.createDirectory(rootOnly.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** A TCP port on 127.0.0.1 that nothing listens on right now. */
    static int freeLoopbackPort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return probe.getLocalPort();
        }
    }

    /** Deletes {@code path} (a file, or an empty directory) in {@link #close()}, after the daemons stopped; later registrations first. */
    void removeAfterwards(Path path) {
        removeAfterwards.add(path);
    }

    /** Starts the real jar as the daemon, as root, with {@code daemon args...}; its stderr goes to a log file. */
    DaemonProcess startDaemon(String... args) throws IOException, InterruptedException {
        Path log = rootOnly.resolve("daemon-" + (daemons.size() + 1) + ".log");
        DaemonProcess started = DaemonProcess.start(jarCommand(concat(List.of("daemon"), args)),
                Map.of("PATH", TOOL_PATH, "HOME", rootHome.toString()), log, PROCESS_TIMEOUT);
        daemons.add(started);
        return started;
    }

    /** Runs the real jar as root with exactly {@code environment} (plus {@code PATH}, {@code HOME}), e.g. {@code daemon --install}. */
    Outcome runAsRoot(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        Map<String, String> env = new java.util.HashMap<>(Map.of("PATH", TOOL_PATH, "HOME", rootHome.toString(), "USER", "root",
                "LOGNAME", "root"));
        env.putAll(environment);
        return processes.run("root", jarCommand(List.of(args)), env, rootOnly, null);
    }

    /** Runs the real jar as {@code user}'s client of the daemon at {@code address}, stdin empty. */
    Outcome client(User user, String address, String... args) throws IOException, InterruptedException {
        return clientWithStdin(user, address, null, args);
    }

    /** Runs the real jar as {@code user} (runuser, a clean environment, their home), feeding it {@code stdin}. */
    Outcome clientWithStdin(User user, String address, String stdin, String... args) throws IOException, InterruptedException {
        return clientWithEnvironment(user, address, Map.of(), stdin, args);
    }

    /** As {@link #clientWithStdin}, with {@code extra} variables (e.g. {@code XDG_DATA_HOME}) added to the clean environment. */
    Outcome clientWithEnvironment(User user, String address, Map<String, String> extra, String stdin, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(runuser.toString(), "-u", user.name(), "--",
                "env", "-i", "PATH=/usr/bin:/bin", "HOME=" + user.home(), "USER=" + user.name(), "LOGNAME=" + user.name(),
                "MULTIPASS_SERVER_ADDRESS=" + address));
        extra.forEach((name, value) -> command.add(name + "=" + value));
        command.addAll(jarCommand(List.of(args)));
        return processes.run(user.toString(), command, Map.of("PATH", TOOL_PATH), user.home(), stdin);
    }

    /** Runs {@code stat -c '%A %U:%G'} on {@code path}: e.g. {@code srw-rw---- root:sudo}. */
    String stat(Path path) throws IOException, InterruptedException {
        return processes.runOrFail(List.of("stat", "-c", "%A %U:%G", path.toString())).stdout().strip();
    }

    /** Stops the daemons, removes the users, the registered paths and the directories; reports every failure. */
    void close() throws IOException, InterruptedException {
        List<Exception> failures = new ArrayList<>();
        for (DaemonProcess started : daemons) {
            started.shutDown();
        }
        try {
            accounts.removeAll();
        } catch (IOException e) {
            failures.add(e);
        }
        for (int i = removeAfterwards.size() - 1; i >= 0; i--) {
            Path path = removeAfterwards.get(i);
            try {
                if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) || isEmptyDirectory(path)) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                failures.add(e);
            }
        }
        for (Path dir : new Path[] {shared, rootOnly}) {
            try {
                FileFacts.deleteTree(dir);
            } catch (IOException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            IOException failure = new IOException("cleanup failed: " + failures.get(0).getMessage(), failures.get(0));
            failures.subList(1, failures.size()).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private List<String> jarCommand(List<String> args) {
        return concat(List.of(java.toString(), "-jar", jar.toString()), args.toArray(String[]::new));
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
