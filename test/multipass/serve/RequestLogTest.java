// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.api.LogLevel;
import multipass.api.LogLine;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The per-request log buffer: flushing while the sink itself logs (as the TLS layer does at trace). */
class RequestLogTest {
    @Test
    void linesLoggedWhileFlushingAreKeptForLater() throws IOException {
        List<String> sent = new ArrayList<>();
        RequestLog log = RequestLog.begin(LogLevel.TRACE.number(), line -> {
            sent.add(line.text());
            // What TlsChannel does when it wraps the line: a trace record of its own.
            RequestLog.offer(LogLevel.TRACE, "wrap of " + line.text());
        });
        RequestLog.offer(LogLevel.INFO, "holding the authentication");
        RequestLog.offer(LogLevel.DEBUG, "second line");

        RequestLog.flush();
        assertEquals(List.of("holding the authentication", "second line"), sent);

        log.end();
        assertEquals(List.of("holding the authentication", "second line", "wrap of holding the authentication", "wrap of second line"), sent);
    }

    @Test
    void nothingIsCollectedAfterTheEnd() throws IOException {
        List<LogLine> sent = new ArrayList<>();
        RequestLog log = RequestLog.begin(LogLevel.TRACE.number(), sent::add);
        log.end();
        RequestLog.offer(LogLevel.ERROR, "after the reply");
        RequestLog.flush();
        assertEquals(List.of(), sent);
    }
}
