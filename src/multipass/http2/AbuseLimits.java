// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import java.util.concurrent.TimeUnit;

/**
 * The per-connection budgets for frames that cost us work without carrying a request (RFC
 * 9113 section 10.5, "Denial-of-Service Considerations"): PING and SETTINGS floods, streams
 * the peer opens and resets at once ("rapid reset"), streams we have to reset because the peer
 * keeps breaking them, empty DATA and CONTINUATION frames, PRIORITY frames. Each budget is one
 * named constant, generous for a gRPC client (a keepalive PING every few seconds, a SETTINGS or
 * two per connection). Exceeding one is a connection error ENHANCE_YOUR_CALM. Reader thread only.
 */
final class AbuseLimits {
    /** The window every budget is counted in. */
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** PINGs the peer may send per window. */
    static final int PINGS = 100;
    /** Non-ACK SETTINGS frames the peer may send per window. */
    static final int SETTINGS = 20;
    /** Streams the peer may reset with RST_STREAM per window. */
    static final int PEER_RESETS = 200;
    /** Streams we may have to reset (refused, or broken by the peer) per window. */
    static final int OUR_RESETS = 200;
    /** DATA without payload or END_STREAM, HEADERS or CONTINUATION without fragment or END_HEADERS, per window. */
    static final int EMPTY_FRAMES = 100;
    /** PRIORITY frames per window (gRPC clients send none). */
    static final int PRIORITIES = 200;

    final RateLimit pings = new RateLimit("PING frames", PINGS, WINDOW_NANOS);
    final RateLimit settings = new RateLimit("SETTINGS frames", SETTINGS, WINDOW_NANOS);
    final RateLimit peerResets = new RateLimit("streams reset by the peer", PEER_RESETS, WINDOW_NANOS);
    final RateLimit ourResets = new RateLimit("streams we had to reset", OUR_RESETS, WINDOW_NANOS);
    final RateLimit emptyFrames = new RateLimit("empty frames", EMPTY_FRAMES, WINDOW_NANOS);
    final RateLimit priorities = new RateLimit("PRIORITY frames", PRIORITIES, WINDOW_NANOS);
}
