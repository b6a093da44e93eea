// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.system.ThrowAwayUsers.User;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reproducible builds (issue 12, item 2): the commit under test, cloned twice into
 * directories of different names and depths, built with {@code make all deb rpm} under a
 * different time zone, umask and locale each, at different times and (as root) by different
 * users (root, and a throw-away user owning the second clone), gives bit-identical
 * {@code multipass.jar}, {@code .deb} and {@code .rpm}. SOURCE_DATE_EPOCH is unset, so both
 * take the commit's time. {@code diffoscope} on the two build/ directories explains a
 * difference. Needs git, dpkg-deb and rpmbuild (skipped without them, failed in CI).
 */
@DisplayName("reproducible builds: two clones, two users, two time zones, umasks and locales give the same jar, .deb and .rpm")
class ReproducibleBuildSystemTest {
    private Path scratch;
    private Processes processes;
    private ThrowAwayUsers accounts;

    @AfterEach
    void cleanUp() throws IOException, InterruptedException {
        if (accounts != null) {
            accounts.removeAll();
        }
        if (scratch != null) {
            PackagingTools.removeTree(scratch);
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void twoBuildsOfOneCommitAreIdentical() throws IOException, InterruptedException {
        PackagingTools.tool("git", "git");
        PackagingTools.tool("dpkg-deb", "dpkg");
        PackagingTools.tool("rpmbuild", "rpm");
        Path repository = PackagingTools.repository();
        scratch = Files.createTempDirectory(Path.of("/tmp"), "mpt-repro-");
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        processes = new Processes(Files.createDirectory(scratch.resolve("output")), Duration.ofMinutes(15));
        Path first = scratch.resolve("a");
        Path second = scratch.resolve("a-much-longer-directory-name/and/deeper");
        clone(repository, first);
        clone(repository, second);
        build(first, null, "UTC", "022", "C");
        User builder = null;
        if (FileFacts.isRoot()) {
            accounts = new ThrowAwayUsers(processes);
            builder = accounts.createUser("builder");
            processes.runOrFail(List.of("chown", "-R", builder.name(), scratch.resolve("a-much-longer-directory-name").toString()));
        }
        build(second, builder, "Pacific/Kiritimati", "077", "C.UTF-8");
        Map<String, String> a = digests(first.resolve("build"));
        Map<String, String> b = digests(second.resolve("build"));
        System.out.println("sha256 of the first build:  " + a + "\nsha256 of the second build: " + b);
        assertEquals(3, a.size(), "the jar, the .deb and the .rpm were built: " + a);
        assertEquals(a, b, "two builds of one commit (diffoscope " + first.resolve("build") + " " + second.resolve("build") + " says why)");
    }

    private void clone(Path repository, Path into) throws IOException, InterruptedException {
        Files.createDirectories(into.getParent());
        processes.runOrFail(List.of("git", "-c", "safe.directory=*", "clone", "--quiet", "--no-hardlinks", repository.toString(), into.toString()));
    }

    /** {@code make all deb rpm} in {@code tree}, as {@code user} (null: this process's user), under the given TZ, umask and locale. */
    private void build(Path tree, User user, String zone, String umask, String locale) throws IOException, InterruptedException {
        Map<String, String> environment = new LinkedHashMap<>(PackagingTools.environment(user == null ? scratch : user.home()));
        environment.put("TZ", zone);
        environment.put("LC_ALL", locale);
        List<String> command = new ArrayList<>();
        if (user != null) {
            command.addAll(List.of("runuser", "-u", user.name(), "--", "env", "-i"));
            environment.forEach((key, value) -> command.add(key + "=" + value));
        }
        command.addAll(List.of("sh", "-c", "umask " + umask + " && exec make --no-print-directory all deb rpm"));
        Outcome built = processes.run(user == null ? "this user" : user.toString(), command, environment, tree, null);
        assertEquals(0, built.exitCode(), "make all deb rpm in " + tree + built);
    }

    /** The sha256 of the jar, the .deb and the .rpm in {@code build}, by file name. */
    private static Map<String, String> digests(Path build) throws IOException {
        Map<String, String> digests = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(build)) {
            for (Path file : files.filter(p -> p.getFileName().toString().matches("multipass\\.jar|.*\\.deb|.*\\.rpm")).sorted().toList()) {
                digests.put(file.getFileName().toString(), sha256(Files.readAllBytes(file)));
            }
        }
        return digests;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
