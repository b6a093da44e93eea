// SPDX-License-Identifier: Apache-2.0
package multipass.proto;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Timestamp}: the well-known type's encoding, its range and its Instant. */
class TimestampTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesAsProtocDoes() throws ProtoException {
        Timestamp timestamp = new Timestamp(1_700_000_000L, 5); // protoc: seconds: 1700000000 nanos: 5
        assertEquals("0880e2cfaa06" + "1005", HEX.formatHex(timestamp.encode()));
        assertEquals(timestamp, Timestamp.decode(timestamp.encode()));
        assertEquals("", HEX.formatHex(new Timestamp(0, 0).encode()), "the epoch is the empty message");
        assertEquals(new Timestamp(0, 0), Timestamp.decode(new byte[0]));
        assertEquals("08ffffffffffffffffff01", HEX.formatHex(new Timestamp(-1, 0).encode()));
        assertEquals(new Timestamp(7, 0), Timestamp.decode(HEX.parseHex("0807" + "1a0178")), "unknown fields are skipped");
    }

    @Test
    void convertsToAndFromInstant() {
        Instant instant = Instant.parse("2024-05-01T10:00:00.123456789Z");
        Timestamp timestamp = Timestamp.of(instant);
        assertEquals(new Timestamp(instant.getEpochSecond(), 123_456_789), timestamp);
        assertEquals(instant, timestamp.toInstant());
        assertEquals(Instant.parse("0001-01-01T00:00:00Z"), new Timestamp(Timestamp.MIN_SECONDS, 0).toInstant());
        assertEquals(Instant.parse("9999-12-31T23:59:59.999999999Z"), new Timestamp(Timestamp.MAX_SECONDS, 999_999_999).toInstant());
        assertEquals(Instant.parse("1969-12-31T23:59:59.5Z"), new Timestamp(-1, 500_000_000).toInstant(), "nanos count forwards");
        assertThrows(IllegalArgumentException.class, () -> Timestamp.of(Instant.MAX));
    }

    @Test
    void valuesOutsideTheRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Timestamp(Timestamp.MAX_SECONDS + 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Timestamp(Timestamp.MIN_SECONDS - 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Timestamp(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new Timestamp(0, 1_000_000_000));
        ProtoException e = assertThrows(ProtoException.class, () -> Timestamp.decode(HEX.parseHex("108094ebdc03")));
        assertEquals("Timestamp nanos 1000000000 outside 0..999999999", e.getMessage());
        e = assertThrows(ProtoException.class, () -> Timestamp.decode(HEX.parseHex("08ffffffffffffffff7f")));
        assertEquals("Timestamp seconds 9223372036854775807 outside -62135596800..253402300799", e.getMessage());
        e = assertThrows(ProtoException.class, () -> Timestamp.decode(HEX.parseHex("0a00")));
        assertEquals("field 1: wire type 2 where int64 needs 0", e.getMessage());
    }
}
