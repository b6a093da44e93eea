// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

/**
 * Counts one kind of event a peer can make us spend work on (a PING to answer, a reset to
 * process, an empty frame to read) in fixed windows of time, and says when a window holds
 * more than its budget. Deliberately simple: a peer that stays just under the budget is
 * served, which is what the budget is for. Used on the reader thread only.
 */
final class RateLimit {
    private final String what;
    private final int budget;
    private final long windowNanos;
    private long windowStart;
    private int count;

    RateLimit(String what, int budget, long windowNanos) {
        this.what = what;
        this.budget = budget;
        this.windowNanos = windowNanos;
        this.windowStart = System.nanoTime();
    }

    /** Counts one event; past the budget, a connection error ENHANCE_YOUR_CALM (RFC 9113 section 10.5). */
    void count() throws Http2Exception {
        long now = System.nanoTime();
        if (now - windowStart > windowNanos) {
            windowStart = now;
            count = 0;
        }
        if (++count > budget) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM,
                    "more than " + budget + " " + what + " in " + windowNanos / 1_000_000_000L + " s");
        }
    }
}
