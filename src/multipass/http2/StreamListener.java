// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * What happens on one stream, as the connection's reader thread sees it. Calls come on that
 * thread, one at a time and in frame order, so a listener must not block: it buffers or hands
 * work to another thread. Flow control: the bytes of each {@link #onData} count against the
 * stream's and the connection's receive windows until the listener calls
 * {@link Http2Stream#consumed(int)}; a listener that keeps data unconsumed stops its peer.
 */
public interface StreamListener {
    /**
     * A header block: the response headers or trailers on a client stream, the trailers on a
     * server stream (a server stream's request headers go to {@link Http2Connection.Acceptor}).
     */
    default void onHeaders(List<HeaderField> fields, boolean endStream) {
    }

    /**
     * DATA payload (padding removed), valid only during the call; copy what you keep.
     * {@code endStream}: the peer has finished sending on this stream.
     */
    default void onData(ByteBuffer data, boolean endStream) {
    }

    /**
     * The stream ended abnormally: the peer reset it, or the connection failed or went away
     * before the stream completed. Called at most once, and nothing after it.
     */
    default void onReset(ErrorCode code) {
    }
}
