// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderBlock;
import multipass.hpack.HeaderField;
import multipass.hpack.HpackDecoder;
import multipass.hpack.HpackEncoder;
import multipass.hpack.HpackException;
import multipass.transport.ByteStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-driven HTTP/2 endpoint for tests: writes any frame, valid or not (through
 * {@link FrameWriter#frame}, so lengths, flags, stream identifiers and payloads are whatever
 * the test says), and reads back, one at a time, the frames the other side sends. It keeps no
 * state beyond an HPACK encoder and decoder for convenience; a test that wants a broken header
 * block writes the bytes itself. Works over any {@link ByteStream}: an in-memory pipe or a
 * socket. Not thread-safe; reading blocks, so each test has a timeout.
 */
final class RawHttp2Peer implements AutoCloseable {
    /** The largest frame this peer reads: it advertises nothing, so our side never sends more than 16,384 anyway. */
    private static final int MAX_FRAME = 1 << 20;

    final ByteStream io;
    private final FrameWriter out;
    private final FrameReader in;
    private final HpackEncoder encoder = new HpackEncoder();
    private final HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);

    RawHttp2Peer(ByteStream io) {
        this.io = io;
        this.out = new FrameWriter(io);
        this.in = new FrameReader(io, MAX_FRAME);
    }

    /** As a client: the preface and an empty SETTINGS; then reads the server's SETTINGS and acknowledges it. */
    RawHttp2Peer startClient() throws IOException {
        out.preface();
        out.settings(List.of());
        Frame first = next();
        if (!(first instanceof Frame.Settings settings) || settings.ack()) {
            throw new IOException("server's first frame is not SETTINGS: " + first);
        }
        out.settingsAck();
        return this;
    }

    /** As a server: reads the client's preface, sends an empty SETTINGS. */
    RawHttp2Peer startServer() throws IOException {
        in.readPreface();
        out.settings(List.of());
        return this;
    }

    /** Writes a frame exactly as given. */
    void frame(int type, int flags, int streamId, byte... payload) throws IOException {
        out.frame(type, flags, streamId, ByteBuffer.wrap(payload));
    }

    /** A frame whose payload octets are given as ints (each taken modulo 256), for short hand-made payloads. */
    void frame(int type, int flags, int streamId, int... payload) throws IOException {
        byte[] bytes = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            bytes[i] = (byte) payload[i];
        }
        frame(type, flags, streamId, bytes);
    }

    void settings(Setting... settings) throws IOException {
        out.settings(List.of(settings));
    }

    void ping(long data) throws IOException {
        out.ping(false, data);
    }

    void windowUpdate(int streamId, int increment) throws IOException {
        out.windowUpdate(streamId, increment);
    }

    void rstStream(int streamId, ErrorCode code) throws IOException {
        out.rstStream(streamId, code);
    }

    void data(int streamId, byte[] data, boolean endStream) throws IOException {
        out.data(streamId, ByteBuffer.wrap(data), endStream);
    }

    /** A header block in one HEADERS frame with END_HEADERS. */
    void headers(int streamId, List<HeaderField> fields, boolean endStream) throws IOException {
        out.frame(Frame.HEADERS, Frame.FLAG_END_HEADERS | (endStream ? Frame.FLAG_END_STREAM : 0), streamId,
                ByteBuffer.wrap(block(fields)));
    }

    /** The HPACK encoding of {@code fields} with this peer's encoder (its table advances). */
    byte[] block(List<HeaderField> fields) {
        return encoder.encode(fields);
    }

    /** A valid gRPC-like request's headers for {@code path}. */
    static List<HeaderField> request(String path) {
        return List.of(new HeaderField(":method", "POST"), new HeaderField(":scheme", "https"),
                new HeaderField(":path", path), new HeaderField(":authority", "localhost"),
                new HeaderField("content-type", "application/grpc"), new HeaderField("te", "trailers"));
    }

    /** The next frame the other side sent; null at a clean end of stream. */
    Frame next() throws IOException {
        return in.read();
    }

    /** The decoded fields of a HEADERS frame that carries a whole block. */
    List<HeaderField> decode(Frame.Headers headers) throws HpackException {
        HeaderBlock block = decoder.decode(headers.fragment());
        return block.fields();
    }

    /** Reads until a frame of {@code type} (skipping others), returning it; fails at end of stream. */
    <T extends Frame> T expect(Class<T> type) throws IOException {
        List<Frame> skipped = new ArrayList<>();
        while (true) {
            Frame frame = next();
            if (frame == null) {
                throw new IOException("end of stream before a " + type.getSimpleName() + "; saw " + skipped);
            }
            if (type.isInstance(frame)) {
                return type.cast(frame);
            }
            skipped.add(frame);
        }
    }

    /** Reads until end of stream, failing if it takes more than {@code maxFrames} frames. */
    void expectEnd(int maxFrames) throws IOException {
        for (int i = 0; i < maxFrames; i++) {
            if (next() == null) {
                return;
            }
        }
        throw new IOException("no end of stream after " + maxFrames + " frames");
    }

    @Override
    public void close() throws IOException {
        io.close();
    }
}
