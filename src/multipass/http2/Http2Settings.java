// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

/**
 * What one side of a connection advertises in its SETTINGS frame (RFC 9113 section 6.5.2),
 * plus the connection-level receive window it opens with a WINDOW_UPDATE on stream 0 right
 * after the preface. Every value is a bound the connection enforces on its peer.
 *
 * @param headerTableSize      SETTINGS_HEADER_TABLE_SIZE: the HPACK dynamic table our decoder keeps
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS: streams the peer may open at once
 * @param initialWindowSize    SETTINGS_INITIAL_WINDOW_SIZE: each stream's receive window
 * @param maxFrameSize         SETTINGS_MAX_FRAME_SIZE: the largest frame payload we accept
 * @param maxHeaderListSize    SETTINGS_MAX_HEADER_LIST_SIZE: the decoded header list we accept
 * @param connectionWindow     the connection's receive window (65,535 until our first WINDOW_UPDATE)
 */
public record Http2Settings(int headerTableSize, int maxConcurrentStreams, int initialWindowSize, int maxFrameSize,
                            int maxHeaderListSize, int connectionWindow) {
    /** The daemon's and the CLI's bounds. */
    public static final Http2Settings DEFAULTS = new Http2Settings(4096, 100, 1 << 20, 16_384, 16_384, 4 << 20);
}
