// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import java.util.ResourceBundle;

/**
 * A {@link System.Logger} that looks its logger up only when something is first logged or asked
 * about. {@link System#getLogger} brings up the whole logging backend ({@code java.util.logging}:
 * its configuration, its root logger) at once, some 10 ms of a CLI start for classes that log
 * only when something goes wrong. Thread-safe: two threads may both look the logger up, and get
 * the same one.
 */
final class LazyLogger implements System.Logger {
    private final String name;
    private volatile System.Logger logger;

    private LazyLogger(String name) {
        this.name = name;
    }

    /** The logger named {@code name}, looked up at its first use. */
    static System.Logger of(String name) {
        return new LazyLogger(name);
    }

    private System.Logger logger() {
        System.Logger found = logger;
        if (found == null) {
            found = System.getLogger(name);
            logger = found;
        }
        return found;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return logger().isLoggable(level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
        logger().log(level, bundle, message, thrown);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        logger().log(level, bundle, format, params);
    }
}
