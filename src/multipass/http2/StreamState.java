// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

/**
 * The stream states of RFC 9113 section 5.1 that a stream object lives through ("idle" is an
 * identifier not yet used, and "reserved" needs server push, which is never enabled). "local"
 * is this endpoint: half-closed (local) means we sent END_STREAM and may still receive.
 */
enum StreamState {
    OPEN, HALF_CLOSED_LOCAL, HALF_CLOSED_REMOTE, CLOSED;

    /** The state after we send END_STREAM. */
    StreamState afterLocalEnd() {
        return this == OPEN ? HALF_CLOSED_LOCAL : CLOSED;
    }

    /** The state after the peer sends END_STREAM. */
    StreamState afterRemoteEnd() {
        return this == OPEN ? HALF_CLOSED_REMOTE : CLOSED;
    }

    /** True while we may send DATA or HEADERS. */
    boolean canSend() {
        return this == OPEN || this == HALF_CLOSED_REMOTE;
    }

    /** True while the peer may send DATA or HEADERS. */
    boolean canReceive() {
        return this == OPEN || this == HALF_CLOSED_LOCAL;
    }
}
