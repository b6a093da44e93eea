// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.system.ThrowAwayUsers.User;

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
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Debian package (issue 7), for real, as root: {@code make deb}; lintian reports no error;
 * {@code dpkg -i} with {@code SUDO_USER} set to a throw-away user installs it and enrols that
 * user; the installed {@code multipassd}, started by hand (no systemd here), serves the
 * installed {@code multipass}, which that user runs with no passphrase; {@code dpkg -r} leaves
 * only the documented state (/var/lib/multipassd, the unit's enablement), and {@code dpkg -P}
 * nothing. It installs into /usr, so it refuses to run (skips) beside a real installation, runs
 * one at a time on a machine (a lock in /run/lock), and always purges the package, stops the
 * daemon and removes the user, whatever failed. Skipped when not root or without dpkg.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("make deb: the Debian package installs, serves, enrols the installer and removes cleanly (root)")
class DebPackageSystemTest {
    private static final String PACKAGE = "multipass-java";
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    private static final String TOOL_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Path STATE = Path.of("/var/lib/multipassd");
    private static final Path SOCKET = Path.of("/run/multipass_socket");
    private static final Path ENABLED = Path.of("/etc/systemd/system/sockets.target.wants/multipassd.socket");
    /** The system user the package creates for multipassd.service (and leaves behind, as Debian packages do). */
    private static final String DAEMON_USER = "multipassd";
    /** The files the package ships (dpkg -L, directories left out). */
    private static final List<String> FILES = List.of("/lib/systemd/system/multipassd.service", "/lib/systemd/system/multipassd.socket",
            "/usr/bin/multipass", "/usr/lib/multipass/make-cds-archive", "/usr/lib/sysusers.d/multipassd.conf", "/usr/sbin/multipassd", "/usr/share/bash-completion/completions/multipass",
            "/usr/share/doc/multipass-java/README.md.gz", "/usr/share/doc/multipass-java/changelog.gz",
            "/usr/share/doc/multipass-java/copyright", "/usr/share/man/man1/multipass.1.gz", "/usr/share/man/man8/multipassd.8.gz",
            "/usr/share/multipass/multipass.jar");

    @RegisterExtension
    final OrderedSteps steps = new OrderedSteps();

    private Path repository;
    private Path scratch;
    private Processes processes;
    private FileChannel lockFile;
    private FileLock lock;
    private ThrowAwayUsers accounts;
    private User installer;
    private Path deb;
    private DaemonProcess daemon;
    /** Set once setUp has seen no installation here: only then may tearDown purge and delete. */
    private boolean ours;
    /** Set when the package's system user did not exist before: tearDown removes it. */
    private boolean ourDaemonUser;

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void setUp() throws IOException, InterruptedException {
        assumeTrue(FileFacts.isRoot(), "skipped: installing the .deb needs root; run `make test` as root");
        for (String tool : List.of("dpkg", "dpkg-deb", "dpkg-query", "useradd", "userdel", "runuser")) {
            assumeTrue(Processes.find(tool).isPresent(), "skipped: the package test needs `" + tool + "`, which is not installed");
        }
        repository = PackagingTools.repository();
        Files.createDirectories(Path.of("/run/lock"));
        lockFile = FileChannel.open(Path.of("/run/lock/multipass-java-deb-test.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockFile.lock(); // another clone's run of this test on this machine finishes first
        scratch = Files.createTempDirectory(Path.of("/tmp"), "mpt-deb-");
        processes = new Processes(Files.createDirectory(scratch.resolve("output")), TIMEOUT);
        assumeTrue(!isInstalled() && !Files.exists(STATE, LinkOption.NOFOLLOW_LINKS) && !Files.exists(SOCKET, LinkOption.NOFOLLOW_LINKS)
                        && !Files.exists(Path.of("/usr/bin/multipass"), LinkOption.NOFOLLOW_LINKS),
                "skipped: this machine has multipass-java installed or a multipassd state (" + STATE + ", " + SOCKET
                        + "); the package test would overwrite it");
        ours = true;
        ourDaemonUser = !userExists(DAEMON_USER);
        Outcome made = processes.run("root", List.of("make", "--no-print-directory", "-C", repository.toString(), "deb"),
                PackagingTools.environment(scratch), scratch, null);
        assertEquals(0, made.exitCode(), "make deb" + made);
        try (Stream<Path> built = Files.list(repository.resolve("build"))) {
            deb = built.filter(p -> p.getFileName().toString().matches("multipass-java_.*_all\\.deb")).findFirst().orElseThrow();
        }
        accounts = new ThrowAwayUsers(processes);
        installer = accounts.createUser("installer");
    }

    @AfterAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void tearDown() throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        if (daemon != null) {
            daemon.shutDown();
        }
        if (ours && isInstalled()) {
            Outcome purged = dpkg("-P", PACKAGE);
            if (purged.exitCode() != 0) {
                failures.add("dpkg -P failed" + purged);
            }
        }
        if (ours) { // setUp saw that none of these existed before
            FileFacts.deleteTree(STATE);
            Files.deleteIfExists(SOCKET);
            Files.deleteIfExists(Path.of(SOCKET + ".ca.pem"));
        }
        if (ourDaemonUser && userExists(DAEMON_USER)) {
            Outcome deleted = processes.run("root", List.of("userdel", DAEMON_USER), Map.of("PATH", TOOL_PATH), Path.of("/"), null);
            if (deleted.exitCode() != 0) {
                failures.add("userdel " + DAEMON_USER + deleted);
            }
        }
        if (accounts != null) {
            try {
                accounts.removeAll();
            } catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
        FileFacts.deleteTree(scratch);
        if (lock != null) {
            lock.release();
        }
        if (lockFile != null) {
            lockFile.close();
        }
        assertTrue(failures.isEmpty(), "cleanup: " + failures);
    }

    @Test
    @Order(1)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    @DisplayName("1. lintian reports no error on the .deb")
    void lintianFindsNoError() throws IOException, InterruptedException {
        Path lintian = PackagingTools.tool("lintian", "lintian");
        Outcome linted = processes.run("root", List.of(lintian.toString(), "--display-info", "--pedantic", deb.toString()),
                Map.of("PATH", TOOL_PATH, "LC_ALL", "C.UTF-8"), scratch, null);
        System.out.println("lintian " + deb.getFileName() + ":\n" + linted.stdout());
        assertTrue(linted.stdout().lines().noneMatch(line -> line.startsWith("E: ")), "lintian errors" + linted);
        assertEquals(0, linted.exitCode(), "lintian's exit status (1: errors, 2: lintian failed)" + linted);
    }

    @Test
    @Order(2)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    @DisplayName("2. dpkg -i installs it, enrols $SUDO_USER and makes the CDS archive; no systemd needed")
    void installs() throws IOException, InterruptedException {
        Outcome installed = processes.run("root", List.of("dpkg", "-i", deb.toString()),
                Map.of("PATH", TOOL_PATH, "SUDO_USER", installer.name(), "HOME", "/root", "LC_ALL", "C.UTF-8"), scratch, null);
        assertEquals(0, installed.exitCode(), "dpkg -i" + installed);
        assertTrue(installed.stdout().contains("Enrolled user '" + installer.name() + "'"), "postinst enrolled the installer" + installed);
        assertEquals(FILES, shippedFiles(), "the files the package ships (dpkg -L)");
        assertTrue(userExists(DAEMON_USER), "postinst created the system user " + DAEMON_USER);
        if (ourDaemonUser) { // else it was there before, made by someone else
            Outcome entry = processes.run("root", List.of("getent", "passwd", DAEMON_USER), Map.of("PATH", TOOL_PATH), Path.of("/"), null);
            assertTrue(entry.stdout().strip().endsWith(":/var/lib/multipassd:/usr/sbin/nologin"), "a system user with no login" + entry);
        }
        assertEquals("root", Files.getOwner(STATE).getName(), "the state stays root's until multipassd.service's StateDirectory= takes it");
        assertTrue(Files.isRegularFile(Path.of("/usr/lib/multipass/client.jsa")), "postinst made the class-data-sharing archive");
        if (Processes.find("systemd-analyze").isPresent()) {
            processes.run("root", List.of("systemd-analyze", "verify", "/lib/systemd/system/multipassd.service", "/lib/systemd/system/multipassd.socket"),
                    Map.of("PATH", TOOL_PATH, "LC_ALL", "C.UTF-8"), scratch, null).expect(0, "", "", "systemd-analyze verify of the unit");
        }
        Path certificate = installer.home().resolve(".local/share/multipass-client-certificate/multipass_cert.pem");
        assertTrue(Files.isRegularFile(certificate), "the installer's identity was made in their home: " + certificate);
        assertEquals(Files.getAttribute(installer.home(), "unix:uid"), Files.getAttribute(certificate, "unix:uid"),
                "the installer's identity is theirs");
    }

    @Test
    @Order(3)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("3. the installed multipassd, started by hand, serves the installer's multipass with no passphrase")
    void installedDaemonServesTheInstaller() throws IOException, InterruptedException {
        daemon = DaemonProcess.start(List.of("/usr/sbin/multipassd"), Map.of("PATH", TOOL_PATH), scratch.resolve("daemon.log"),
                Duration.ofMinutes(2));
        assertEquals("unix:" + SOCKET, daemon.address(), "the packaged daemon's default address");
        asInstaller("list").expect(0, "No instances found.\n", "", "the installer's `list`");
        Outcome trust = asInstaller("trust", "list", "--format", "csv");
        assertEquals(0, trust.exitCode(), "trust list" + trust);
        assertTrue(trust.stdout().contains("," + installer.name() + ",") && trust.stdout().contains(",installer,"),
                "the store holds the installer, admitted by the installer enrolment" + trust);
        assertEquals(143, daemon.stop(Duration.ofSeconds(30)), "the daemon's exit status after SIGTERM" + daemon.log());
        daemon = null;
        assertFalse(Files.exists(SOCKET, LinkOption.NOFOLLOW_LINKS), "the stopped daemon removed its socket");
    }

    @Test
    @Order(4)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("4. dpkg -r removes every shipped file and the archive, keeping only /var/lib/multipassd and the enablement")
    void removes() throws IOException, InterruptedException {
        Outcome removed = dpkg("-r", PACKAGE);
        assertEquals(0, removed.exitCode(), "dpkg -r" + removed);
        for (String file : FILES) {
            assertFalse(Files.exists(Path.of(file), LinkOption.NOFOLLOW_LINKS), file + " is removed");
        }
        for (String dir : List.of("/usr/lib/multipass", "/usr/share/multipass", "/usr/share/doc/multipass-java")) {
            assertFalse(Files.exists(Path.of(dir), LinkOption.NOFOLLOW_LINKS), dir + " is removed (nothing left in it)" + removed);
        }
        assertTrue(Files.isDirectory(STATE), STATE + " (trust store, settings, CA) is kept until purge");
        if (Processes.find("deb-systemd-helper").isPresent()) {
            assertTrue(Files.isSymbolicLink(ENABLED), ENABLED + " (the administrator's choice to enable it) is kept until purge");
        }
    }

    @Test
    @Order(5)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("5. dpkg -P removes the state and the enablement: nothing is left")
    void purges() throws IOException, InterruptedException {
        Outcome purged = dpkg("-P", PACKAGE);
        assertEquals(0, purged.exitCode(), "dpkg -P" + purged);
        assertFalse(Files.exists(STATE, LinkOption.NOFOLLOW_LINKS), STATE + " is removed by purge");
        assertFalse(Files.exists(ENABLED, LinkOption.NOFOLLOW_LINKS), ENABLED + " is removed by purge");
        assertFalse(isInstalled(), "dpkg no longer knows the package");
    }

    private Outcome asInstaller(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", installer.name(), "--", "env", "-i", "PATH=" + TOOL_PATH,
                "HOME=" + installer.home(), "USER=" + installer.name(), "LOGNAME=" + installer.name(), "/usr/bin/multipass"));
        command.addAll(List.of(args));
        return processes.run(installer.toString(), command, Map.of("PATH", TOOL_PATH), installer.home(), null);
    }

    private Outcome dpkg(String action, String name) throws IOException, InterruptedException {
        return processes.run("root", List.of("dpkg", action, name), Map.of("PATH", TOOL_PATH, "LC_ALL", "C.UTF-8"), Path.of("/"), null);
    }

    private boolean userExists(String name) throws IOException, InterruptedException {
        return processes.run("root", List.of("getent", "passwd", name), Map.of("PATH", TOOL_PATH), Path.of("/"), null).exitCode() == 0;
    }

    /** True while dpkg has any record of the package (installed, or removed with its state). */
    private boolean isInstalled() throws IOException, InterruptedException {
        Outcome status = processes.run("root", List.of("dpkg-query", "-W", "-f=${db:Status-Status}", PACKAGE), Map.of("PATH", TOOL_PATH),
                Path.of("/"), null);
        return status.exitCode() == 0 && !status.stdout().isBlank() && !status.stdout().strip().equals("not-installed");
    }

    private List<String> shippedFiles() throws IOException, InterruptedException {
        Outcome listed = processes.run("root", List.of("dpkg", "-L", PACKAGE), Map.of("PATH", TOOL_PATH), Path.of("/"), null);
        assertEquals(0, listed.exitCode(), "dpkg -L" + listed);
        return listed.stdout().lines().filter(line -> !Files.isDirectory(Path.of(line))).sorted().toList();
    }
}
