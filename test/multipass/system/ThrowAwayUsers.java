// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real OS users and groups made for one test run, with unique random names ({@code mpt-xxxxxxxx})
 * so that nothing existing is touched, and all removed by {@link #removeAll()} (users with their
 * homes and the JVM files they left in /tmp, then groups), which tries every removal even when
 * one fails. Needs root.
 */
final class ThrowAwayUsers {
    /** One created user; {@code role} names it in test messages. */
    record User(String role, String name, long uid, Path home) {
        /** Where the client keeps this user's identity (SPEC section 2), with no {@code $XDG_DATA_HOME} set. */
        Path identityDir() {
            return home.resolve(".local/share/multipass-client-certificate");
        }

        @Override
        public String toString() {
            return role + " (" + name + ")";
        }
    }

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Processes processes;
    private final List<String> users = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();

    ThrowAwayUsers(Processes processes) {
        this.processes = processes;
    }

    /** A random string of {@code length} lower-case letters and digits. */
    static String randomText(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    /** Creates a group; returns its name. */
    String createGroup() throws IOException, InterruptedException {
        String name = "mpt-" + randomText(8);
        processes.runOrFail(List.of("groupadd", name));
        groups.add(name);
        return name;
    }

    /** Creates a user with a home directory, member of {@code supplementaryGroups}; {@code role} is for messages. */
    User createUser(String role, String... supplementaryGroups) throws IOException, InterruptedException {
        String name = "mpt-" + randomText(8);
        List<String> command = new ArrayList<>(List.of("useradd", "--create-home", "--shell", "/bin/sh"));
        if (supplementaryGroups.length > 0) {
            command.add("--groups");
            command.add(String.join(",", supplementaryGroups));
        }
        command.add(name);
        processes.runOrFail(command);
        users.add(name);
        String[] passwd = processes.runOrFail(List.of("getent", "passwd", name)).stdout().strip().split(":");
        if (passwd.length < 6) {
            throw new IOException("unexpected getent passwd entry for " + name + ": " + String.join(":", passwd));
        }
        return new User(role, name, Long.parseLong(passwd[2]), Path.of(passwd[5]));
    }

    /** Removes every user (with its home) and group created, in reverse order. */
    void removeAll() throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        for (int i = users.size() - 1; i >= 0; i--) {
            remove(List.of("userdel", "--remove", users.get(i)), failures);
            removeJvmLeftovers(users.get(i), failures);
        }
        for (int i = groups.size() - 1; i >= 0; i--) {
            remove(List.of("groupdel", groups.get(i)), failures);
        }
        users.clear();
        groups.clear();
        if (!failures.isEmpty()) {
            throw new IOException("cleanup of throw-away users/groups failed:\n" + String.join("\n", failures));
        }
    }

    /** The JVMs a user ran leave {@code /tmp/hsperfdata_<user>} behind (performance data, HotSpot's own fixed path). */
    private static void removeJvmLeftovers(String user, List<String> failures) {
        Path dir = Path.of("/tmp", "hsperfdata_" + user);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) { // does not follow symbolic links
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            failures.add("cannot remove " + dir + ": " + e);
        }
    }

    private void remove(List<String> command, List<String> failures) throws InterruptedException {
        try {
            processes.runOrFail(command);
        } catch (IOException e) {
            failures.add(e.getMessage());
        }
    }
}
