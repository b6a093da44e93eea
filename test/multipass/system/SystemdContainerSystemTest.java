// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The .deb under a real systemd (issue 12, items 4 to 6): Debian bookworm booted in a
 * {@link SystemdContainer}. The package enables multipassd.socket and multipassd.service;
 * systemd makes /run/multipass_socket (multipassd:sudo, 0660); the first {@code multipass
 * list} as root starts the daemon through the socket and is trusted as the first client; the
 * daemon runs as the system user multipassd with no capability; a second user authenticates
 * with a passphrase; {@code systemd-analyze security} rates the service at most 2.0; stopping
 * the service keeps the socket and the next command starts it again; after a reboot trust is
 * kept and both users are served; stopping the socket removes it. Root only; needs
 * systemd-nspawn (systemd-container), debootstrap, nsenter and tar: skipped without them,
 * failed in CI. The first run anywhere makes the bookworm tarball (a few minutes); later runs
 * reuse it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("systemd: the .deb socket-activated, unprivileged daemon under a real systemd in a container (root)")
class SystemdContainerSystemTest {
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for multipassd\\.service: (\\d+\\.\\d)");
    private static final String PASSPHRASE = "correct horse " + ThrowAwayUsers.randomText(8);
    private static final String NO_INSTANCES = "No instances found.\n";
    private static final String ZERO_CAPS = "0000000000000000";

    @RegisterExtension
    final OrderedSteps steps = new OrderedSteps();

    private Path scratch;
    private Processes processes;
    private SystemdContainer container;
    private long started;

    @BeforeAll
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void bootWithThePackage() throws IOException, InterruptedException {
        started = System.nanoTime();
        boolean ci = System.getenv("CI") != null;
        if (!FileFacts.isRoot()) {
            assertFalse(ci, "CI runs the tests as root");
            assumeTrue(false, "skipped: booting a systemd container needs root; run `make test` as root");
        }
        PackagingTools.tool("systemd-nspawn", "systemd-container");
        PackagingTools.tool("debootstrap", "debootstrap");
        PackagingTools.tool("nsenter", "util-linux");
        Path repository = PackagingTools.repository();
        scratch = Files.createTempDirectory(Path.of("/var/tmp"), "mpt-systemd-");
        processes = new Processes(Files.createDirectory(scratch.resolve("output")), Duration.ofMinutes(10));
        Outcome made = processes.run("root", List.of("make", "--no-print-directory", "-C", repository.toString(), "deb"),
                PackagingTools.environment(scratch), scratch, null);
        assertEquals(0, made.exitCode(), "make deb" + made);
        Outcome tarball = processes.run("root", List.of("sh", repository.resolve(".ci/systemd-root.sh").toString()),
                PackagingTools.environment(scratch), scratch, null);
        assertEquals(0, tarball.exitCode(), ".ci/systemd-root.sh" + tarball);
        container = SystemdContainer.unpack(Path.of(tarball.stdout().strip()), scratch, processes);
        try (Stream<Path> built = Files.list(repository.resolve("build"))) {
            Path deb = built.filter(p -> p.getFileName().toString().matches("multipass-java_.*_all\\.deb")).findFirst().orElseThrow();
            Files.copy(deb, container.root().resolve("root/multipass-java.deb"), StandardCopyOption.REPLACE_EXISTING);
        }
        container.boot();
        report("booted");
    }

