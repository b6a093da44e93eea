// SPDX-License-Identifier: Apache-2.0
package multipass.transport;

import multipass.protocol.Message;
import multipass.protocol.MessageCodec;
import multipass.protocol.ProtocolException;
import multipass.protocol.Request;
import multipass.testing.FuzzRun;
import multipass.testing.Mutator;
import multipass.testing.ProtocolCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.sun.management.ThreadMXBean;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutation fuzzing of the frame layer (issue 8): mangled streams of frames, delivered in
 * random-sized pieces through {@link TlsChannel} (over a {@link PlainEngine}, so without
 * cryptography) and read with {@link FrameChannel#receive}, until a clean end. Every stream
 * ends in messages and a clean end, or a {@link ProtocolException}; never another exception,
 * a hang, or an allocation that follows a length prefix rather than the bytes that came.
 * {@code make check} and {@code make test} run 50,000 streams from a fixed seed;
 * {@code make fuzz} many more.
 */
class FrameFuzzTest {
    /** The seed the test tiers use, so its inputs are the same on every run. */
    static final long SEED = 0x5EED_F8A3EL;
    /** Per stream: TlsChannel's three buffers (about 50 KiB) and room for an exception or two. */
    private static final long SLACK = 256 * 1024;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // make fuzz turns timeouts off and sets its own budget
    void everyMutatedStreamEndsCleanlyOrInAProtocolError() throws InterruptedException {
        FuzzRun run = FuzzRun.configured("FrameChannel.receive", SEED, 50_000, 32, SLACK);
        Mutator mutator = new Mutator(run.seed(), ProtocolCorpus.frameStreams(ProtocolCorpus.messages()), FrameChannel.MAX_FRAME);
        Random pieces = new Random(run.seed());
        FuzzRun.Report report = run.run(mutator, stream -> readAll(stream, pieces.nextLong()));
        assertTrue(report.outcomes().getOrDefault("clean end", 0L) > 0, "some mutants still frame and decode: " + report);
        assertTrue(report.outcomes().getOrDefault("rejected", 0L) > 0, "most mutants are rejected: " + report);
    }

    /** Reads frames from {@code stream} until a clean end ("clean end") or a protocol error ("rejected"). */
    static String readAll(byte[] stream, long seed) throws IOException {
        try (FrameChannel frames = new FrameChannel(new TlsChannel(new ScriptedChannel(stream, seed), new PlainEngine()))) {
            for (int frame = 0; frame <= stream.length / 5; frame++) {
                Message message = frames.receive();
                if (message == null) {
                    return "clean end";
                }
            }
            throw new AssertionError("more frames than a stream of " + stream.length + " bytes can hold");
        } catch (ProtocolException e) {
            return "rejected";
        }
    }

    @Test
    @Timeout(30)
    void aLengthPrefixAloneCostsNoMoreThanTheBytesThatCame() throws IOException {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int claim : new int[] {FrameChannel.MAX_FRAME, FrameChannel.MAX_FRAME - 1, 1 << 19}) {
            byte[] stream = ByteBuffer.allocate(4 + 3).putInt(claim).put(new byte[] {1, 1, 1}).array();
            long before = threads.getCurrentThreadAllocatedBytes();
            ProtocolException e = assertThrows(ProtocolException.class, () -> receiveOnly(stream));
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals("frame truncated: connection closed by peer after 3 of " + claim + " byte(s)", e.getMessage());
            assertTrue(allocated < SLACK, "a frame that announces " + claim + " bytes and brings 3 allocated " + allocated + " bytes");
        }
    }

    @Test
    @Timeout(30)
    void framesOfTheLimitAndJustPastItAreToldApart() throws IOException {
        Request base = Request.of("list", 0, "");
        Request full = Request.of("list", 0, "a".repeat(FrameChannel.MAX_FRAME - MessageCodec.encode(base).length));
        byte[] atLimit = ProtocolCorpus.frame(MessageCodec.encode(full));
        assertEquals("clean end", readAll(atLimit, 1));
        assertEquals(full, receiveOnly(atLimit));
        byte[] pastLimit = ByteBuffer.allocate(4 + 8).putInt(FrameChannel.MAX_FRAME + 1).array();
        assertEquals("invalid frame length 1048577 (must be 1 to 1048576)",
                assertThrows(ProtocolException.class, () -> receiveOnly(pastLimit)).getMessage());
        assertNull(receiveOnly(new byte[0]), "a clean end before any frame");
    }

    private static Message receiveOnly(byte[] stream) throws IOException {
        try (FrameChannel frames = new FrameChannel(new TlsChannel(new ScriptedChannel(stream, 7), new PlainEngine()))) {
            return frames.receive();
        }
    }

    /** A channel that reads a fixed byte string in pieces of random size, then end of stream; writes go nowhere. */
    private static final class ScriptedChannel implements ByteChannel {
        private final ByteBuffer input;
        private final Random random;
        private boolean open = true;

        ScriptedChannel(byte[] input, long seed) {
            this.input = ByteBuffer.wrap(input);
            this.random = new Random(seed);
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!input.hasRemaining()) {
                return -1;
            }
            int n = Math.min(dst.remaining(), Math.min(input.remaining(), 1 + random.nextInt(random.nextBoolean() ? 8 : 4096)));
            dst.put(input.slice().limit(n));
            input.position(input.position() + n);
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
