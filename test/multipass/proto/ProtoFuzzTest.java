// SPDX-License-Identifier: Apache-2.0
package multipass.proto;

import multipass.rpc.RpcMessage;
import multipass.rpc.RpcSamples;
import multipass.testing.FuzzRun;
import multipass.testing.Mutator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutation fuzzing of the protobuf decoders: every mangled encoding of an RPC message ends in a
 * decoded record or a {@link ProtoException}, never another exception, a hang or an allocation
 * out of proportion to the input, and a decoded record survives re-encoding. Each input's first
 * byte picks the decoder (a sample's index), the rest is the message; every input is also
 * walked field by field with {@link ProtoReader#skip()}, the path every unknown field takes.
 * {@code make check} runs 40,000 inputs from a fixed seed (a second or two); {@code make fuzz}
 * runs millions (see {@link FuzzRun} for the knobs).
 */
class ProtoFuzzTest {
    /** The seed the test tiers use, so its inputs are the same on every run. */
    static final long SEED = 0x5EED_0F0DL;
    /** The boundary the mutator's length operators aim at; gRPC messages here are small. */
    private static final int LIMIT = 64 * 1024;
    private static final List<RpcSamples.Sample> SAMPLES = RpcSamples.all();

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // make fuzz turns timeouts off and sets its own budget
    void everyMutatedMessageDecodesOrIsAProtoException() throws InterruptedException {
        // A decoded record holds lists, strings and readers: more bytes per input byte than a flat
        // decoder, but never in proportion to a length an input claims.
        FuzzRun run = FuzzRun.configured("rpc decode", SEED, 40_000, 512, 256 * 1024);
        List<Mutator.Seed> seeds = new ArrayList<>();
        for (int i = 0; i < SAMPLES.size(); i++) {
            byte[] body = SAMPLES.get(i).message().encode();
            byte[] input = new byte[body.length + 1];
            input[0] = (byte) i;
            System.arraycopy(body, 0, input, 1, body.length);
            seeds.add(new Mutator.Seed(input, List.of()));
        }
        FuzzRun.Report report = run.run(new Mutator(run.seed(), seeds, LIMIT), ProtoFuzzTest::decode);
        assertTrue(report.outcomes().getOrDefault("decoded", 0L) > 0, "some mutants still decode: " + report);
        assertTrue(report.outcomes().getOrDefault("rejected", 0L) > 0, "some mutants are rejected: " + report);
    }

    /** Decodes {@code input}: "decoded" (and it round-trips) or "rejected"; anything else throws. */
    static String decode(byte[] input) {
        if (input.length == 0) {
            return "empty";
        }
        RpcSamples.Sample sample = SAMPLES.get(Byte.toUnsignedInt(input[0]) % SAMPLES.size());
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        walk(body);
        RpcMessage message;
        try {
            message = sample.decoder().decode(body);
        } catch (ProtoException e) {
            if (e.getMessage() == null || e.getMessage().isEmpty()) {
                throw new AssertionError("a ProtoException without a message", e);
            }
            return "rejected";
        }
        try {
            assertEquals(message, sample.decoder().decode(message.encode()), "a decoded message survives re-encoding");
        } catch (ProtoException e) {
            throw new AssertionError("a decoded message does not decode again: " + message, e);
        }
        return "decoded";
    }

    /** Skips every field of {@code body}; only a ProtoException may stop it. */
    private static void walk(byte[] body) {
        try {
            ProtoReader reader = new ProtoReader(body);
            while (reader.nextField() != -1) {
                reader.skip();
            }
        } catch (ProtoException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        }
    }
}
