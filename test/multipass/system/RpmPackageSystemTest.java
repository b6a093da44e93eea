// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RPM (issue 12, item 3), built for real with {@code make rpm} (Debian's rpmbuild) and
 * inspected with rpm's own queries, never installed (this is a Debian machine): the files it
 * holds are the .deb's, at the Fedora family's paths; it requires a Java 17+ headless runtime
 * and the tools its scriptlets use; the socket belongs to the group {@code wheel}; the
 * scriptlets create the system user, enable the socket, make the class-data archive and
 * remove it; rpmlint (with packaging/rpm/rpmlint.toml) reports no error. Needs rpmbuild,
 * rpm2cpio, cpio and rpmlint: skipped without them, failed in CI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("make rpm: the RPM holds the .deb's files, requires Java 17+, enables the socket; rpmlint finds no error")
class RpmPackageSystemTest {
    private static final String TOOL_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";
    /** The files (not directories) the RPM holds, as {@code rpm -qlp} lists them with directories left out. */
    private static final List<String> FILES = List.of("/usr/bin/multipass", "/usr/lib/multipass/client.jsa",
            "/usr/lib/multipass/make-cds-archive", "/usr/lib/systemd/system/multipassd.service", "/usr/lib/systemd/system/multipassd.socket",
            "/usr/lib/sysusers.d/multipassd.conf", "/usr/sbin/multipassd", "/usr/share/bash-completion/completions/multipass",
            "/usr/share/doc/multipass-java/README.md", "/usr/share/licenses/multipass-java/LICENSE", "/usr/share/man/man1/multipass.1.gz",
            "/usr/share/man/man8/multipassd.8.gz", "/usr/share/multipass/multipass.jar");

    private Path repository;
    private Path scratch;
    private Processes processes;
    private Path rpm;

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void build() throws IOException, InterruptedException {
        PackagingTools.tool("rpmbuild", "rpm");
        PackagingTools.tool("rpm2cpio", "rpm");
        PackagingTools.tool("cpio", "cpio");
        repository = PackagingTools.repository();
        scratch = Files.createTempDirectory(Path.of("/tmp"), "mpt-rpm-");
        processes = new Processes(Files.createDirectory(scratch.resolve("output")), Duration.ofMinutes(8));
        Outcome made = processes.run("builder", List.of("make", "--no-print-directory", "-C", repository.toString(), "rpm"),
                PackagingTools.environment(scratch), scratch, null);
        assertEquals(0, made.exitCode(), "make rpm" + made);
        try (Stream<Path> built = Files.list(repository.resolve("build"))) {
            rpm = built.filter(p -> p.getFileName().toString().matches("multipass-java-.*-1\\.noarch\\.rpm")).findFirst().orElseThrow();
        }
    }

