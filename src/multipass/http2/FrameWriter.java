// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.transport.ByteStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes frames (RFC 9113 section 4.1 and section 6) to a byte stream: the 9-octet header
 * and each type's layout, one {@link ByteStream#write} per frame so that a TLS record never
 * mixes two half-frames. Knows nothing of state or flow control: the caller decides what may
 * be sent and splits DATA to the peer's frame size. Never pads. Not thread-safe: the
 * connection holds its write lock around every call.
 */
final class FrameWriter {
    private final ByteStream out;
    private ByteBuffer buffer = ByteBuffer.allocate(Frame.HEADER_LENGTH + Setting.MIN_FRAME_SIZE);

    FrameWriter(ByteStream out) {
        this.out = out;
    }

    /** The client connection preface (section 3.4). */
    void preface() throws IOException {
        out.write(ByteBuffer.wrap(FrameReader.PREFACE));
    }

    /** Any frame, as given: the raw form the typed methods below use (and tests use to write invalid frames). */
    void frame(int type, int flags, int streamId, ByteBuffer payload) throws IOException {
        int length = payload.remaining();
        if (buffer.capacity() < Frame.HEADER_LENGTH + length) {
            buffer = ByteBuffer.allocate(Frame.HEADER_LENGTH + length);
        }
        buffer.clear();
        buffer.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
        buffer.put((byte) type).put((byte) flags).putInt(streamId);
        buffer.put(payload.duplicate()).flip();
        out.write(buffer);
    }

    void data(int streamId, ByteBuffer data, boolean endStream) throws IOException {
        frame(Frame.DATA, endStream ? Frame.FLAG_END_STREAM : 0, streamId, data);
    }

    /** A header block as HEADERS and as many CONTINUATION frames as {@code maxFrameSize} needs (section 4.3). */
    void headers(int streamId, ByteBuffer block, boolean endStream, int maxFrameSize) throws IOException {
        int type = Frame.HEADERS;
        int flags = endStream ? Frame.FLAG_END_STREAM : 0;
        do {
            int n = Math.min(block.remaining(), maxFrameSize);
            ByteBuffer fragment = block.slice().limit(n);
            block.position(block.position() + n);
            frame(type, flags | (block.hasRemaining() ? 0 : Frame.FLAG_END_HEADERS), streamId, fragment);
            type = Frame.CONTINUATION;
            flags = 0;
        } while (block.hasRemaining());
    }

    void rstStream(int streamId, ErrorCode code) throws IOException {
        frame(Frame.RST_STREAM, 0, streamId, ByteBuffer.allocate(4).putInt(code.code()).flip());
    }

    void settings(List<Setting> settings) throws IOException {
        ByteBuffer payload = ByteBuffer.allocate(settings.size() * Setting.LENGTH);
        for (Setting s : settings) {
            payload.putShort((short) s.id()).putInt((int) s.value());
        }
        frame(Frame.SETTINGS, 0, 0, payload.flip());
    }

    void settingsAck() throws IOException {
        frame(Frame.SETTINGS, Frame.FLAG_ACK, 0, ByteBuffer.allocate(0));
    }

    void ping(boolean ack, long data) throws IOException {
        frame(Frame.PING, ack ? Frame.FLAG_ACK : 0, 0, ByteBuffer.allocate(8).putLong(data).flip());
    }

    void goAway(int lastStreamId, ErrorCode code, String debug) throws IOException {
        byte[] text = debug.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(8 + text.length).putInt(lastStreamId).putInt(code.code()).put(text);
        frame(Frame.GOAWAY, 0, 0, payload.flip());
    }

    void windowUpdate(int streamId, int increment) throws IOException {
        frame(Frame.WINDOW_UPDATE, 0, streamId, ByteBuffer.allocate(4).putInt(increment).flip());
    }
}
