// SPDX-License-Identifier: Apache-2.0
package multipass.testing;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A seeded mutation fuzzer for byte strings, in the spirit of AFL's "havoc" stage but small
 * enough to read: each input is a valid seed from a corpus with one to four mutations stacked
 * on it. The same seed and corpus give the same inputs in the same order, so any failure can be
 * replayed from the seed and the input's number.
 *
 * <p>The operators: flip bits; set bytes to interesting values (0, 1, 0x7F, 0x80, 0xFF, small
 * numbers that are valid tags, types or levels); insert or delete bytes; corrupt a length
 * field (the seed says where its length fields are) with an edge value (0, off by one, the
 * bytes left, 2^31, 2^32 - 1, the frame limit and one past it); truncate; splice the head of
 * one seed onto the tail of another, or graft a piece of another seed in; and resize to a
 * boundary length (0 to 6 bytes, one more or less, and rarely the frame limit it is given, exactly
 * and one past it). Not thread-safe.
 */
public final class Mutator {
    /** The mutation operators, for counting what was applied. */
    public enum Operator { FLIP_BITS, SET_BYTES, INSERT_BYTES, DELETE_BYTES, CORRUPT_LENGTH, TRUNCATE, SPLICE, BOUNDARY_LENGTH }

    /** A length field of a seed: {@code width} (2 or 4) big-endian bytes at {@code offset}. */
    public record LengthField(int offset, int width) {
    }

    /** A valid input and where its length fields are. */
    public record Seed(byte[] bytes, List<LengthField> lengths) {
        public Seed {
            bytes = bytes.clone();
            lengths = List.copyOf(lengths);
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    /** One generated input and the operators that made it. */
    public record Mutant(byte[] bytes, Set<Operator> operators) {
    }

    private static final int[] INTERESTING_BYTES = {0, 1, 2, 3, 4, 5, 16, 0x7F, 0x80, 0xFE, 0xFF};
    private static final Operator[] OPERATORS = Operator.values();

    private final Random random;
    private final List<Seed> corpus;
    private final int frameLimit;

    /**
     * @param seed       the random seed
     * @param corpus     the valid inputs to start from
     * @param frameLimit the largest valid length (the boundary the length operators aim at)
     */
    public Mutator(long seed, List<Seed> corpus, int frameLimit) {
        this.random = new Random(seed);
        this.corpus = List.copyOf(corpus);
        this.frameLimit = frameLimit;
    }

    /** The next input. */
    public Mutant next() {
        Seed seed = pick();
        byte[] bytes = seed.bytes();
        EnumSet<Operator> applied = EnumSet.noneOf(Operator.class);
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            Operator operator = OPERATORS[random.nextInt(OPERATORS.length)];
            // The length map describes the pristine seed: aim at it only before anything moved.
            if (operator == Operator.CORRUPT_LENGTH && !applied.isEmpty()) {
                operator = Operator.FLIP_BITS;
            }
            bytes = apply(operator, bytes, seed);
            applied.add(operator);
        }
        return new Mutant(bytes, applied);
    }

    private Seed pick() {
        return corpus.get(random.nextInt(corpus.size()));
    }

    private byte[] apply(Operator operator, byte[] bytes, Seed seed) {
        switch (operator) {
            case FLIP_BITS:
                return flipBits(bytes);
            case SET_BYTES:
                return setBytes(bytes);
            case INSERT_BYTES:
                return insertBytes(bytes);
            case DELETE_BYTES:
                return deleteBytes(bytes);
            case CORRUPT_LENGTH:
                return corruptLength(bytes, seed.lengths());
            case TRUNCATE:
                return bytes.length == 0 ? bytes : Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case SPLICE:
                return splice(bytes, pick().bytes());
            case BOUNDARY_LENGTH:
                return boundaryLength(bytes);
            default:
                throw new IllegalStateException("unknown operator " + operator);
        }
    }

    private byte[] flipBits(byte[] bytes) {
        if (bytes.length == 0) {
            return bytes;
        }
        for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
            bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return bytes;
    }

    private byte[] setBytes(byte[] bytes) {
        if (bytes.length == 0) {
            return bytes;
        }
        for (int sets = 1 + random.nextInt(4); sets > 0; sets--) {
            bytes[random.nextInt(bytes.length)] = interestingByte();
        }
        return bytes;
    }

    private byte[] insertBytes(byte[] bytes) {
        int at = random.nextInt(bytes.length + 1);
        byte[] inserted = new byte[1 + random.nextInt(8)];
        for (int i = 0; i < inserted.length; i++) {
            inserted[i] = random.nextBoolean() ? interestingByte() : (byte) random.nextInt(256);
        }
        return concat(Arrays.copyOfRange(bytes, 0, at), inserted, Arrays.copyOfRange(bytes, at, bytes.length));
    }

    private byte[] deleteBytes(byte[] bytes) {
        if (bytes.length == 0) {
            return bytes;
        }
        int at = random.nextInt(bytes.length);
        int end = Math.min(bytes.length, at + 1 + random.nextInt(8));
        return concat(Arrays.copyOfRange(bytes, 0, at), Arrays.copyOfRange(bytes, end, bytes.length));
    }

    private byte[] corruptLength(byte[] bytes, List<LengthField> lengths) {
        if (lengths.isEmpty()) {
            return flipBits(bytes);
        }
        LengthField field = lengths.get(random.nextInt(lengths.size()));
        long original = 0;
        for (int i = 0; i < field.width(); i++) {
            original = original << 8 | Byte.toUnsignedInt(bytes[field.offset() + i]);
        }
        long left = bytes.length - field.offset() - field.width();
        long[] candidates = {0, 1, original - 1, original + 1, left, left + 1, Math.max(0, left - 1), 0xFFFFL, 0x7FFF_FFFFL,
            0x8000_0000L, 0xFFFF_FFFFL, frameLimit, frameLimit + 1L, random.nextInt() & 0xFFFF_FFFFL};
        long value = candidates[random.nextInt(candidates.length)];
        for (int i = field.width() - 1; i >= 0; i--) {
            bytes[field.offset() + i] = (byte) value;
            value >>>= 8;
        }
        return bytes;
    }

    private byte[] splice(byte[] head, byte[] other) {
        int cut = random.nextInt(head.length + 1);
        int from = random.nextInt(other.length + 1);
        if (random.nextBoolean()) {
            return concat(Arrays.copyOfRange(head, 0, cut), Arrays.copyOfRange(other, from, other.length));
        }
        int to = from + random.nextInt(other.length - from + 1);
        return concat(Arrays.copyOfRange(head, 0, cut), Arrays.copyOfRange(other, from, to), Arrays.copyOfRange(head, cut, head.length));
    }

    private byte[] boundaryLength(byte[] bytes) {
        int size;
        if (random.nextInt(2000) == 0) {
            size = frameLimit + random.nextInt(2) - random.nextInt(2);
        } else {
            int[] sizes = {0, 1, 2, 3, 4, 5, 6, Math.max(0, bytes.length - 1), bytes.length + 1};
            size = sizes[random.nextInt(sizes.length)];
        }
        byte[] resized = Arrays.copyOf(bytes, size);
        byte fill = interestingByte();
        for (int i = bytes.length; i < size; i++) {
            resized[i] = fill;
        }
        return resized;
    }

    private byte interestingByte() {
        return (byte) INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Lists the operators for a report: {@code FLIP_BITS+SPLICE}. */
    public static String describe(Set<Operator> operators) {
        List<String> names = new ArrayList<>();
        operators.forEach(operator -> names.add(operator.name()));
        return String.join("+", names);
    }
}
