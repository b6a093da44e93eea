// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import java.util.List;

/**
 * One parameter of a SETTINGS frame (RFC 9113 section 6.5.1): a 16-bit identifier and a
 * 32-bit unsigned value. The identifiers and the protocol's bounds on their values
 * (section 6.5.2) live here; unknown identifiers are kept by the reader and ignored by
 * {@link PeerSettings}.
 */
record Setting(int id, long value) {
    static final int HEADER_TABLE_SIZE = 0x1;
    static final int ENABLE_PUSH = 0x2;
    static final int MAX_CONCURRENT_STREAMS = 0x3;
    static final int INITIAL_WINDOW_SIZE = 0x4;
    static final int MAX_FRAME_SIZE = 0x5;
    static final int MAX_HEADER_LIST_SIZE = 0x6;

    /** The initial stream and connection window before any SETTINGS or WINDOW_UPDATE (section 6.9.2). */
    static final int DEFAULT_WINDOW = 65_535;
    /** The largest window a flow-control window may reach (section 6.9.1). */
    static final int MAX_WINDOW = Integer.MAX_VALUE;
    /** SETTINGS_MAX_FRAME_SIZE's initial value and floor (section 6.5.2). */
    static final int MIN_FRAME_SIZE = 16_384;
    /** SETTINGS_MAX_FRAME_SIZE's ceiling, 2^24-1 (section 6.5.2). */
    static final int MAX_FRAME_SIZE_CEILING = 16_777_215;
    /** Octets per setting on the wire. */
    static final int LENGTH = 6;

    /** What {@code ours} advertises; a client also disables server push (section 8.4). */
    static List<Setting> advertised(Http2Settings ours, boolean client) {
        List<Setting> common = List.of(
                new Setting(HEADER_TABLE_SIZE, ours.headerTableSize()),
                new Setting(MAX_CONCURRENT_STREAMS, ours.maxConcurrentStreams()),
                new Setting(INITIAL_WINDOW_SIZE, ours.initialWindowSize()),
                new Setting(MAX_FRAME_SIZE, ours.maxFrameSize()),
                new Setting(MAX_HEADER_LIST_SIZE, ours.maxHeaderListSize()));
        if (!client) {
            return common;
        }
        return List.of(new Setting(ENABLE_PUSH, 0), common.get(0), common.get(1), common.get(2), common.get(3),
                common.get(4));
    }

    /** Refuses settings of our own that the protocol would not allow us to send, naming the value. */
    static void check(Http2Settings ours) {
        if (ours.maxFrameSize() < MIN_FRAME_SIZE || ours.maxFrameSize() > MAX_FRAME_SIZE_CEILING) {
            throw new IllegalArgumentException("maxFrameSize out of 16384..16777215: " + ours.maxFrameSize());
        }
        if (ours.initialWindowSize() < 1 || ours.connectionWindow() < DEFAULT_WINDOW) {
            throw new IllegalArgumentException("windows too small: stream " + ours.initialWindowSize()
                    + ", connection " + ours.connectionWindow() + " (at least 1 and 65535)");
        }
        if (ours.headerTableSize() < 0 || ours.maxConcurrentStreams() < 0 || ours.maxHeaderListSize() < 0) {
            throw new IllegalArgumentException("negative setting in " + ours);
        }
    }
}
