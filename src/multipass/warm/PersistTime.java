// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The values of {@code client.persist}: {@code 0} (off, the default) or one whole number and
 * one unit, {@code s}, {@code m} or {@code h}, from 1 second to 24 hours ({@code 30s},
 * {@code 10m}, {@code 1h}). No combinations ({@code 1h30m}: write {@code 90m}), no fractions,
 * no other units: one obvious spelling per value. Stateless.
 */
public final class PersistTime {
    /** The settings key. */
    public static final String KEY = "client.persist";
    /** The environment variable that overrides the setting for one command. */
    public static final String VARIABLE = "MULTIPASS_PERSIST";
    /** The longest a warm client may wait for a command. */
    static final Duration MAX = Duration.ofHours(24);

    private PersistTime() {
    }

    /** What is wrong with {@code value}, if anything, in words that say what to write instead. */
    public static Optional<String> problem(String value) {
        try {
            parse(value);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The duration {@code value} means; {@link Duration#ZERO} is off. */
    public static Duration parse(String value) {
        String bad = "Invalid value '" + value + "' for " + KEY + ": use 0 (off) or a whole number of seconds, minutes or hours"
                + " from 1s to 24h, such as 30s, 10m or 1h";
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        if (value.length() < 2 || value.length() > 7 || !value.substring(0, value.length() - 1).chars().allMatch(c -> c >= '0' && c <= '9')
                || value.charAt(0) == '0') {
            throw new IllegalArgumentException(bad);
        }
        long n = Long.parseLong(value.substring(0, value.length() - 1));
        Duration duration = switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException(bad);
        };
        if (duration.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(bad);
        }
        return duration;
    }

    /**
     * The persist time for one command: {@code MULTIPASS_PERSIST} when set (a bad value there
     * turns it off: a typo in the environment must not change any result), else the setting.
     */
    public static Duration effective(String variable, Path configFile) {
        if (variable != null && !variable.isEmpty()) {
            return problem(variable).isPresent() ? Duration.ZERO : parse(variable);
        }
        return configured(configFile);
    }

    /** The setting in {@code configFile}; off when absent, unreadable or not a valid value. */
    static Duration configured(Path configFile) {
        String value = ConfigValue.read(configFile, KEY);
        return value == null || problem(value).isPresent() ? Duration.ZERO : parse(value);
    }

    /** Reads one {@code [General]} key of an INI file (until the settings registry's reader is here). */
    static final class ConfigValue {
        private ConfigValue() {
        }

        static String read(Path file, String key) {
            try {
                String section = "";
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String trimmed = line.strip();
                    if (trimmed.startsWith("[")) {
                        section = trimmed;
                    } else if (section.equals("[General]") && trimmed.startsWith(key + "=")) {
                        return trimmed.substring(key.length() + 1).strip();
                    }
                }
                return null;
            } catch (NoSuchFileException e) {
                return null; // no file: every setting has its default
            } catch (IOException e) {
                return null; // unreadable: go direct, which gives the same results
            }
        }
    }
}
