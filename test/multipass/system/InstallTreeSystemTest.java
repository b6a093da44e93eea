// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.api.BuildInfo;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code make install} and what it installs (issue 7), run for real: the exact tree under
 * {@code DESTDIR} (every path with its type and mode), the staged launchers running
 * {@code help} and {@code version}, forwarding exit codes and signals and refusing a missing or
 * too old Java, the manual pages rendering without a groff warning, the bash completion
 * completing, the scripts passing shellcheck, {@code make uninstall}, and an install without
 * DESTDIR making a class-data-sharing archive that the JVM really maps. Needs make (and man,
 * bash, shellcheck for their steps); no root. The steps share one temp dir, removed at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("make install: the installed tree, launchers, manual pages and completion")
class InstallTreeSystemTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    private static final String FILE = "-rw-r--r--";
    private static final String SCRIPT = "-rwxr-xr-x";
    private static final String DIR = "drwxr-xr-x";
    /** Every path {@code make install DESTDIR=...} creates under DESTDIR, with its mode. */
    private static final Map<String, String> TREE = expectedTree();

    @RegisterExtension
    final OrderedSteps steps = new OrderedSteps();

    private Path repository;
    private Path scratch;
    private Path destdir;
    private Path prefix;
    private Processes processes;
    private Map<String, String> environment;
    private final List<DaemonProcess> daemons = new ArrayList<>();

    @BeforeAll
    void setUp() throws IOException {
        repository = PackagingTools.repository();
        PackagingTools.tool("make", "make");
        scratch = Files.createTempDirectory(Path.of("/tmp"), "mpt-install-");
        destdir = scratch.resolve("dest");
        prefix = scratch.resolve("prefix");
        processes = new Processes(Files.createDirectory(scratch.resolve("output")), TIMEOUT);
        environment = PackagingTools.environment(Files.createDirectory(scratch.resolve("home")));
    }

    @AfterAll
    void tearDown() throws IOException, InterruptedException {
        for (DaemonProcess daemon : daemons) {
            daemon.shutDown();
        }
        if (scratch != null) {
            // A JVM that a broken launcher failed to exec (step 3) outlives its shell: find it by our unique path.
            ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(line -> line.contains(scratch.toString())).orElse(false))
                    .forEach(ProcessHandle::destroyForcibly);
        }
        FileFacts.deleteTree(scratch);
    }

    @Test
    @Order(1)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    @DisplayName("1. make install DESTDIR=... installs exactly the expected files, with their modes")
    void installsTheExpectedTree() throws IOException, InterruptedException {
        make("install", "DESTDIR=" + destdir);
        assertEquals(TREE, tree(destdir), "the tree under DESTDIR (path: mode)");
    }

    @Test
    @Order(2)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("2. the staged launchers run help and version, and forward exit codes")
    void launchersRun() throws IOException, InterruptedException {
        String jar = repository.resolve("build/multipass.jar").toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Outcome help = launch("bin/multipass", Map.of(), "help");
        help.expect(0, run(List.of(java, "-jar", jar, "help"), Map.of()).stdout(), "", "multipass help");
        Outcome daemonHelp = launch("sbin/multipassd", Map.of(), "--help");
        daemonHelp.expect(0, run(List.of(java, "-jar", jar, "daemon", "--help"), Map.of()).stdout(), "", "multipassd --help");
        Map<String, String> nowhere = Map.of("MULTIPASS_SERVER_ADDRESS", "unix:" + scratch.resolve("no-daemon-here"));
        launch("bin/multipass", nowhere, "version").expect(2, "multipass  " + BuildInfo.VERSION + "\n",
                "version failed: cannot connect to the multipass socket\n", "multipass version with no daemon");
        launch("bin/multipass", Map.of(), "frobnicate").expect(1, "",
                "Unknown command or alias 'frobnicate' (try \"multipass help\")\n", "an unknown command");
    }

    @Test
    @Order(3)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("3. the daemon launcher execs Java: SIGTERM reaches the JVM, which removes its socket")
    void daemonLauncherForwardsSignals() throws IOException, InterruptedException {
        Path run = Files.createDirectory(scratch.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socket = run.resolve("socket");
        List<String> command = List.of(destdir.resolve("usr/local/sbin/multipassd").toString(), "--address", "unix:" + socket,
                "--data-dir", run.resolve("data").toString());
        DaemonProcess daemon = DaemonProcess.start(command, environment, scratch.resolve("daemon.log"), Duration.ofMinutes(2));
        daemons.add(daemon);
        assertEquals("unix:" + socket, daemon.address(), "the address the daemon printed");
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the daemon's socket exists");
        // If the launcher had not exec'd, SIGTERM would stop the shell and leave the JVM running.
        int code = daemon.stop(Duration.ofSeconds(30));
        assertEquals(143, code, "exit status after SIGTERM (128 + 15, from the JVM)" + daemon.log());
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the JVM got SIGTERM and removed its socket");
    }

    @Test
    @Order(4)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("4. the launcher refuses a JAVA_HOME without java, and a Java older than 17, with exit 127")
    void launcherRefusesUnusableJava() throws IOException, InterruptedException {
        Path none = scratch.resolve("no-java");
        Outcome missing = launch("bin/multipass", Map.of("JAVA_HOME", none.toString()), "version");
        missing.expect(127, "", "multipass: JAVA_HOME is '" + none + "', which has no bin/java: point JAVA_HOME at a Java 17"
                + " or newer runtime, or unset it\n", "JAVA_HOME without bin/java");
        Path old = Files.createDirectories(scratch.resolve("java-11/bin"));
        Files.writeString(old.resolve("java"), "#!/bin/sh\necho 'this Java must not be run' >&2\nexit 99\n");
        Files.setPosixFilePermissions(old.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(old.getParent().resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"11.0.22\"\n");
        Outcome tooOld = launch("bin/multipass", Map.of("JAVA_HOME", old.getParent().toString()), "version");
        tooOld.expect(127, "", "multipass: " + old.resolve("java") + " is Java 11.0.22; multipass needs Java 17 or newer: install one"
                + " (apt-get install openjdk-17-jre-headless) or point JAVA_HOME at it\n", "a Java 11 runtime");
    }

    @Test
    @Order(5)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("5. man -l renders multipass(1) and multipassd(8) without warnings")
    void manualPagesRender() throws IOException, InterruptedException {
        Path man = PackagingTools.tool("man", "man-db");
        for (String page : List.of("usr/local/share/man/man1/multipass.1", "usr/local/share/man/man8/multipassd.8")) {
            Map<String, String> env = new HashMap<>(environment);
            env.put("MANWIDTH", "80");
            Outcome rendered = run(List.of(man.toString(), "--warnings", "-l", destdir.resolve(page).toString()), env);
            assertAll(page + rendered,
                    () -> assertEquals(0, rendered.exitCode(), "exit code"),
                    () -> assertEquals("", rendered.stderr(), "warnings"),
                    () -> assertTrue(rendered.stdout().contains("multipass") && rendered.stdout().contains("--help"), "the text"));
        }
    }

    @Test
    @Order(6)
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    @DisplayName("6. the bash completion completes commands, options, settings keys and formats")
    void bashCompletionCompletes() throws IOException, InterruptedException {
        Path bash = PackagingTools.tool("bash", "bash");
        String script = destdir.resolve("usr/local/share/bash-completion/completions/multipass").toString();
        String check = "source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _multipass;"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"";
        Map<String, List<String>> cases = new TreeMap<>(Map.of(
                "multipass au", List.of("authenticate", "auth"),
                "multipass -v li", List.of("list"),
                "multipass get ", List.of("client.persist", "local.passphrase"),
                "multipass set local", List.of("local.passphrase="),
                "multipass list --format j", List.of("json"),
                "multipass trust ", List.of("status", "list", "remove"),
                "multipass help ver", List.of("version"),
                "multipass version --h", List.of("--help")));
        for (Map.Entry<String, List<String>> entry : cases.entrySet()) {
            List<String> command = new ArrayList<>(List.of(bash.toString(), "--norc", "-c", check, "check", script));
            command.addAll(List.of(entry.getKey().split(" ", -1)));
            Outcome completed = run(command, environment);
            assertEquals(String.join("\n", entry.getValue()) + "\n", completed.stdout(), "completions of '" + entry.getKey() + "'" + completed);
        }
    }

    @Test
    @Order(7)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("7. the launcher, maintainer scripts and completion pass shellcheck")
    void scriptsPassShellcheck() throws IOException, InterruptedException {
        Path shellcheck = PackagingTools.tool("shellcheck", "shellcheck");
        List<String> command = new ArrayList<>(List.of(shellcheck.toString()));
        for (String script : List.of("packaging/launcher.sh", "packaging/make-cds-archive.sh", "packaging/build-deb.sh",
                "packaging/debian/postinst", "packaging/debian/prerm", "packaging/debian/postrm")) {
            command.add(repository.resolve(script).toString());
        }
        run(command, environment).expect(0, "", "", "shellcheck of the sh scripts");
        String completion = destdir.resolve("usr/local/share/bash-completion/completions/multipass").toString();
        run(List.of(shellcheck.toString(), "--shell=bash", completion), environment).expect(0, "", "", "shellcheck of the completion");
    }

    @Test
    @Order(8)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("8. make uninstall DESTDIR=... removes every installed file")
    void uninstallRemovesEverything() throws IOException, InterruptedException {
        make("uninstall", "DESTDIR=" + destdir);
        Map<String, String> left = tree(destdir);
        assertTrue(left.values().stream().allMatch(DIR::equals), "only directories are left: " + left);
    }

    @Test
    @Order(9)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    @DisplayName("9. make install without DESTDIR makes a CDS archive that the client's JVM maps; uninstall removes it")
    void installMakesAClassDataSharingArchive() throws IOException, InterruptedException {
        make("install", "PREFIX=" + prefix);
        Path archive = prefix.resolve("lib/multipass/client.jsa");
        assertTrue(Files.isRegularFile(archive), "make install made " + archive);
        Path log = scratch.resolve("class-load.log");
        Outcome help = run(List.of(prefix.resolve("bin/multipass").toString(), "help"),
                with("MULTIPASS_JAVA_OPTS", "-Xlog:class+load=info:file=" + log));
        assertEquals(0, help.exitCode(), "multipass help" + help);
        assertTrue(Files.readString(log, StandardCharsets.UTF_8).contains("multipass.Main source: shared objects file"),
                "the JVM loaded multipass.Main from the archive " + archive);
        make("uninstall", "PREFIX=" + prefix);
        Map<String, String> left = tree(prefix);
        assertTrue(left.values().stream().allMatch(DIR::equals), "only directories are left: " + left);
    }

    // --- helpers ---------------------------------------------------------------------

    private static Map<String, String> expectedTree() {
        Map<String, String> tree = new TreeMap<>();
        for (String dir : List.of("usr", "usr/local", "usr/local/bin", "usr/local/sbin", "usr/local/lib", "usr/local/lib/multipass",
                "usr/local/lib/systemd", "usr/local/lib/systemd/system", "usr/local/lib/sysusers.d", "usr/local/share", "usr/local/share/multipass",
                "usr/local/share/man", "usr/local/share/man/man1", "usr/local/share/man/man8", "usr/local/share/bash-completion",
                "usr/local/share/bash-completion/completions")) {
            tree.put(dir, DIR);
        }
        tree.put("usr/local/bin/multipass", SCRIPT);
        tree.put("usr/local/sbin/multipassd", SCRIPT);
        tree.put("usr/local/lib/multipass/make-cds-archive", SCRIPT);
        tree.put("usr/local/lib/systemd/system/multipassd.service", FILE);
        tree.put("usr/local/lib/systemd/system/multipassd.socket", FILE);
        tree.put("usr/local/lib/sysusers.d/multipassd.conf", FILE);
        tree.put("usr/local/share/multipass/multipass.jar", FILE);
        tree.put("usr/local/share/man/man1/multipass.1", FILE);
        tree.put("usr/local/share/man/man8/multipassd.8", FILE);
        tree.put("usr/local/share/bash-completion/completions/multipass", FILE);
        return Map.copyOf(tree);
    }

    /** Every path under {@code root} (relative) with {@code ls -l}'s type and mode. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.filter(p -> !p.equals(root)).toList()) {
                String type = Files.isSymbolicLink(path) ? "l" : Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "d" : "-";
                tree.put(root.relativize(path).toString(),
                        type + PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)));
            }
        }
        return tree;
    }

    /** Runs make in the source tree (umask 022, as a packager's build would), and fails unless it exits 0. */
    private void make(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "umask 022 && exec make --no-print-directory -C \"$0\" \"$@\"",
                repository.toString()));
        command.addAll(List.of(arguments));
        Outcome made = run(command, environment);
        assertEquals(0, made.exitCode(), "make " + String.join(" ", arguments) + made);
    }

    /** Runs a staged launcher ({@code bin/multipass}, {@code sbin/multipassd}) with extra environment. */
    private Outcome launch(String launcher, Map<String, String> extra, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(destdir.resolve("usr/local").resolve(launcher).toString()));
        command.addAll(List.of(arguments));
        Map<String, String> env = new HashMap<>(environment);
        env.putAll(extra);
        return run(command, env);
    }

    private Map<String, String> with(String name, String value) {
        Map<String, String> env = new HashMap<>(environment);
        env.put(name, value);
        return env;
    }

    private Outcome run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        return processes.run("this user", command, env, scratch, null);
    }
}
