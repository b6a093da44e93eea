// SPDX-License-Identifier: Apache-2.0
package multipass.protocol;

import multipass.testing.FuzzRun;
import multipass.testing.Mutator;
import multipass.testing.ProtocolCorpus;
import multipass.transport.FrameChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutation fuzzing of {@link MessageCodec#decode} (issue 8): every input, however mangled,
 * ends in a decoded message or a {@link ProtocolException}, never another exception, a hang
 * or an allocation out of proportion to the input. A decoded message must also survive
 * re-encoding unchanged. {@code make check} and {@code make test} run 50,000 inputs from a
 * fixed seed; {@code make fuzz} runs millions (see {@link FuzzRun} for the knobs).
 */
class MessageCodecFuzzTest {
    /** The seed the test tiers use, so its inputs are the same on every run. */
    static final long SEED = 0x5EED_0008L;
    /** The frame limit: the largest body a peer may send. */
    private static final int MAX_BODY = FrameChannel.MAX_FRAME;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // make fuzz turns timeouts off and sets its own budget
    void everyMutatedBodyDecodesOrIsAProtocolError() throws InterruptedException {
        FuzzRun run = FuzzRun.configured("MessageCodec.decode", SEED, 50_000, 32, 256 * 1024);
        Mutator mutator = new Mutator(run.seed(), ProtocolCorpus.bodies(ProtocolCorpus.messages()), MAX_BODY);
        FuzzRun.Report report = run.run(mutator, MessageCodecFuzzTest::decode);
        assertTrue(report.outcomes().getOrDefault("decoded", 0L) > 0, "some mutants still decode: " + report);
        assertTrue(report.outcomes().getOrDefault("rejected", 0L) > 0, "most mutants are rejected: " + report);
    }

    /** Decodes {@code body}: "decoded" (and it round-trips) or "rejected"; anything else throws. */
    static String decode(byte[] body) throws ProtocolException {
        Message message;
        try {
            message = MessageCodec.decode(body);
        } catch (ProtocolException e) {
            if (e.getMessage() == null || e.getMessage().isEmpty()) {
                throw new AssertionError("a protocol error without a message", e);
            }
            return "rejected";
        }
        assertEquals(message, MessageCodec.decode(MessageCodec.encode(message)), "a decoded message survives re-encoding");
        return "decoded";
    }

    @Test
    @Timeout(30)
    void bodiesOfBoundaryLengthsAreJudgedWithoutSurprises() throws ProtocolException {
        for (int length = 0; length <= 6; length++) {
            for (int fill : new int[] {0, 1, 0xFF}) {
                byte[] body = new byte[length];
                Arrays.fill(body, (byte) fill);
                decode(body);
            }
        }
        assertThrows(ProtocolException.class, () -> MessageCodec.decode(new byte[0]));
        // The largest body a frame may hold: a request whose argument fills it exactly.
        Request largest = Request.of("list", 0, "");
        int overhead = MessageCodec.encode(largest).length;
        Request full = Request.of("list", 0, "a".repeat(MAX_BODY - overhead));
        byte[] body = MessageCodec.encode(full);
        assertEquals(MAX_BODY, body.length);
        assertEquals(full, MessageCodec.decode(body));
        body[body.length - 1] = (byte) 0xFF; // no longer UTF-8
        assertEquals("a string field is not valid UTF-8", assertThrows(ProtocolException.class, () -> MessageCodec.decode(body)).getMessage());
    }

    @Test
    @Timeout(30)
    void lengthFieldsClaimingGigabytesAreRefusedBeforeAnyAllocation() {
        byte[] body = MessageCodec.encode(Request.of("list", 0));
        for (long claim : new long[] {0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL}) {
            byte[] bogus = body.clone();
            ByteBuffer.wrap(bogus).putInt(3, (int) claim); // the command field's length
            ProtocolException e = assertThrows(ProtocolException.class, () -> MessageCodec.decode(bogus));
            assertEquals("field 1 length " + claim + " runs past the end of the message (" + (body.length - 7) + " byte(s) left)", e.getMessage());
        }
    }
}
