// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.api.LogLevel;
import multipass.serve.RequestLog;

import java.io.PrintStream;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Configures the JUL backend behind {@code System.Logger} for the daemon: one handler writes
 * lines at or above the daemon's verbosity to stderr, and every line is also offered to the
 * {@link RequestLog} of the request being served on the current thread. Lines look like
 * {@code [2026-11-26T15:00:00.123Z] [info] [Daemon] message}.
 */
public final class DaemonLogging {
    /** The JDK's own loggers, held strongly so their level sticks; their debug output is noise to users. */
    private static final Logger[] JDK_LOGGERS = {Logger.getLogger("jdk"), Logger.getLogger("javax"), Logger.getLogger("sun")};

    private DaemonLogging() {
    }

    /** Installs the handlers on the root logger; {@code verbosity} is the stderr threshold. */
    public static void configure(LogLevel verbosity, PrintStream err) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.ALL);
        for (Logger logger : JDK_LOGGERS) {
            logger.setLevel(Level.INFO);
        }
        root.addHandler(new LineHandler(verbosity, err));
    }

    /** The log level of a JUL level, as the protocol numbers them. */
    static LogLevel level(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return LogLevel.ERROR;
        } else if (value >= Level.WARNING.intValue()) {
            return LogLevel.WARNING;
        } else if (value >= Level.INFO.intValue()) {
            return LogLevel.INFO;
        } else if (value >= Level.FINE.intValue()) {
            return LogLevel.DEBUG;
        }
        return LogLevel.TRACE;
    }

    /**
     * Formats a record as one line. Numbers are shown plainly ({@code 1001}, not the locale's
     * {@code 1,001}): uids and sizes in an audit log must read the same on every machine.
     */
    static String format(LogRecord record) {
        Object[] parameters = record.getParameters();
        if (parameters != null) {
            Object[] plain = parameters.clone();
            for (int i = 0; i < plain.length; i++) {
                if (plain[i] instanceof Number) {
                    plain[i] = plain[i].toString();
                }
            }
            record.setParameters(plain);
        }
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        String category = logger.substring(logger.lastIndexOf('.') + 1);
        return "[" + Instant.ofEpochMilli(record.getMillis()) + "] [" + level(record.getLevel()).label() + "] [" + category + "] "
                + new MessageFormatter().formatMessage(record);
    }

    private static final class MessageFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            return formatMessage(record);
        }
    }

    /** Writes to stderr at the daemon's verbosity and feeds the current request's log. */
    private static final class LineHandler extends Handler {
        private final LogLevel threshold;
        private final PrintStream err;

        LineHandler(LogLevel threshold, PrintStream err) {
            this.threshold = threshold;
            this.err = err;
        }

        @Override
        public void publish(LogRecord record) {
            LogLevel level = level(record.getLevel());
            boolean toStderr = level.number() <= threshold.number();
            String line = null;
            if (toStderr) {
                line = format(record);
                synchronized (err) {
                    err.println(line);
                }
            }
            if (RequestLog.wants(level)) {
                RequestLog.offer(level, line != null ? line : format(record));
            }
        }

        @Override
        public void flush() {
            err.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
