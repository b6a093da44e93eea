// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;

/**
 * The metadata line above a block, for {@link StoreScanner}: parsed in place from the file's
 * bytes when it is exactly what {@link StoreFile#fields} writes ({@code user=alice uid=1000
 * method=passphrase admitted=2026-11-26T15:00:00Z}), else kept as text for the general parser
 * ({@link StoreFile#entry(byte[], String, java.util.Map)}: fields in another order, unknown
 * fields, a leap second...), whose verdict waits until the line turns out to be a block's
 * metadata. Holds the one line pending at a time, and one String per user name. Not thread-safe.
 */
final class MetadataParser {
    private static final byte[] USER = ascii(" user=");
    private static final byte[] UID = ascii(" uid=");
    private static final byte[] METHOD = ascii(" method=");
    private static final byte[] ADMITTED = ascii(" admitted=");
    private static final AdmissionMethod[] METHODS = AdmissionMethod.values();
    private static final byte[][] LABELS = new byte[METHODS.length][];
    private static final int[] DAYS_BEFORE_MONTH = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

    static {
        for (int i = 0; i < METHODS.length; i++) { // a loop, not a stream: no lambda to bootstrap while the daemon starts
            LABELS[i] = ascii(METHODS[i].label());
        }
    }

    private final UserNames users = new UserNames();
    private byte[] line;
    private int at;
    private int end;
    /** The line's text after the prefix when it is not in the usual form, else null. */
    private String text;
    private String user;
    private long uid;
    private AdmissionMethod method;
    private long admitted;

    /** Takes the fields in {@code line[from, to)} (what follows the metadata prefix) as the pending ones. */
    void parse(byte[] line, int from, int to) {
        this.line = line;
        this.at = from;
        this.end = to;
        text = null;
        if (!(literal(USER) && user() && literal(UID) && uid() && literal(METHOD) && method() && literal(ADMITTED) && admitted() && at == end)) {
            text = new String(line, from, to - from, StandardCharsets.ISO_8859_1);
        }
        this.line = null;
    }

    /** The entry of {@code der} (handed over) with the pending fields; null when they do not parse. */
    TrustEntry entry(byte[] der) {
        if (text == null) {
            return new TrustEntry(der, user, uid, method, admitted, 0);
        }
        try {
            return StoreFile.entry(der, text, new HashMap<>());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return null; // the general reader, which the scanner gives way to, reports it with its line
        }
    }

    private boolean literal(byte[] expected) {
        if (end - at < expected.length || !at(line, at, expected)) {
            return false;
        }
        at += expected.length;
        return true;
    }

    /**
     * True when {@code bytes} holds {@code text} at {@code from} (which the caller has checked
     * fits). A plain loop rather than {@code Arrays.equals} with ranges: the compiler inlines this
     * at every call site of the scan, and the short loop keeps that code small.
     */
    static boolean at(byte[] bytes, int from, byte[] text) {
        for (int i = 0; i < text.length; i++) {
            if (bytes[from + i] != text[i]) {
                return false;
            }
        }
        return true;
    }

    /** Up to the next space; its length. */
    private int word() {
        int from = at;
        while (at < end && line[at] != ' ') {
            at++;
        }
        return at - from;
    }

    private boolean user() {
        int length = word();
        user = length == 0 ? null : users.get(line, at - length, length);
        return user != null;
    }

    /** An optional minus and 1 to 18 digits (no overflow). */
    private boolean uid() {
        int length = word();
        int from = at - length;
        boolean negative = length > 1 && line[from] == '-';
        int digits = negative ? length - 1 : length;
        if (digits < 1 || digits > 18) {
            return false;
        }
        long value = number(at - digits, at);
        uid = negative ? -value : value;
        return value >= 0;
    }

    private boolean method() {
        int length = word();
        for (int i = 0; i < LABELS.length; i++) {
            if (length == LABELS[i].length && at(line, at - length, LABELS[i])) {
                method = METHODS[i];
                return true;
            }
        }
        return false;
    }

    /** {@code yyyy-MM-ddTHH:mm:ssZ}, a valid date and time of day, as seconds since the epoch. */
    private boolean admitted() {
        int length = word();
        int from = at - length;
        if (length != 20 || line[from + 4] != '-' || line[from + 7] != '-' || line[from + 10] != 'T' || line[from + 13] != ':'
                || line[from + 16] != ':' || line[from + 19] != 'Z') {
            return false;
        }
        long year = number(from, from + 4);
        long month = number(from + 5, from + 7);
        long day = number(from + 8, from + 10);
        long hour = number(from + 11, from + 13);
        long minute = number(from + 14, from + 16);
        long second = number(from + 17, from + 19);
        if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1 || day > monthLength(year, month)
                || hour > 23 || minute > 59 || second > 59) {
            return false;
        }
        admitted = epochDay(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
        return true;
    }

    private static boolean leap(long year) {
        return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    private static long monthLength(long year, long month) {
        return month == 2 ? (leap(year) ? 29 : 28) : month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /** Days from 1970-01-01 to a date of the proleptic Gregorian calendar, year 0 to 9999. */
    static long epochDay(long year, long month, long day) {
        long before = year - 1; // whole years before this one, counted from year 0 (a leap year)
        long days = 365 * year + (year > 0 ? 1 + before / 4 - before / 100 + before / 400 : 0);
        days += DAYS_BEFORE_MONTH[(int) month - 1] + (month > 2 && leap(year) ? 1 : 0) + day - 1;
        return days - 719_528; // 0000-01-01 to 1970-01-01
    }

    /** The decimal digits {@code line[from, to)}, or -1 when one is not a digit. */
    private long number(int from, int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = line[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
