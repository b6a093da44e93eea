package multipass.daemon;

import multipass.protocol.LogLevel;
import multipass.protocol.LogLine;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the daemon's log lines produced on the current thread while it serves one request,
 * at or above the severity the client asked for, so they can be streamed back before the
 * reply. Each connection is served by one thread, so a thread-local is exactly "this request".
 */
final class RequestLog {
    private static final ThreadLocal<RequestLog> CURRENT = new ThreadLocal<>();
    /** A cap so a chatty request cannot build an unbounded reply. */
    private static final int MAX_LINES = 1000;

    private final int verbosity;
    private final List<LogLine> lines = new ArrayList<>();

    private RequestLog(int verbosity) {
        this.verbosity = verbosity;
    }

    /** Starts collecting for the current thread at {@code verbosity} (0-4). */
    static RequestLog begin(int verbosity) {
        RequestLog log = new RequestLog(verbosity);
        CURRENT.set(log);
        return log;
    }

    /** Stops collecting and returns the lines. */
    List<LogLine> end() {
        CURRENT.remove();
        return lines;
    }

    /** True when the request served on this thread wants lines of {@code level}. */
    static boolean wants(LogLevel level) {
        RequestLog log = CURRENT.get();
        return log != null && level.number() <= log.verbosity && log.lines.size() < MAX_LINES;
    }

    /** Adds a formatted line to the current thread's request, if {@link #wants} it. */
    static void offer(LogLevel level, String text) {
        if (wants(level)) {
            CURRENT.get().lines.add(new LogLine(level, text));
        }
    }
}
