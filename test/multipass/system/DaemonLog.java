// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;

/**
 * A daemon's stderr log, read line by line. Lines look like
 * {@code [2026-11-26T15:00:00.123Z] [info] [Authorizer] message} (DaemonLogging).
 */
record DaemonLog(List<String> lines) {
    static DaemonLog of(String text) {
        return new DaemonLog(text.lines().toList());
    }

    /** The lines that contain every one of {@code parts}. */
    List<String> with(String... parts) {
        return lines.stream().filter(line -> Arrays.stream(parts).allMatch(line::contains)).toList();
    }

    /** The lines that contain {@code text} anywhere. */
    List<String> containing(String text) {
        return with(text);
    }

    /** When {@code line} was logged: the instant between its first brackets. */
    static Instant time(String line) {
        int end = line.indexOf(']');
        if (!line.startsWith("[") || end < 0) {
            throw new IllegalArgumentException("not a daemon log line: " + line);
        }
        try {
            return Instant.parse(line.substring(1, end));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("no timestamp in daemon log line: " + line, e);
        }
    }

    @Override
    public String toString() {
        return String.join("\n", lines);
    }
}
