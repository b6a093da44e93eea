// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One HTTP/2 frame as {@link FrameReader} parsed it (RFC 9113 section 4 and section 6): the
 * 9-octet header's type, flags and stream identifier turned into one record per frame type,
 * padding already removed. Records carry no connection state. A record's {@link ByteBuffer}
 * is a view of the reader's buffer, valid until the next frame is read.
 */
sealed interface Frame {
    /** Frame types (RFC 9113 section 6). */
    int DATA = 0x0, HEADERS = 0x1, PRIORITY = 0x2, RST_STREAM = 0x3, SETTINGS = 0x4, PUSH_PROMISE = 0x5,
            PING = 0x6, GOAWAY = 0x7, WINDOW_UPDATE = 0x8, CONTINUATION = 0x9;
    /** Flags; ACK shares its bit with END_STREAM (section 6). */
    int FLAG_END_STREAM = 0x1, FLAG_ACK = 0x1, FLAG_END_HEADERS = 0x4, FLAG_PADDED = 0x8, FLAG_PRIORITY = 0x20;
    /** The frame header: length (24 bits), type, flags, reserved bit and stream identifier (31 bits). */
    int HEADER_LENGTH = 9;

    /** The stream this frame belongs to; 0 for the connection. */
    int streamId();

    /** DATA (6.1). {@code flowLength} is the whole payload, padding included: what flow control counts. */
    record Data(int streamId, ByteBuffer data, boolean endStream, int flowLength) implements Frame {
    }

    /** HEADERS (6.2); {@code dependency} is 0 when the PRIORITY flag was not set (the fields are otherwise ignored). */
    record Headers(int streamId, ByteBuffer fragment, boolean endStream, boolean endHeaders, int dependency)
            implements Frame {
    }

    /** PRIORITY (6.3): read and ignored, but a stream may not depend on itself. */
    record Priority(int streamId, int dependency) implements Frame {
    }

    /** RST_STREAM (6.4) with its raw 32-bit error code. */
    record RstStream(int streamId, long code) implements Frame {
    }

    /** SETTINGS (6.5): an acknowledgement carries no settings. */
    record Settings(boolean ack, List<Setting> settings) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /** PUSH_PROMISE (6.6): never valid here (we never enable push, and a server never receives one). */
    record PushPromise(int streamId, int promisedId) implements Frame {
    }

    /** PING (6.7): 8 opaque octets, echoed with ACK. */
    record Ping(boolean ack, long data) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /** GOAWAY (6.8) with its raw error code and debug data (ISO-8859-1, for the log). */
    record GoAway(int lastStreamId, long code, String debug) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /** WINDOW_UPDATE (6.9); the increment is checked by the connection (0 is an error there, not here). */
    record WindowUpdate(int streamId, int increment) implements Frame {
    }

    /** CONTINUATION (6.10): the next fragment of a header block. */
    record Continuation(int streamId, ByteBuffer fragment, boolean endHeaders) implements Frame {
    }

    /** A frame of a type this implementation does not know: ignored (section 4.1, 5.5). */
    record Unknown(int type, int streamId, int length) implements Frame {
    }
}
