// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

/**
 * The settings the peer has sent us so far (RFC 9113 section 6.5.2), starting from the
 * protocol's initial values, each checked as it is applied: an out-of-range value is a
 * connection error, an unknown identifier is ignored (section 6.5.2). Guarded by the
 * connection's state lock.
 */
final class PeerSettings {
    private final boolean weAreClient;
    long headerTableSize = 4096;
    long maxConcurrentStreams = Long.MAX_VALUE;
    int initialWindowSize = Setting.DEFAULT_WINDOW;
    int maxFrameSize = Setting.MIN_FRAME_SIZE;
    long maxHeaderListSize = Long.MAX_VALUE;

    PeerSettings(boolean weAreClient) {
        this.weAreClient = weAreClient;
    }

    /** Applies one setting of a SETTINGS frame, in frame order. */
    void apply(Setting setting) throws Http2Exception {
        long value = setting.value();
        switch (setting.id()) {
            case Setting.HEADER_TABLE_SIZE -> headerTableSize = value;
            case Setting.ENABLE_PUSH -> checkEnablePush(value);
            case Setting.MAX_CONCURRENT_STREAMS -> maxConcurrentStreams = value;
            case Setting.INITIAL_WINDOW_SIZE -> {
                if (value > Setting.MAX_WINDOW) {
                    throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR,
                            "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1: " + value);
                }
                initialWindowSize = (int) value;
            }
            case Setting.MAX_FRAME_SIZE -> {
                if (value < Setting.MIN_FRAME_SIZE || value > Setting.MAX_FRAME_SIZE_CEILING) {
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                            "SETTINGS_MAX_FRAME_SIZE out of 16384..16777215: " + value);
                }
                maxFrameSize = (int) value;
            }
            case Setting.MAX_HEADER_LIST_SIZE -> maxHeaderListSize = value;
            default -> {
                // Unknown settings are ignored (section 6.5.2).
            }
        }
    }

    /** 0 or 1 only; a server never enables push, so a client refuses 1 too (section 6.5.2). */
    private void checkEnablePush(long value) throws Http2Exception {
        if (value > 1 || (weAreClient && value == 1)) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "SETTINGS_ENABLE_PUSH not allowed: " + value);
        }
    }
}