    @AfterAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void powerOffAndDelete() throws IOException, InterruptedException {
        try {
            if (container != null) {
                container.destroy();
            }
        } finally {
            if (scratch != null) {
                PackagingTools.removeTree(scratch);
            }
            if (started != 0) {
                report("done");
            }
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    @DisplayName("1. dpkg -i installs it; both units enabled; systemd listens on /run/multipass_socket, multipassd:sudo 0660; no daemon yet")
    void installs() throws IOException, InterruptedException {
        Outcome installed = container.exec("dpkg", "-i", "/root/multipass-java.deb");
        assertEquals(0, installed.exitCode(), "dpkg -i" + installed);
        container.exec("systemctl", "is-enabled", "multipassd.socket", "multipassd.service").expect(0, "enabled\nenabled\n", "", "enabled");
        container.exec("systemctl", "is-active", "multipassd.socket").expect(0, "active\n", "", "the socket unit");
        container.exec("systemctl", "is-active", "multipassd.service").expect(3, "inactive\n", "", "no daemon before the first client");
        assertEquals("multipassd:sudo 660 socket\n", stat("%U:%G %a %F", "/run/multipass_socket"), "the socket systemd made");
        assertEquals("multipassd:multipassd 644 0\n", stat("%U:%G %a %s", "/run/multipass_socket.ca.pem"), "the CA file, still empty");
        report("installed");
    }

    @Test
    @Order(2)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("2. the first `multipass list` as root starts the daemon and is trusted as the first client; the socket opens to 0666")
    void firstClientStartsTheDaemon() throws IOException, InterruptedException {
        container.exec("multipass", "list").expect(0, NO_INSTANCES, "", "root's first list");
        container.exec("systemctl", "is-active", "multipassd.service").expect(0, "active\n", "", "started by the socket");
        Outcome trust = container.exec("multipass", "trust", "list", "--format", "csv");
        assertTrue(trust.stdout().contains(",root,") && trust.stdout().contains(",first-client,"), "root trusted as first client" + trust);
        assertEquals("multipassd:sudo 666\n", stat("%U:%G %a", "/run/multipass_socket"), "open once someone is trusted");
        assertEquals("multipassd:multipassd 700\n", stat("%U:%G %a", "/var/lib/multipassd"), "StateDirectory= gave the state to multipassd");
        report("first client served");
    }

    @Test
    @Order(3)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("3. the daemon runs as multipassd, not root, with no capability, no new privileges and a seccomp filter")
    void daemonIsUnprivileged() throws IOException, InterruptedException {
        String uid = container.exec("id", "-u", "multipassd").stdout().strip();
        assertFalse(uid.isEmpty() || uid.equals("0"), "multipassd is a user of its own: " + uid);
        String pid = container.exec("systemctl", "show", "-p", "MainPID", "--value", "multipassd.service").stdout().strip();
        String status = container.exec("cat", "/proc/" + pid + "/status").stdout();
        System.out.println("multipassd (pid " + pid + " in the container), /proc/<pid>/status:\n"
                + status.lines().filter(line -> line.matches("(Uid|Gid|Groups|Cap\\w+|NoNewPrivs|Seccomp):.*")).reduce("", (a, b) -> a + "  " + b + "\n"));
        assertEquals(String.join("\t", uid, uid, uid, uid), field(status, "Uid"), "real, effective, saved and file-system uid");
        for (String caps : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
            assertEquals(ZERO_CAPS, field(status, caps), caps);
        }
        assertEquals("1", field(status, "NoNewPrivs"), "NoNewPrivileges=");
        assertEquals("2", field(status, "Seccomp"), "SystemCallFilter= (seccomp filter mode)");
    }

    @Test
    @Order(4)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("4. root sets a passphrase; a second user authenticates with it and is served")
    void secondUserAuthenticates() throws IOException, InterruptedException {
        container.exec("useradd", "--create-home", "bob").expect(0, "", "", "useradd bob");
        container.exec("multipass", "set", "local.passphrase=" + PASSPHRASE).expect(0, "", "", "root sets the passphrase");
        container.execAs("bob", "multipass", "authenticate", PASSPHRASE).expect(0, "", "", "bob authenticates");
        container.execAs("bob", "multipass", "list").expect(0, NO_INSTANCES, "", "bob's list");
        report("second user served");
    }

    @Test
    @Order(5)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("5. systemd-analyze security rates multipassd.service at most 2.0")
    void exposure() throws IOException, InterruptedException {
        Outcome analysed = container.exec("systemd-analyze", "security", "multipassd.service");
        System.out.println("systemd-analyze security multipassd.service:\n" + analysed.stdout());
        Matcher level = EXPOSURE.matcher(analysed.stdout());
        assertTrue(level.find(), "an overall exposure level" + analysed);
        assertTrue(Double.parseDouble(level.group(1)) <= 2.0, "exposure " + level.group(1) + " is at most 2.0");
    }

    @Test
    @Order(6)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("6. stopping the service keeps the socket (and its mode); the next command starts the daemon again")
    void stoppedServiceRestartsOnDemand() throws IOException, InterruptedException {
        container.exec("systemctl", "stop", "multipassd.service");
        container.exec("systemctl", "is-active", "multipassd.service").expect(3, "inactive\n", "", "stopped");
        assertEquals("multipassd:sudo 666 socket\n", stat("%U:%G %a %F", "/run/multipass_socket"), "the socket stays");
        container.execAs("bob", "multipass", "list").expect(0, NO_INSTANCES, "", "bob's list starts it again");
        container.exec("systemctl", "is-active", "multipassd.service").expect(0, "active\n", "", "started again");
        report("restarted on demand");
    }

    @Test
    @Order(7)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    @DisplayName("7. after a reboot the daemon is up, the socket is 0666, and both users are served with no passphrase")
    void rebootKeepsTrust() throws IOException, InterruptedException {
        container.powerOff();
        container.boot();
        report("rebooted");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!stat("%a", "/run/multipass_socket").equals("666\n") && System.nanoTime() < deadline) {
            Thread.sleep(200); // the daemon, started at boot, opens the socket once it has read its trust store
        }
        assertEquals("multipassd:sudo 666\n", stat("%U:%G %a", "/run/multipass_socket"), "opened by the daemon started at boot");
        container.execAs("bob", "multipass", "list").expect(0, NO_INSTANCES, "", "bob after the reboot");
        container.exec("multipass", "list").expect(0, NO_INSTANCES, "", "root after the reboot");
        report("served after reboot");
    }

    @Test
    @Order(8)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("8. stopping both units stops the daemon and removes the socket and the published CA")
    void stoppingTheSocketRemovesIt() throws IOException, InterruptedException {
        container.exec("systemctl", "stop", "multipassd.socket", "multipassd.service").expect(0, "", "", "systemctl stop");
        container.exec("systemctl", "is-active", "multipassd.socket", "multipassd.service").expect(3, "inactive\ninactive\n", "", "both stopped");
        container.exec("test", "!", "-e", "/run/multipass_socket").expect(0, "", "", "the socket file is gone");
        container.exec("test", "!", "-e", "/run/multipass_socket.ca.pem").expect(0, "", "", "the published CA is gone");
    }

    private String stat(String format, String path) throws IOException, InterruptedException {
        return container.exec("stat", "-c", format, path).stdout();
    }

    private static String field(String status, String name) {
        return status.lines().filter(line -> line.startsWith(name + ":")).map(line -> line.substring(name.length() + 1).strip())
                .findFirst().orElse("(no " + name + " line)");
    }

    private void report(String what) {
        System.out.printf("systemd container test: %s after %.1f s%n", what, (System.nanoTime() - started) / 1e9);
    }
}
