// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.transport.ByteStream;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads frames (RFC 9113 section 4.1) from a byte stream and parses each type's layout
 * (section 6): lengths, padding, flags, and which frames must or must not name a stream. It
 * knows nothing of stream states, settings beyond its own frame-size limit, or flow control;
 * that is {@link Http2Connection}'s job. Layout errors are thrown as {@link Http2Exception}s
 * with the code the RFC gives. Not thread-safe: one reader thread.
 */
final class FrameReader {
    /** The client connection preface (section 3.4): 24 octets. */
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final ByteStream in;
    private final int maxFrameSize;
    private final ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_LENGTH);
    private final ByteBuffer payload;

    /** Frames longer than {@code maxFrameSize} (our SETTINGS_MAX_FRAME_SIZE) are refused before their payload is read. */
    FrameReader(ByteStream in, int maxFrameSize) {
        this.in = in;
        this.maxFrameSize = maxFrameSize;
        this.payload = ByteBuffer.allocate(maxFrameSize);
    }

    /**
     * Reads the client preface, comparing each octet as it arrives, so that a peer speaking
     * something else is refused at its first wrong octet rather than after 24.
     */
    void readPreface() throws IOException {
        ByteBuffer got = ByteBuffer.allocate(PREFACE.length);
        int checked = 0;
        while (got.hasRemaining()) {
            if (in.read(got) < 0) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                        "connection closed after " + got.position() + " octet(s) of the client preface");
            }
            for (; checked < got.position(); checked++) {
                if (got.get(checked) != PREFACE[checked]) {
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                            "not the HTTP/2 client preface: octet " + checked + " is 0x"
                                    + Integer.toHexString(got.get(checked) & 0xff));
                }
            }
        }
    }

    /** The next frame, or null when the peer closed the stream cleanly between frames. */
    Frame read() throws IOException {
        header.clear();
        if (in.read(header) < 0) {
            return null;
        }
        in.readFully(header);
        header.flip();
        int length = (header.get() & 0xff) << 16 | (header.get() & 0xff) << 8 | header.get() & 0xff;
        int type = header.get() & 0xff;
        int flags = header.get() & 0xff;
        int streamId = header.getInt() & 0x7fff_ffff;
        if (length > maxFrameSize) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                    "frame of type " + type + " is " + length + " octets, above our limit of " + maxFrameSize);
        }
        payload.clear().limit(length);
        try {
            in.readFully(payload);
        } catch (EOFException e) {
            throw new EOFException("connection closed inside a frame of type " + type + ": " + e.getMessage());
        }
        payload.flip();
        return parse(type, flags, streamId, payload);
    }

    private static Frame parse(int type, int flags, int streamId, ByteBuffer p) throws Http2Exception {
        boolean connectionFrame = type == Frame.SETTINGS || type == Frame.PING || type == Frame.GOAWAY;
        if (connectionFrame && streamId != 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "frame of type " + type + " on stream " + streamId);
        }
        boolean streamFrame = type <= Frame.CONTINUATION && !connectionFrame && type != Frame.WINDOW_UPDATE;
        if (streamFrame && streamId == 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "frame of type " + type + " on stream 0");
        }
        return switch (type) {
            case Frame.DATA -> data(flags, streamId, p);
            case Frame.HEADERS -> headers(flags, streamId, p);
            case Frame.PRIORITY -> priority(streamId, p);
            case Frame.RST_STREAM -> new Frame.RstStream(streamId, Integer.toUnsignedLong(fixed(type, p, 4).getInt()));
            case Frame.SETTINGS -> settings(flags, p);
            case Frame.PUSH_PROMISE -> pushPromise(flags, streamId, p);
            case Frame.PING -> new Frame.Ping((flags & Frame.FLAG_ACK) != 0, fixed(type, p, 8).getLong());
            case Frame.GOAWAY -> goAway(p);
            case Frame.WINDOW_UPDATE -> new Frame.WindowUpdate(streamId, fixed(type, p, 4).getInt() & 0x7fff_ffff);
            case Frame.CONTINUATION -> new Frame.Continuation(streamId, p, (flags & Frame.FLAG_END_HEADERS) != 0);
            default -> new Frame.Unknown(type, streamId, p.remaining());
        };
    }

    private static Frame data(int flags, int streamId, ByteBuffer p) throws Http2Exception {
        int flowLength = p.remaining();
        unpad(flags, p);
        return new Frame.Data(streamId, p, (flags & Frame.FLAG_END_STREAM) != 0, flowLength);
    }

    private static Frame headers(int flags, int streamId, ByteBuffer p) throws Http2Exception {
        unpad(flags, p);
        int dependency = 0;
        if ((flags & Frame.FLAG_PRIORITY) != 0) {
            if (p.remaining() < 5) {
                throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "HEADERS too short for its priority fields");
            }
            dependency = p.getInt() & 0x7fff_ffff;
            p.get(); // weight: priority signals are ignored (section 5.3.2)
        }
        return new Frame.Headers(streamId, p, (flags & Frame.FLAG_END_STREAM) != 0,
                (flags & Frame.FLAG_END_HEADERS) != 0, dependency);
    }

    private static Frame priority(int streamId, ByteBuffer p) throws Http2Exception {
        if (p.remaining() != 5) {
            throw Http2Exception.stream(streamId, ErrorCode.FRAME_SIZE_ERROR, "PRIORITY of " + p.remaining() + " octets, not 5");
        }
        return new Frame.Priority(streamId, p.getInt() & 0x7fff_ffff);
    }

    private static Frame settings(int flags, ByteBuffer p) throws Http2Exception {
        boolean ack = (flags & Frame.FLAG_ACK) != 0;
        if (ack && p.hasRemaining()) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "SETTINGS ACK with " + p.remaining() + " octets");
        }
        if (p.remaining() % Setting.LENGTH != 0) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "SETTINGS of " + p.remaining() + " octets");
        }
        List<Setting> settings = new ArrayList<>(p.remaining() / Setting.LENGTH);
        while (p.hasRemaining()) {
            settings.add(new Setting(p.getShort() & 0xffff, Integer.toUnsignedLong(p.getInt())));
        }
        return new Frame.Settings(ack, settings);
    }

    private static Frame pushPromise(int flags, int streamId, ByteBuffer p) throws Http2Exception {
        unpad(flags, p);
        if (p.remaining() < 4) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "PUSH_PROMISE too short");
        }
        return new Frame.PushPromise(streamId, p.getInt() & 0x7fff_ffff);
    }

    private static Frame goAway(ByteBuffer p) throws Http2Exception {
        if (p.remaining() < 8) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "GOAWAY of " + p.remaining() + " octets");
        }
        int last = p.getInt() & 0x7fff_ffff;
        long code = Integer.toUnsignedLong(p.getInt());
        return new Frame.GoAway(last, code, StandardCharsets.ISO_8859_1.decode(p).toString());
    }

    /** A payload of exactly {@code length} octets, else a connection error FRAME_SIZE_ERROR. */
    private static ByteBuffer fixed(int type, ByteBuffer p, int length) throws Http2Exception {
        if (p.remaining() != length) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                    "frame of type " + type + " has " + p.remaining() + " octets, not " + length);
        }
        return p;
    }

    /** Strips the Pad Length octet and the padding (section 6.1); padding as long as the payload is an error. */
    private static void unpad(int flags, ByteBuffer p) throws Http2Exception {
        if ((flags & Frame.FLAG_PADDED) == 0) {
            return;
        }
        if (!p.hasRemaining()) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "PADDED frame without a Pad Length");
        }
        int padLength = p.get() & 0xff;
        if (padLength >= p.limit()) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    "pad length " + padLength + " not below the payload length " + p.limit());
        }
        p.limit(p.limit() - padLength);
    }
}
