// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermission;
import java.util.zip.CRC32C;

/**
 * An append-only journal of changes beside a file that holds a whole state (the trust store,
 * the inventory): each change is one line, appended and fsynced before it is acknowledged,
 * so a change costs the same however large the state is; now and then the owner writes the
 * whole state again ({@link AtomicFile}) and {@linkplain #delete() deletes} the journal.
 *
 * <pre>
 * multipass-trust-journal 1                      the header, written atomically with the file
 * + user=alice uid=1000 ... der=MIIB... 3f2a9c01  a record: one line of UTF-8, a space, its CRC-32C (8 hex)
 * </pre>
 *
 * Crash rules: the header is never torn (the file is created whole by {@link AtomicFile});
 * one {@link #append} writes one line and forces it to disk before it returns, so only the
 * last line can be torn by a crash. On reading, a last line that is incomplete or fails its
 * checksum is such a torn, unacknowledged write and is ignored (and cut off before the next
 * append); a damaged line followed by an intact one cannot come from a crash and stops the
 * read with an error, as does a wrong header. Reading never writes, so another process may
 * read a journal the daemon is appending to. Not thread-safe: the owner serialises appends.
 */
public final class AppendLog {
    private final Path file;
    private final String header;
    private final Set<PosixFilePermission> mode;
    /** Bytes known good: the header and whole records; -1 when the file does not exist. Anything after them is cut before an append. */
    private long length;

    private AppendLog(Path file, String header, Set<PosixFilePermission> mode, long length) {
        this.file = file;
        this.header = header;
        this.mode = mode;
        this.length = length;
    }

    /** Receives each record's payload in order, with its line number; throws if it cannot make sense of it. */
    @FunctionalInterface
    public interface Replay {
        void record(int line, String payload) throws CorruptLogException;
    }

    /**
     * Reads {@code file} (absent: no records) whose first line must be {@code header}, passing
     * each intact record to {@code replay}; returns the log, ready to append after them.
     */
    public static AppendLog read(Path file, String header, Set<PosixFilePermission> mode, Replay replay) throws IOException, CorruptLogException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new AppendLog(file, header, mode, -1);
        }
        byte[] expected = (header + "\n").getBytes(StandardCharsets.US_ASCII);
        if (bytes.length < expected.length || !java.util.Arrays.equals(bytes, 0, expected.length, expected, 0, expected.length)) {
            throw new CorruptLogException(file + ": the first line is not '" + header + "'; move the file aside if it is not a journal");
        }
        int good = expected.length;
        int line = 2;
        for (int start = good; start < bytes.length; line++) {
            int end = indexOf(bytes, (byte) '\n', start);
            String payload = end < 0 ? null : payload(bytes, start, end);
            if (payload == null) {
                requireNoIntactLineAfter(file, bytes, end < 0 ? bytes.length : end + 1, line);
                break;
            }
            replay.record(line, payload);
            start = end + 1;
            good = start;
        }
        return new AppendLog(file, header, mode, good);
    }

    /** Appends {@code payload} (one line: no CR or LF; written as UTF-8) as one record and forces it to disk. */
    public void append(String payload) throws IOException {
        if (payload.indexOf('\n') >= 0 || payload.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a journal record must be one line; this one has a line break");
        }
        if (length < 0) {
            AtomicFile.write(file, (header + "\n").getBytes(StandardCharsets.US_ASCII), mode);
            length = header.length() + 1;
        }
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        byte[] line = (payload + " " + checksum(bytes, 0, bytes.length) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            out.truncate(length); // a torn record (a crash, a failed write): never leave it between two good ones; else a no-op
            ByteBuffer buffer = ByteBuffer.wrap(line);
            long position = length;
            while (buffer.hasRemaining()) {
                position += out.write(buffer, position);
            }
            out.force(true);
        }
        length += line.length;
    }

    /** The journal's size in bytes (0 when there is none). */
    public long size() {
        return Math.max(0, length);
    }

    /** True when the journal holds records (its whole state is not yet in the main file). */
    public boolean hasRecords() {
        return length > header.length() + 1;
    }

    /** Deletes the journal once the owner has written its whole state elsewhere, durably. */
    public void delete() throws IOException {
        if (Files.deleteIfExists(file)) {
            AtomicFile.syncDirectory(file.toAbsolutePath().getParent());
        }
        length = -1;
    }

    /** The payload of the line {@code [start, end)} if its checksum holds, else null. */
    private static String payload(byte[] bytes, int start, int end) {
        int space = end - 9;
        if (space < start || bytes[space] != ' ') {
            return null;
        }
        String payload = new String(bytes, start, space - start, StandardCharsets.UTF_8);
        String crc = new String(bytes, space + 1, 8, StandardCharsets.US_ASCII);
        return crc.equals(checksum(bytes, start, space)) ? payload : null;
    }

    private static void requireNoIntactLineAfter(Path file, byte[] bytes, int from, int damaged) throws CorruptLogException {
        for (int start = from; start < bytes.length; ) {
            int end = indexOf(bytes, (byte) '\n', start);
            if (end < 0) {
                return;
            }
            if (payload(bytes, start, end) != null) {
                throw new CorruptLogException(file + " line " + damaged + ": a damaged record before intact ones (not a crash:"
                        + " the file was altered); restore it from a backup or move it aside, losing the changes it holds");
            }
            start = end + 1;
        }
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** CRC-32C of {@code bytes[from, to)} as 8 lower-case hex digits (no copy, no {@code String.format}: a replay checks every record). */
    private static String checksum(byte[] bytes, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, to - from);
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    /** A journal that cannot have been left by a crash: a wrong header, or damage before intact records. */
    public static final class CorruptLogException extends Exception {
        private static final long serialVersionUID = 1L;

        public CorruptLogException(String message) {
            super(message);
        }
    }
}
