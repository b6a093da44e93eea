// SPDX-License-Identifier: Apache-2.0
package multipass.settings;

import java.io.IOException;
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
    /** The environment variable that overrides the setting for one command. */
    public static final String VARIABLE = "MULTIPASS_PERSIST";
    /** The longest a warm client may wait for a command. */
    public static final Duration MAX = Duration.ofHours(24);

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
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        if (value.length() < 2 || value.length() > 7 || value.charAt(0) == '0' || !digits(value, value.length() - 1)) {
            throw invalid(value);
        }
        long n = Long.parseLong(value.substring(0, value.length() - 1));
        Duration duration = switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw invalid(value);
        };
        if (duration.compareTo(MAX) > 0) {
            throw invalid(value);
        }
        return duration;
    }

    /** Whether the first {@code count} characters of {@code value} are ASCII digits (a loop: read at every CLI start). */
    private static boolean digits(String value, int count) {
        for (int i = 0; i < count; i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException invalid(String value) {
        return new IllegalArgumentException("Invalid value '" + value + "' for client.persist: use 0 (off) or a whole number of seconds,"
                + " minutes or hours from 1s to 24h, such as 30s, 10m or 1h");
    }

    /**
     * The persist time for one command: {@code MULTIPASS_PERSIST} when set (a bad value there
     * turns it off: a typo in the environment must not change any result), else the setting.
     */
    public static Duration effective(String variable, Path configFile) {
        if (variable != null && !variable.isEmpty()) {
            return orOff(variable);
        }
        return configured(configFile);
    }

    /** The setting in {@code configFile}; off when absent, unreadable or not a valid value. */
    public static Duration configured(Path configFile) {
        String value;
        try {
            value = ClientSettings.open(configFile).get(SettingKeys.PERSIST);
        } catch (IOException e) {
            return Duration.ZERO; // unreadable: go direct, which gives the same results
        }
        return orOff(value);
    }

    /** The duration {@code value} means, or off when it is not valid (parsed once). */
    private static Duration orOff(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            return Duration.ZERO;
        }
    }
}
