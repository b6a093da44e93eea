// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

/**
 * The changes to send windows the peer makes (RFC 9113 section 6.9): WINDOW_UPDATE
 * increments, checked for 0 and for overflow past 2^31-1, and a changed
 * SETTINGS_INITIAL_WINDOW_SIZE, which moves every open stream's send window by the difference
 * (section 6.9.2: a window may go negative, and must not overflow). Also the receive side's one
 * change: our own initial window taking effect once the peer acknowledges our SETTINGS. Every
 * method runs with the connection's state lock held and wakes the writers waiting on it.
 */
final class FlowControl {
    private FlowControl() {
    }

    /** A WINDOW_UPDATE on {@code streamId} (0: the connection). */
    static void windowUpdate(Http2Connection c, int streamId, int increment) throws Http2Exception {
        if (streamId == 0) {
            if (increment == 0) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE of 0 on the connection");
            }
            if (c.connectionSendWindow + increment > Setting.MAX_WINDOW) {
                throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "WINDOW_UPDATE of " + increment
                        + " takes the connection window past 2^31-1");
            }
            c.connectionSendWindow += increment;
            c.lock.notifyAll();
            return;
        }
        Http2Stream stream = c.streams.get(streamId);
        if (stream == null) {
            if (c.streams.isIdle(streamId)) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE on idle stream " + streamId);
            }
            return; // closed lately: allowed in flight (section 5.1)
        }
        if (increment == 0) {
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE of 0");
        }
        if (stream.sendWindow + increment > Setting.MAX_WINDOW) {
            throw Http2Exception.stream(streamId, ErrorCode.FLOW_CONTROL_ERROR,
                    "WINDOW_UPDATE of " + increment + " takes the window past 2^31-1");
        }
        stream.sendWindow += increment;
        c.lock.notifyAll();
    }

    /** The peer's SETTINGS_INITIAL_WINDOW_SIZE moved by {@code delta}: so does every open stream's send window. */
    static void peerInitialWindowChanged(Http2Connection c, long delta) throws Http2Exception {
        if (delta == 0) {
            return;
        }
        for (Http2Stream stream : c.streams.all()) {
            if (stream.sendWindow + delta > Setting.MAX_WINDOW) {
                throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR,
                        "SETTINGS_INITIAL_WINDOW_SIZE takes the window of " + stream + " past 2^31-1");
            }
        }
        for (Http2Stream stream : c.streams.all()) {
            stream.sendWindow += delta;
        }
        c.lock.notifyAll();
    }

    /**
     * The peer acknowledged our SETTINGS. Until then a stream's receive window was at least the
     * default 65,535 (the peer may have sent that much before it saw ours); a smaller window of
     * ours takes effect now, on every open stream too.
     */
    static void ourSettingsAcknowledged(Http2Connection c) {
        int ours = c.ours.initialWindowSize();
        long delta = (long) ours - c.streamReceiveInitial;
        if (delta == 0) {
            return;
        }
        c.streamReceiveInitial = ours;
        for (Http2Stream stream : c.streams.all()) {
            stream.receiveWindow.resize(ours, delta);
        }
    }
}
