// SPDX-License-Identifier: Apache-2.0
package multipass.proto;

import java.time.Instant;

/**
 * The well-known type {@code google.protobuf.Timestamp}: a point in time as {@code seconds}
 * (field 1, int64) since the Unix epoch and {@code nanos} (field 2, int32) into that second.
 * Its documented range is 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z, with nanos
 * from 0 to 999,999,999; the constructor and {@link #read} enforce it, so that every value
 * converts to an {@link Instant}. Immutable.
 */
public record Timestamp(long seconds, int nanos) {
    /** 0001-01-01T00:00:00Z. */
    public static final long MIN_SECONDS = -62_135_596_800L;
    /** 9999-12-31T23:59:59Z. */
    public static final long MAX_SECONDS = 253_402_300_799L;

    /** @throws IllegalArgumentException if either part is outside the documented range */
    public Timestamp {
        String problem = problem(seconds, nanos);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** The timestamp of {@code instant}. */
    public static Timestamp of(Instant instant) {
        return new Timestamp(instant.getEpochSecond(), instant.getNano());
    }

    /** This timestamp as an {@link Instant}. */
    public Instant toInstant() {
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** The message's bytes (the epoch itself is the empty message). */
    public byte[] encode() {
        return new ProtoWriter().writeInt64(1, seconds).writeInt32(2, nanos).toByteArray();
    }

    /** Decodes a whole message. */
    public static Timestamp decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message, e.g. an embedded one from {@link ProtoReader#readMessage()}; unknown fields are skipped. */
    public static Timestamp read(ProtoReader reader) throws ProtoException {
        long seconds = 0;
        int nanos = 0;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> seconds = reader.readInt64();
                case 2 -> nanos = reader.readInt32();
                default -> reader.skip();
            }
        }
        String problem = problem(seconds, nanos);
        if (problem != null) {
            throw new ProtoException(problem);
        }
        return new Timestamp(seconds, nanos);
    }

    private static String problem(long seconds, int nanos) {
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            return "Timestamp seconds " + seconds + " outside " + MIN_SECONDS + ".." + MAX_SECONDS;
        }
        if (nanos < 0 || nanos > 999_999_999) {
            return "Timestamp nanos " + nanos + " outside 0..999999999";
        }
        return null;
    }
}
