// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;
import multipass.hpack.HpackEncoder;
import multipass.testing.FuzzRun;
import multipass.testing.Mutator;
import multipass.transport.ByteStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutation fuzzing of the HTTP/2 frame decoder: {@link FrameReader} alone (every mangled
 * frame sequence reads as frames, a clean end, a cut inside a frame, or an
 * {@link Http2Exception} with an RFC 9113 code), and the whole reading side of a server
 * connection ({@link Http2Connection#run}: {@link FrameHandler}, {@link HeaderAssembler}, the
 * HPACK decoder, {@link HeaderDelivery}, flow control and the abuse budgets) over the same
 * inputs, preface included, which must end cleanly, at a cut, or in a connection error whose
 * code is one of {@link #CONNECTION_ERRORS}; never another exception, a hang or an allocation
 * out of proportion to the input. The seeds are valid client sequences (requests in one
 * HEADERS or split over CONTINUATIONs, padded DATA, SETTINGS, PING, PRIORITY, WINDOW_UPDATE,
 * RST_STREAM, GOAWAY, an unknown type), and every frame's 24-bit length is a length field the
 * mutator aims at. {@code make check} runs a short campaign from a fixed seed; {@code make fuzz}
 * a long one (see {@link FuzzRun}).
 */
class Http2FrameFuzzTest {
    /** The seed the test tiers use, so its inputs are the same on every run. */
    static final long SEED = 0x5EED_F4A3L;
    /** Per input: the reader's frame buffer (16 KiB), the HPACK table, the header block, and room for exceptions. */
    private static final long SLACK = 512 * 1024;
    /** The codes a connection error of the reading side may carry (RFC 9113 section 7). */
    static final Set<ErrorCode> CONNECTION_ERRORS = EnumSet.of(ErrorCode.PROTOCOL_ERROR, ErrorCode.FRAME_SIZE_ERROR,
            ErrorCode.FLOW_CONTROL_ERROR, ErrorCode.COMPRESSION_ERROR, ErrorCode.ENHANCE_YOUR_CALM, ErrorCode.STREAM_CLOSED);
    /** The codes a frame's layout alone may be refused with. */
    static final Set<ErrorCode> LAYOUT_ERRORS = EnumSet.of(ErrorCode.PROTOCOL_ERROR, ErrorCode.FRAME_SIZE_ERROR);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // make fuzz turns timeouts off and sets its own budget
    void everyMutatedFrameSequenceReadsAsFramesOrALayoutError() throws InterruptedException {
        FuzzRun run = FuzzRun.configured("FrameReader.read", SEED, 100_000, 32, SLACK);
        Mutator mutator = new Mutator(run.seed(), corpus(false), Http2Settings.DEFAULTS.maxFrameSize());
        FuzzRun.Report report = run.run(mutator, Http2FrameFuzzTest::readFrames);
        assertTrue(report.outcomes().getOrDefault("frames", 0L) > 0, "some mutants still read: " + report);
        assertTrue(report.outcomes().keySet().stream().anyMatch(o -> o.startsWith("error")), "some are refused: " + report);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyMutatedClientSequenceEndsCleanlyOrInADocumentedConnectionError() throws InterruptedException {
        FuzzRun run = FuzzRun.configured("Http2Connection.run (server)", SEED + 1, 40_000, 64, SLACK);
        Mutator mutator = new Mutator(run.seed(), corpus(true), Http2Settings.DEFAULTS.maxFrameSize());
        FuzzRun.Report report = run.run(mutator, Http2FrameFuzzTest::serve);
        assertTrue(report.outcomes().getOrDefault("clean end", 0L) > 0, "some mutants are served to the end: " + report);
        assertTrue(report.outcomes().keySet().stream().anyMatch(o -> o.startsWith("GOAWAY")), "some end in a connection error: " + report);
    }

    /** Reads every frame of {@code input}: "frames", "cut" or "error CODE"; anything else throws. */
    static String readFrames(byte[] input) throws IOException {
        FrameReader reader = new FrameReader(new Input(input), Http2Settings.DEFAULTS.maxFrameSize());
        try {
            while (reader.read() != null) {
                continue;
            }
            return "frames";
        } catch (Http2Exception e) {
            if (!LAYOUT_ERRORS.contains(e.code()) || e.getMessage() == null) {
                throw new AssertionError("an undocumented layout error", e);
            }
            return "error " + e.code();
        } catch (EOFException e) {
            return "cut";
        }
    }

    /** Serves {@code input} as a client's bytes: "clean end", "cut" or "GOAWAY CODE"; anything else throws. */
    static String serve(byte[] input) throws IOException {
        Input io = new Input(input);
        Http2Connection connection = Http2Connection.server(io, Http2Settings.DEFAULTS, (stream, headers, endStream) -> new StreamListener() {
            @Override
            public void onData(ByteBuffer data, boolean end) {
                stream.consumed(data.remaining());
            }
        });
        try {
            connection.run();
            return "clean end";
        } catch (Http2Exception e) {
            if (!e.isConnectionError() || !CONNECTION_ERRORS.contains(e.code())) {
                throw new AssertionError("an undocumented connection error", e);
            }
            return "GOAWAY " + e.code();
        } catch (EOFException e) {
            return "cut";
        } catch (IOException e) {
            if (io.closed && e.getMessage() != null) {
                return "cut"; // a write after the connection closed itself
            }
            throw e;
        }
    }

    /** The client's bytes to read, then a clean end; what the server writes is counted and dropped. */
    private static final class Input implements ByteStream {
        private final ByteBuffer in;
        boolean closed;

        Input(byte[] bytes) {
            this.in = ByteBuffer.wrap(bytes);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (closed) {
                throw new IOException("closed");
            }
            if (!in.hasRemaining()) {
                return -1;
            }
            int n = Math.min(dst.remaining(), in.remaining());
            dst.put(in.slice().limit(n));
            in.position(in.position() + n);
            return n;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            if (closed) {
                throw new IOException("closed");
            }
            src.position(src.limit());
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    // ---- the corpus ----

    /** One seed being built: its bytes and where each frame's length field is. */
    private static final class Builder {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<Mutator.LengthField> lengths = new ArrayList<>();

        Builder frame(int type, int flags, int stream, byte[] payload) {
            lengths.add(new Mutator.LengthField(out.size(), 3));
            out.write(payload.length >>> 16);
            out.write(payload.length >>> 8);
            out.write(payload.length);
            out.write(type);
            out.write(flags);
            out.writeBytes(ByteBuffer.allocate(4).putInt(stream).array());
            out.writeBytes(payload);
            return this;
        }

        Mutator.Seed seed() {
            return new Mutator.Seed(out.toByteArray(), lengths);
        }
    }

    private static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    private static byte[] setting(int id, int value) {
        return ByteBuffer.allocate(6).putShort((short) id).putInt(value).array();
    }

    /** Valid client sequences: with the preface and a first SETTINGS when {@code connection}, bare frames otherwise. */
    static List<Mutator.Seed> corpus(boolean connection) {
        List<Mutator.Seed> seeds = new ArrayList<>();
        HpackEncoder hpack = new HpackEncoder();
        List<HeaderField> request = RawHttp2Peer.request("/multipass.Rpc/list");
        byte[] message = {0, 0, 0, 0, 3, 0x0a, 0x01, 'x'};
        for (int variant = 0; variant < 6; variant++) {
            Builder b = new Builder();
            if (connection) {
                b.out.writeBytes(FrameReader.PREFACE);
                b.frame(Frame.SETTINGS, 0, 0, variant % 2 == 0 ? new byte[0] : setting(Setting.INITIAL_WINDOW_SIZE, 1 << 20));
                b.frame(Frame.SETTINGS, Frame.FLAG_ACK, 0, new byte[0]);
            }
            byte[] block = hpack.encode(request);
            switch (variant) {
                case 0 -> {
                    b.frame(Frame.HEADERS, Frame.FLAG_END_HEADERS, 1, block);
                    b.frame(Frame.DATA, Frame.FLAG_END_STREAM, 1, message);
                }
                case 1 -> {
                    int cut = block.length / 2;
                    b.frame(Frame.HEADERS, Frame.FLAG_PRIORITY, 1, concat(ints(0), new byte[] {15}, java.util.Arrays.copyOf(block, cut)));
                    b.frame(Frame.CONTINUATION, Frame.FLAG_END_HEADERS, 1, java.util.Arrays.copyOfRange(block, cut, block.length));
                    b.frame(Frame.DATA, Frame.FLAG_PADDED, 1, concat(new byte[] {4}, message, new byte[4]));
                    b.frame(Frame.DATA, Frame.FLAG_END_STREAM, 1, new byte[0]);
                }
                case 2 -> {
                    b.frame(Frame.PING, 0, 0, new byte[8]);
                    b.frame(Frame.WINDOW_UPDATE, 0, 0, ints(1 << 16));
                    b.frame(Frame.PRIORITY, 0, 3, concat(ints(1), new byte[] {7}));
                    b.frame(Frame.HEADERS, Frame.FLAG_END_HEADERS | Frame.FLAG_END_STREAM, 3, block);
                }
                case 3 -> {
                    b.frame(Frame.HEADERS, Frame.FLAG_END_HEADERS, 1, block);
                    b.frame(Frame.WINDOW_UPDATE, 0, 1, ints(100));
                    b.frame(Frame.RST_STREAM, 0, 1, ints(ErrorCode.CANCEL.code()));
                    b.frame(Frame.HEADERS, Frame.FLAG_END_HEADERS | Frame.FLAG_PADDED, 5, concat(new byte[] {2}, block, new byte[2]));
                    b.frame(Frame.DATA, Frame.FLAG_END_STREAM, 5, message);
                }
                case 4 -> {
                    b.frame(0x42, 0xff, 7, new byte[] {1, 2, 3}); // an unknown type: ignored
                    b.frame(Frame.SETTINGS, 0, 0, concat(setting(Setting.HEADER_TABLE_SIZE, 0), setting(Setting.MAX_FRAME_SIZE, 1 << 20)));
                    b.frame(Frame.HEADERS, Frame.FLAG_END_HEADERS, 1, block);
                    b.frame(Frame.GOAWAY, 0, 0, concat(ints(0, 0), "bye".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                }
                default -> {
                    b.frame(Frame.HEADERS, 0, 1, new byte[0]);
                    b.frame(Frame.CONTINUATION, 0, 1, java.util.Arrays.copyOf(block, 3));
                    b.frame(Frame.CONTINUATION, Frame.FLAG_END_HEADERS, 1, java.util.Arrays.copyOfRange(block, 3, block.length));
                    b.frame(Frame.DATA, 0, 1, message);
                    b.frame(Frame.PING, Frame.FLAG_ACK, 0, new byte[8]);
                }
            }
            seeds.add(b.seed());
        }
        return seeds;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