    @AfterAll
    void cleanUp() throws IOException {
        if (scratch != null) {
            FileFacts.deleteTree(scratch);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("its files are the .deb's, at /usr/lib/systemd/system; the archive is a ghost; every file is root's")
    void holdsTheDebsFiles() throws IOException, InterruptedException {
        List<String> listed = rpmQuery("-qlp").lines().toList();
        List<String> dirs = rpmQuery("-qp", "--qf", "[%{FILENAMES} %{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME}\\n]").lines()
                .filter(line -> line.contains(" d")).map(line -> line.substring(0, line.indexOf(' '))).toList();
        assertEquals(FILES, listed.stream().filter(path -> !dirs.contains(path)).sorted().toList(), "the RPM's files");
        assertEquals(List.of("/usr/lib/multipass", "/usr/share/multipass"), dirs, "the directories it owns");
        assertTrue(rpmQuery("-qp", "--qf", "[%{FILEUSERNAME}:%{FILEGROUPNAME}\\n]").lines().allMatch("root:root"::equals), "owned by root");
        assertEquals("/usr/lib/multipass/client.jsa\n", rpmQuery("-qp", "--qf", "[%{FILENAMES} %{FILEFLAGS:fflags}\\n]").lines()
                .filter(line -> line.endsWith(" g")).map(line -> line.substring(0, line.indexOf(' ')) + "\n").reduce("", String::concat),
                "the class-data archive is a %ghost: made by %post, removed with the package");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("it requires java-headless >= 1:17 and the tools its scriptlets run; License: Apache-2.0")
    void requirements() throws IOException, InterruptedException {
        List<String> requires = rpmQuery("-qpR").lines().map(String::strip).toList();
        assertTrue(requires.contains("java-headless >= 1:17"), "a Java 17+ headless runtime: " + requires);
        assertTrue(requires.contains("shadow-utils") && requires.contains("coreutils"), "useradd/groupadd and install: " + requires);
        assertEquals("Apache-2.0 noarch reproducible", rpmQuery("-qp", "--qf", "%{LICENSE} %{ARCH} %{BUILDHOST}").strip());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("the units: socket group wheel, mode 0660, owner multipassd; the service runs as multipassd; the scriptlets enable the socket")
    void unitsAndScriptlets() throws IOException, InterruptedException {
        Path tree = Files.createDirectory(scratch.resolve("tree"));
        processes.run("root", List.of("sh", "-c", "rpm2cpio \"$1\" | cpio -idm --quiet", "sh", rpm.toString()), Map.of("PATH", TOOL_PATH), tree, null)
                .expect(0, "", "", "rpm2cpio | cpio");
        String socket = Files.readString(tree.resolve("usr/lib/systemd/system/multipassd.socket"));
        for (String line : List.of("ListenStream=/run/multipass_socket", "SocketUser=multipassd", "SocketGroup=wheel", "SocketMode=0660")) {
            assertTrue(socket.lines().anyMatch(line::equals), line + " in\n" + socket);
        }
        String service = Files.readString(tree.resolve("usr/lib/systemd/system/multipassd.service"));
        for (String line : List.of("User=multipassd", "StandardInput=socket", "CapabilityBoundingSet=",
                "ExecStart=/usr/sbin/multipassd --address unix:/run/multipass_socket --data-dir /var/lib/multipassd --admin-group wheel")) {
            assertTrue(service.lines().anyMatch(line::equals), line + " in\n" + service);
        }
        String scripts = rpmQuery("-qp", "--scripts");
        for (String expected : List.of("useradd -r -g multipassd -d /var/lib/multipassd", "systemctl enable multipassd.socket multipassd.service",
                "/usr/lib/multipass/make-cds-archive", "rm -f /usr/lib/multipass/client.jsa", "disable --now multipassd.socket multipassd.service")) {
            assertTrue(scripts.contains(expected), "the scriptlets run `" + expected + "`:\n" + scripts);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("rpmlint reports no error")
    void rpmlintFindsNoError() throws IOException, InterruptedException {
        Path rpmlint = PackagingTools.tool("rpmlint", "rpmlint");
        Outcome linted = processes.run("root", List.of(rpmlint.toString(), "-c", repository.resolve("packaging/rpm/rpmlint.toml").toString(),
                rpm.toString()), Map.of("PATH", TOOL_PATH, "LC_ALL", "C.UTF-8", "HOME", scratch.toString()), scratch, null);
        System.out.println("rpmlint " + rpm.getFileName() + ":\n" + linted.stdout());
        assertTrue(linted.stdout().lines().noneMatch(line -> line.contains(": E: ")), "rpmlint errors" + linted);
        assertTrue(linted.stdout().contains(" 0 errors,"), "rpmlint's summary" + linted);
        assertEquals(0, linted.exitCode(), "rpmlint's exit status" + linted);
    }

    private String rpmQuery(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("rpm"));
        command.addAll(List.of(args));
        command.add(rpm.toString());
        Outcome outcome = processes.run("root", command, Map.of("PATH", TOOL_PATH, "LC_ALL", "C.UTF-8", "HOME", scratch.toString()), scratch, null);
        assertEquals(0, outcome.exitCode(), "rpm query" + outcome);
        return outcome.stdout();
    }
}
