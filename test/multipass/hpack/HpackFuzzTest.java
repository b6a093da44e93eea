// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import multipass.testing.FuzzRun;
import multipass.testing.Mutator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static multipass.hpack.AppendixCTest.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutation fuzzing of {@link HpackDecoder#decode}: every block, however mangled, ends in a
 * header list (perhaps too large) or an {@link HpackException} with a message, never another
 * exception, a hang or an allocation out of proportion to the block. A decoded list must also
 * survive re-encoding unchanged. The seeds are RFC 7541 Appendix C's blocks (and each sequence
 * as one block) and our encoder's blocks. {@code make check} runs 200,000 inputs from a fixed
 * seed, a few seconds; {@code make fuzz} runs millions (see {@link FuzzRun} for the knobs).
 */
class HpackFuzzTest {
    /** The seed the test tiers use, so its inputs are the same on every run. */
    static final long SEED = 0x5EED_4AC7L;
    /** HTTP/2's default SETTINGS_MAX_FRAME_SIZE: the boundary length the mutator aims at. */
    private static final int MAX_BLOCK = 16_384;
    private static final int TABLE_SIZE = 4096;
    private static final int MAX_LIST = 8192;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // make fuzz turns timeouts off and sets its own budget
    void everyMutatedBlockDecodesOrIsAnHpackError() throws InterruptedException {
        FuzzRun run = FuzzRun.configured("HpackDecoder.decode", SEED, 200_000, 32, 256 * 1024);
        Mutator mutator = new Mutator(run.seed(), corpus(), MAX_BLOCK);
        FuzzRun.Report report = run.run(mutator, HpackFuzzTest::decode);
        assertTrue(report.outcomes().getOrDefault("decoded", 0L) > 0, "some mutants still decode: " + report);
        assertTrue(report.outcomes().getOrDefault("rejected", 0L) > 0, "many mutants are rejected: " + report);
    }

    /** Decodes {@code block} with a fresh decoder: "decoded" (and it round-trips), "too large" or "rejected"; anything else throws. */
    static String decode(byte[] block) {
        HeaderBlock decoded;
        try {
            decoded = new HpackDecoder(TABLE_SIZE, MAX_LIST).decode(ByteBuffer.wrap(block));
        } catch (HpackException e) {
            if (e.getMessage() == null || !e.getMessage().contains("offset ")) {
                throw new AssertionError("an HPACK error without a message naming its offset", e);
            }
            return "rejected";
        }
        if (decoded.tooLarge()) {
            assertEquals(List.of(), decoded.fields());
            return "too large";
        }
        byte[] again = new HpackEncoder().encode(decoded.fields());
        try {
            HeaderBlock redecoded = new HpackDecoder(TABLE_SIZE, MAX_LIST).decode(ByteBuffer.wrap(again));
            assertEquals(decoded.fields(), redecoded.fields(), "a decoded list survives re-encoding");
            assertFalse(redecoded.tooLarge());
        } catch (HpackException e) {
            throw new AssertionError("our own encoding of a decoded list does not decode", e);
        }
        return "decoded";
    }

    @Test
    @Timeout(30)
    void shortBlocksOfEveryFillAreJudgedWithoutSurprises() {
        for (int length = 0; length <= 3; length++) {
            for (int fill = 0; fill < 256; fill++) {
                byte[] block = new byte[length];
                Arrays.fill(block, (byte) fill);
                decode(block);
            }
        }
    }

    private static List<Mutator.Seed> corpus() {
        List<byte[]> blocks = new ArrayList<>();
        for (String hex : AppendixCTest.BLOCKS) {
            blocks.add(HexFormat.of().parseHex(hex));
        }
        HpackEncoder encoder = new HpackEncoder();
        blocks.add(encoder.encode(fields(":method", "POST", ":scheme", "https", ":path", "/multipass.Rpc/Authenticate",
                ":authority", "localhost", "content-type", "application/grpc", "te", "trailers", "grpc-timeout", "30S")));
        blocks.add(encoder.encode(fields(":status", "200", "content-type", "application/grpc")));
        blocks.add(encoder.encode(fields("grpc-status", "16", "grpc-message", "passphrase%20refused", "x-bin", "\u00ff\u0000\u0080")));
        encoder.peerMaxTableSize(0);
        blocks.add(encoder.encode(fields(":method", "GET")));
        blocks.add(HexFormat.of().parseHex("3fe11f203f4f" + AppendixCTest.C_2_1 + "bebebe"));
        List<Mutator.Seed> seeds = new ArrayList<>();
        for (byte[] block : blocks) {
            seeds.add(new Mutator.Seed(block, List.of())); // HPACK has no fixed-width length fields
        }
        return seeds;
    }
}
