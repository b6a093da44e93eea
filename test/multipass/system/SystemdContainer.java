// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Debian bookworm booted with its own systemd as PID 1 under {@code systemd-nspawn}, for
 * the tests that need a real systemd (this host runs none). The tree comes from the tarball
 * {@code .ci/systemd-root.sh} keeps under /var/tmp (made once with debootstrap), unpacked into
 * a fresh directory per test class. {@code --register=no --keep-unit} because the host has no
 * systemd or D-Bus for nspawn to register with; commands run inside through {@code nsenter}
 * into the container's PID 1 (all namespaces), with a clean environment. Powering off (from
 * inside) ends nspawn; {@link #boot()} again is a reboot with the same disk. Not thread-safe.
 */
final class SystemdContainer {
    private static final String PATH = "/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(2);

    private final Path root;
    private final Path log;
    private final Processes processes;
    private Process nspawn;
    private long pid1;
    private int boots;

    private SystemdContainer(Path root, Path log, Processes processes) {
        this.root = root;
        this.log = log;
        this.processes = processes;
    }

    /** Unpacks {@code tarball} into {@code dir}/root; {@code processes} runs the host-side tools. */
    static SystemdContainer unpack(Path tarball, Path dir, Processes processes) throws IOException, InterruptedException {
        Path root = Files.createDirectory(dir.resolve("root"));
        processes.runOrFail(List.of("tar", "-C", root.toString(), "-xf", tarball.toString()));
        return new SystemdContainer(root, dir, processes);
    }

    /** The container's root directory, as the host sees it (to copy files in before a boot). */
    Path root() {
        return root;
    }

    /** Boots it and waits until {@code systemctl is-system-running --wait} says running (or degraded). */
    void boot() throws IOException, InterruptedException {
        Path out = log.resolve("nspawn-" + ++boots + ".log");
        nspawn = new ProcessBuilder("systemd-nspawn", "--register=no", "--keep-unit", "-D", root.toString(), "-b", "--console=passive")
                .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        pid1 = 0;
        String state = "";
        while (System.nanoTime() < deadline && nspawn.isAlive()) {
            if (pid1 == 0) {
                pid1 = nspawn.children().filter(child -> child.info().command().map(c -> c.endsWith("/systemd")).orElse(false))
                        .mapToLong(ProcessHandle::pid).findFirst().orElse(0);
            }
            if (pid1 != 0) {
                state = exec("systemctl", "is-system-running", "--wait").stdout().strip();
                if (state.equals("running") || state.equals("degraded")) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new IOException("the container did not boot within " + BOOT_TIMEOUT.toSeconds() + " s (state '" + state + "', nspawn "
                + (nspawn.isAlive() ? "running" : "exited " + nspawn.exitValue()) + "):\n" + Files.readString(out));
    }

    /** Runs {@code command} inside as root, with HOME=/root and a clean environment. */
    Outcome exec(String... command) throws IOException, InterruptedException {
        return run("root", Map.of("HOME", "/root"), command);
    }

    /** Runs {@code command} inside as {@code user} (runuser), with that user's HOME and a clean environment. */
    Outcome execAs(String user, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", user, "--", "env", "-i", "PATH=" + PATH, "HOME=/home/" + user, "USER=" + user,
                "LC_ALL=C.UTF-8"));
        full.addAll(List.of(command));
        return run(user, Map.of("HOME", "/root"), full.toArray(String[]::new));
    }

    private Outcome run(String who, Map<String, String> environment, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid1), "-a", "--", "env", "-i", "PATH=" + PATH, "LC_ALL=C.UTF-8"));
        environment.forEach((key, value) -> full.add(key + "=" + value));
        full.addAll(List.of(command));
        return processes.run(who + " (in the container)", full, Map.of("PATH", PATH), Path.of("/"), null);
    }

    /** Powers it off from inside and waits for nspawn to end. */
    void powerOff() throws IOException, InterruptedException {
        if (nspawn == null || !nspawn.isAlive()) {
            return;
        }
        exec("systemctl", "poweroff");
        if (!nspawn.waitFor(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            Processes.kill(nspawn);
            throw new IOException("the container did not power off within " + BOOT_TIMEOUT.toSeconds() + " s; killed");
        }
    }

    /** Powers it off (killing it if it will not stop) and deletes its tree. */
    void destroy() throws IOException, InterruptedException {
        try {
            powerOff();
        } finally {
            if (nspawn != null && nspawn.isAlive()) {
                Processes.kill(nspawn);
            }
            // rm, not a walk in Java: a whole Debian tree, and never across into a mount left behind.
            PackagingTools.removeTree(root);
        }
    }
}
