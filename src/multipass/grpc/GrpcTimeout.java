// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.api.Status;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The {@code grpc-timeout} header of grpc's doc/PROTOCOL-HTTP2.md: TimeoutValue (at most 8
 * ASCII digits) then TimeoutUnit ({@code H} hours, {@code M} minutes, {@code S} seconds,
 * {@code m} milliseconds, {@code u} microseconds, {@code n} nanoseconds). The grammar asks for
 * a positive value; we read {@code 0} too (an expired deadline), as grpc's own servers do.
 */
public final class GrpcTimeout {
    /** The header's name. */
    public static final String HEADER = "grpc-timeout";
    /** TimeoutValue's most digits. */
    public static final int MAX_DIGITS = 8;
    /** The largest TimeoutValue: eight nines. */
    static final long MAX_VALUE = 99_999_999L;

    private static final String UNITS = "HMSmun";
    private static final ChronoUnit[] CHRONO = {ChronoUnit.HOURS, ChronoUnit.MINUTES, ChronoUnit.SECONDS, ChronoUnit.MILLIS,
        ChronoUnit.MICROS, ChronoUnit.NANOS};

    private GrpcTimeout() {
    }

    /**
     * The timeout {@code value} stands for.
     *
     * @throws GrpcException INTERNAL when it does not follow the grammar, naming the value
     */
    public static Duration parse(String value) throws GrpcException {
        int digits = value.length() - 1;
        int unit = digits < 1 ? -1 : UNITS.indexOf(value.charAt(digits));
        if (digits < 1 || digits > MAX_DIGITS || unit < 0 || !allDigits(value, digits)) {
            throw new GrpcException(Status.INTERNAL, "malformed grpc-timeout: \"" + value + "\"");
        }
        return Duration.of(Long.parseLong(value, 0, digits, 10), CHRONO[unit]);
    }

    /**
     * {@code timeout} in the finest unit whose value fits in eight digits, rounded up (a
     * deadline may be late, never early); a timeout that is not positive becomes {@code 1n},
     * one past eight nines of hours becomes the largest value.
     */
    public static String format(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            return "1n";
        }
        for (int i = CHRONO.length - 1; i >= 0; i--) {
            Duration unit = CHRONO[i].getDuration();
            if (timeout.compareTo(unit.multipliedBy(MAX_VALUE)) <= 0) {
                return ceilDiv(timeout, unit) + String.valueOf(UNITS.charAt(i));
            }
        }
        return MAX_VALUE + "H";
    }

    /** {@code timeout} in nanoseconds, Long.MAX_VALUE when it is longer than that holds (292 years). */
    static long saturatedNanos(Duration timeout) {
        return timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : timeout.toNanos();
    }

    private static long ceilDiv(Duration timeout, Duration unit) {
        long whole = timeout.dividedBy(unit);
        return unit.multipliedBy(whole).equals(timeout) ? whole : whole + 1;
    }

    private static boolean allDigits(String value, int end) {
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
