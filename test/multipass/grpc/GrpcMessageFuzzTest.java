// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.api.Status;
import multipass.testing.FuzzRun;
import multipass.testing.Mutator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutation fuzzing of {@link MessageReader}: mangled streams of Length-Prefixed-Messages,
 * cut into DATA chunks of random sizes, end in messages (that frame back to exactly the bytes
 * that came), a stream that stops mid-message, or a {@link GrpcException} with one of the
 * documented statuses (RESOURCE_EXHAUSTED, UNIMPLEMENTED, INTERNAL) and a message; never
 * another exception, a hang, or an allocation that follows a length prefix rather than the
 * bytes that came. {@code make check} runs 50,000 streams from a fixed seed; {@code make fuzz}
 * many more (see {@link FuzzRun}).
 */
class GrpcMessageFuzzTest {
    /** The seed the test tiers use, so its inputs are the same on every run. */
    static final long SEED = 0x5EED_69C0L;
    /** The message limit under test: small, so that the length operators reach past it. */
    private static final int MAX_MESSAGE = 64 * 1024;
    /** The connection budget under test: less than one message of the limit, so it is reached too. */
    private static final long BUDGET = 48 * 1024;
    /** Per stream: the reader's first buffer and room for an exception or two. */
    private static final long SLACK = 256 * 1024;
    private static final Set<Status> DOCUMENTED = Set.of(Status.RESOURCE_EXHAUSTED, Status.UNIMPLEMENTED, Status.INTERNAL);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // make fuzz turns timeouts off and sets its own budget
    void everyMutatedChunkSequenceYieldsMessagesOrADocumentedStatus() throws InterruptedException {
        FuzzRun run = FuzzRun.configured("MessageReader.read", SEED, 50_000, 32, SLACK);
        Mutator mutator = new Mutator(run.seed(), corpus(), MAX_MESSAGE);
        Random pieces = new Random(run.seed());
        FuzzRun.Report report = run.run(mutator, stream -> readAll(stream, pieces.nextLong()));
        assertTrue(report.outcomes().getOrDefault("messages", 0L) > 0, "some mutants still frame: " + report);
        assertTrue(report.outcomes().keySet().stream().anyMatch(o -> o.startsWith("rejected")), "some mutants are rejected: " + report);
    }

    /** Streams of one to four messages, and where their length fields are. */
    static List<Mutator.Seed> corpus() {
        byte[][] messages = {new byte[0], "list".getBytes(StandardCharsets.US_ASCII), new byte[] {0x0a, 0x03, 'f', 'o', 'o'}, new byte[300],
            PercentEncodingTest.NOT_AUTHENTICATED.getBytes(StandardCharsets.UTF_8)};
        List<Mutator.Seed> seeds = new ArrayList<>();
        for (int first = 0; first < messages.length; first++) {
            for (int count = 1; count <= 4; count++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                List<Mutator.LengthField> lengths = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    lengths.add(new Mutator.LengthField(out.size() + 1, 4));
                    ByteBuffer framed = MessageFraming.frame(messages[(first + i) % messages.length]);
                    out.write(framed.array(), 0, framed.remaining());
                }
                seeds.add(new Mutator.Seed(out.toByteArray(), lengths));
            }
        }
        return seeds;
    }

    /** Feeds {@code stream} in random pieces: "messages", "stopped mid-message" or "rejected STATUS"; anything else throws. */
    static String readAll(byte[] stream, long seed) {
        Random random = new Random(seed);
        MemoryBudget budget = new MemoryBudget(BUDGET);
        MessageReader reader = new MessageReader(MAX_MESSAGE, budget);
        ByteArrayOutputStream reframed = new ByteArrayOutputStream();
        int at = 0;
        try {
            while (at < stream.length) {
                int size = Math.min(stream.length - at, 1 + random.nextInt(random.nextBoolean() ? 8 : 4096));
                ByteBuffer chunk = ByteBuffer.wrap(stream, at, size);
                while (chunk.hasRemaining()) {
                    byte[] message = reader.read(chunk);
                    if (message != null) {
                        ByteBuffer framed = MessageFraming.frame(message);
                        reframed.write(framed.array(), 0, framed.remaining());
                    }
                }
                at += size;
            }
        } catch (GrpcException e) {
            if (!DOCUMENTED.contains(e.status()) || e.getMessage() == null || e.getMessage().isEmpty()) {
                throw new AssertionError("an undocumented rejection: " + e.status() + " " + e.getMessage(), e);
            }
            reader.release();
            checkBudget(budget);
            return "rejected " + e.status();
        }
        if (reader.midMessage()) {
            reader.release();
            checkBudget(budget);
            return "stopped mid-message";
        }
        assertArrayEquals(stream, reframed.toByteArray(), "the messages frame back to the stream");
        checkBudget(budget);
        return "messages";
    }

    private static void checkBudget(MemoryBudget budget) {
        if (budget.used() != 0) {
            throw new AssertionError("the reader kept " + budget.used() + " bytes of the budget");
        }
    }

    @Test
    @Timeout(30)
    void theSeedsThemselvesFrameBack() {
        for (Mutator.Seed seed : corpus()) {
            for (long split = 0; split < 20; split++) {
                assertTrue(readAll(seed.bytes(), split).equals("messages"), Arrays.toString(seed.bytes()));
            }
        }
    }
}
