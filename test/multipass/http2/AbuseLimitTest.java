// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Each {@link AbuseLimits} budget, exceeded by a {@link RawHttp2Peer} as fast as it can
 * write: the server answers GOAWAY ENHANCE_YOUR_CALM and closes. (A later issue tests the
 * attacks at full scale; these pin that each limit is wired.)
 */
@Timeout(10)
class AbuseLimitTest {
    /** A request without :method: malformed, so each one is reset (section 8.3.1). */
    private static final List<HeaderField> MALFORMED = RawHttp2Peer.request("/m").subList(1, 6);
    private ServerHarness h;

    @AfterEach
    void close() throws IOException {
        h.close();
    }

    private void assertCalmedDown() throws Exception {
        Frame.GoAway goAway = h.peer.expect(Frame.GoAway.class);
        assertEquals(ErrorCode.ENHANCE_YOUR_CALM, ErrorCode.of(goAway.code()), goAway.debug());
        h.peer.expectEnd(10_000);
        assertEquals(ErrorCode.ENHANCE_YOUR_CALM, assertInstanceOf(Http2Exception.class, h.end()).code());
    }

    /** Writes until the server closes (a write then fails), at most {@code count} times. */
    private interface Step {
        void run(int i) throws IOException;
    }

    private void flood(int count, Step step) {
        try {
            for (int i = 0; i < count; i++) {
                step.run(i);
            }
        } catch (IOException expected) {
            // the server closed the connection mid-flood
        }
    }

    @Test
    void pingFlood() throws Exception {
        h = ServerHarness.started();
        flood(AbuseLimits.PINGS + 1, i -> h.peer.ping(i));
        assertCalmedDown();
    }

    @Test
    void settingsFlood() throws Exception {
        h = ServerHarness.started();
        flood(AbuseLimits.SETTINGS + 1, i -> h.peer.settings());
        assertCalmedDown();
    }

    @Test
    void rapidReset() throws Exception {
        h = ServerHarness.started();
        flood(AbuseLimits.PEER_RESETS + 1, i -> {
            h.peer.headers(2 * i + 1, RawHttp2Peer.request("/r"), false);
            h.peer.rstStream(2 * i + 1, ErrorCode.CANCEL);
        });
        assertCalmedDown();
    }

    @Test
    void streamsWeHaveToResetOverAndOver() throws Exception {
        h = ServerHarness.started();
        flood(AbuseLimits.OUR_RESETS + 1, i -> h.peer.headers(2 * i + 1, MALFORMED, true));
        assertCalmedDown();
    }

    @Test
    void emptyDataFrames() throws Exception {
        h = ServerHarness.started();
        h.peer.headers(1, RawHttp2Peer.request("/e"), false);
        flood(AbuseLimits.EMPTY_FRAMES + 1, i -> h.peer.data(1, new byte[0], false));
        assertCalmedDown();
    }

    @Test
    void emptyContinuationFrames() throws Exception {
        h = ServerHarness.started();
        h.peer.frame(Frame.HEADERS, 0, 1, h.peer.block(RawHttp2Peer.request("/c")));
        flood(AbuseLimits.EMPTY_FRAMES + 1, i -> h.peer.frame(Frame.CONTINUATION, 0, 1));
        assertCalmedDown();
    }

    @Test
    void priorityFlood() throws Exception {
        h = ServerHarness.started();
        flood(AbuseLimits.PRIORITIES + 1, i -> h.peer.frame(Frame.PRIORITY, 0, 1, 0, 0, 0, 0, 16));
        assertCalmedDown();
    }
}
