// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.api.LogLevel;
import multipass.api.LogLine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the daemon's log lines produced on the current thread while it serves one request,
 * at or above the severity the client asked for, to stream them back before the reply. Each
 * connection is served by one thread, so a thread-local is exactly "this request".
 *
 * <p>Lines are buffered, not written from inside the logging call (which may run under a
 * store's lock, where a client that stops reading must not be able to stall the daemon);
 * handlers call {@link #flush()} at safe points, such as before an authentication hold-back,
 * and the rest go out just before the reply.
 */
public final class RequestLog {
    private static final ThreadLocal<RequestLog> CURRENT = new ThreadLocal<>();
    /** A cap so a chatty request cannot build an unbounded reply. */
    private static final int MAX_LINES = 1000;

    /** Where flushed lines go: the client's connection. */
    public interface Sink {
        void send(LogLine line) throws IOException;
    }

    private final int verbosity;
    private final Sink sink;
    private final List<LogLine> lines = new ArrayList<>();
    private int count;

    private RequestLog(int verbosity, Sink sink) {
        this.verbosity = verbosity;
        this.sink = sink;
    }

    /** Starts collecting for the current thread at {@code verbosity} (0-4). */
    public static RequestLog begin(int verbosity, Sink sink) {
        RequestLog log = new RequestLog(verbosity, sink);
        CURRENT.set(log);
        return log;
    }

    /** Stops collecting and sends what is left. */
    public void end() throws IOException {
        CURRENT.remove();
        send();
    }

    /** Sends the current request's buffered lines now (call only where no lock is held). */
    static void flush() throws IOException {
        RequestLog log = CURRENT.get();
        if (log != null) {
            log.send();
        }
    }

    /**
     * Sends the buffered lines. Sending logs too (the TLS layer traces each record it wraps), and
     * at verbosity trace those lines land in this very buffer: so the buffer is emptied first,
     * and what sending adds goes out with the next flush or at the end.
     */
    private void send() throws IOException {
        List<LogLine> pending = List.copyOf(lines);
        lines.clear();
        for (LogLine line : pending) {
            sink.send(line);
        }
    }

    /** True when the request served on this thread wants lines of {@code level}. */
    public static boolean wants(LogLevel level) {
        RequestLog log = CURRENT.get();
        return log != null && level.number() <= log.verbosity && log.count < MAX_LINES;
    }

    /** Adds a formatted line to the current thread's request, if {@link #wants} it. */
    public static void offer(LogLevel level, String text) {
        if (wants(level)) {
            RequestLog log = CURRENT.get();
            log.lines.add(new LogLine(level, text));
            log.count++;
        }
    }
}
