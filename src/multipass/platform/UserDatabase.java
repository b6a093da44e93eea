// SPDX-License-Identifier: Apache-2.0
package multipass.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Looks up users and groups in {@code /etc/passwd} and {@code /etc/group} (or the files of a
 * test's fake root). Read afresh on every call, so users and groups made after the daemon
 * started are seen. Thread-safe.
 */
public final class UserDatabase {
    /** One {@code /etc/passwd} entry. */
    public record User(String name, long uid, long gid, Path home) {
    }

    /** One {@code /etc/group} entry. */
    public record Group(String name, long gid, List<String> members) {
    }

    private final Path passwd;
    private final Path group;

    public UserDatabase(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    /** The system's database. */
    public static UserDatabase system() {
        return new UserDatabase(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    /** The user called {@code name}. */
    public Optional<User> user(String name) throws IOException {
        return users().stream().filter(u -> u.name().equals(name)).findFirst();
    }

    /** The user with {@code uid}. */
    public Optional<User> user(long uid) throws IOException {
        return users().stream().filter(u -> u.uid() == uid).findFirst();
    }

    /** The group called {@code name}. */
    public Optional<Group> group(String name) throws IOException {
        return groups().stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /** True when {@code user} has {@code group} as primary group or is listed as a member. */
    public boolean isMember(User user, Group group) {
        return user.gid() == group.gid() || group.members().contains(user.name());
    }

    private List<User> users() throws IOException {
        return lines(passwd).stream().map(line -> line.split(":", -1)).filter(f -> f.length >= 7 && numeric(f[2]) && numeric(f[3]))
                .map(f -> new User(f[0], Long.parseLong(f[2]), Long.parseLong(f[3]), Path.of(f[5].isEmpty() ? "/" : f[5]))).toList();
    }

    private List<Group> groups() throws IOException {
        return lines(group).stream().map(line -> line.split(":", -1)).filter(f -> f.length >= 4 && numeric(f[2]))
                .map(f -> new Group(f[0], Long.parseLong(f[2]), f[3].isEmpty() ? List.of() : Arrays.asList(f[3].split(",")))).toList();
    }

    private static List<String> lines(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private static boolean numeric(String text) {
        return !text.isEmpty() && text.length() < 19 && text.chars().allMatch(Character::isDigit);
    }
}
