// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.api.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link GrpcTimeout}: the grpc-timeout grammar of doc/PROTOCOL-HTTP2.md, both ways. */
class GrpcTimeoutTest {
    @Test
    void parsesEveryUnit() throws GrpcException {
        assertEquals(Duration.ofHours(2), GrpcTimeout.parse("2H"));
        assertEquals(Duration.ofMinutes(3), GrpcTimeout.parse("3M"));
        assertEquals(Duration.ofSeconds(30), GrpcTimeout.parse("30S"));
        assertEquals(Duration.ofMillis(100), GrpcTimeout.parse("100m"));
        assertEquals(Duration.ofNanos(5_000), GrpcTimeout.parse("5u"));
        assertEquals(Duration.ofNanos(7), GrpcTimeout.parse("7n"));
        assertEquals(Duration.ofHours(99_999_999), GrpcTimeout.parse("99999999H"));
        assertEquals(Duration.ofMillis(1), GrpcTimeout.parse("00000001m"));
        assertEquals(Duration.ZERO, GrpcTimeout.parse("0S"));
    }

    @Test
    void rejectsWhatTheGrammarDoesNot() {
        for (String bad : new String[] {"", "S", "1", "123456789S", "1s", "1h", "-1S", "+1S", "1 S", " 1S", "1.5S", "1SS", "٣S", "1x"}) {
            GrpcException e = assertThrows(GrpcException.class, () -> GrpcTimeout.parse(bad), bad);
            assertEquals(Status.INTERNAL, e.status());
            assertEquals("malformed grpc-timeout: \"" + bad + "\"", e.getMessage());
        }
    }

    @Test
    void formatsInTheFinestUnitThatFitsRoundingUp() {
        String[][] table = {
            {"PT0.000000001S", "1n"}, {"PT0.099999999S", "99999999n"}, {"PT0.1S", "100000u"}, {"PT0.100000001S", "100001u"},
            {"PT1S", "1000000u"}, {"PT99.999999S", "99999999u"}, {"PT100S", "100000m"}, {"PT27H46M39.999S", "99999999m"},
            {"PT27H46M40S", "100000S"}, {"PT27H46M40.5S", "100001S"}, {"PT1000000H", "60000000M"}, {"PT2000000H", "2000000H"},
            {"PT99999999H", "99999999H"}, {"PT100000000H", "99999999H"}, {"PT0S", "1n"}, {"PT-5S", "1n"},
        };
        for (String[] row : table) {
            assertEquals(row[1], GrpcTimeout.format(Duration.parse(row[0])), row[0]);
        }
    }

    @Test
    void whatIsFormattedParsesToNoLessThanTheTimeout() throws GrpcException {
        for (long nanos = 1; nanos > 0 && nanos < Long.MAX_VALUE / 3; nanos = nanos * 3 + 1) {
            Duration timeout = Duration.ofNanos(nanos);
            Duration back = GrpcTimeout.parse(GrpcTimeout.format(timeout));
            assertEquals(true, back.compareTo(timeout) >= 0 && back.compareTo(timeout.multipliedBy(1001).dividedBy(1000).plusNanos(1)) <= 0,
                    timeout + " came back as " + back);
        }
    }

    @Test
    void saturatesWhatNanosecondsCannotHold() {
        assertEquals(Long.MAX_VALUE, GrpcTimeout.saturatedNanos(Duration.ofHours(99_999_999)));
        assertEquals(1_000_000_000L, GrpcTimeout.saturatedNanos(Duration.ofSeconds(1)));
    }
}
