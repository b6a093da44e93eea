// SPDX-License-Identifier: Apache-2.0
package multipass.api;

import java.util.Locale;

/**
 * The five log severities shared by the daemon's logging and the client's verbosity: a request
 * at verbosity {@code v} receives the daemon's lines whose level number is at most {@code v}.
 */
public enum LogLevel {
    ERROR, WARNING, INFO, DEBUG, TRACE;

    private static final LogLevel[] BY_NUMBER = values();

    /** 0 for error up to 4 for trace. */
    public int number() {
        return ordinal();
    }

    /** The lower-case name used in log lines and on the daemon's command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The level with number {@code n}. */
    public static LogLevel ofNumber(int n) {
        if (n < 0 || n >= BY_NUMBER.length) {
            throw new IllegalArgumentException("log level must be 0 to 4, not " + n);
        }
        return BY_NUMBER[n];
    }

    /** Parses {@code error|warning|info|debug|trace} or {@code 0}-{@code 4}. */
    public static LogLevel parse(String text) {
        for (LogLevel level : BY_NUMBER) {
            if (level.label().equals(text) || Integer.toString(level.number()).equals(text)) {
                return level;
            }
        }
        throw new IllegalArgumentException("invalid verbosity '" + text + "': use error, warning, info, debug or trace (or 0 to 4)");
    }
}
