// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link AppendLog} in a {@code @TempDir}: records come back in order; a crash cut at every
 * byte of the last record (a torn write) loses that record only, never an earlier one, and the
 * next append cuts the torn bytes off; damage before an intact record and a wrong header stop
 * the read; reading writes nothing.
 */
class AppendLogTest {
    private static final String HEADER = "test-journal 1";

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("j");
    }

    private List<String> read() throws Exception {
        List<String> records = new ArrayList<>();
        AppendLog.read(file(), HEADER, AtomicFile.OWNER_ONLY, (line, payload) -> records.add(payload));
        return records;
    }

    private AppendLog log() throws Exception {
        return AppendLog.read(file(), HEADER, AtomicFile.OWNER_ONLY, (line, payload) -> { });
    }

    @Test
    void anAbsentLogHasNoRecordsAndTheFirstAppendCreatesItOwnerOnly() throws Exception {
        assertEquals(List.of(), read());
        AppendLog log = log();
        assertFalse(log.hasRecords());
        log.append("first");
        log.append("second record");
        assertTrue(log.hasRecords());
        assertEquals(List.of("first", "second record"), read());
        assertEquals(Files.size(file()), log.size());
        if (AtomicFile.posix()) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
        }
    }

    @Test
    void aTornLastRecordIsIgnoredAtEveryCutAndEarlierRecordsSurvive() throws Exception {
        AppendLog log = log();
        log.append("acknowledged one");
        log.append("acknowledged two");
        long before = Files.size(file());
        log.append("the last one, torn by a crash");
        byte[] whole = Files.readAllBytes(file());
        for (int cut = (int) before; cut < whole.length; cut++) {
            Files.write(file(), Arrays.copyOf(whole, cut));
            assertEquals(List.of("acknowledged one", "acknowledged two"), read(), "cut at " + cut);
        }
        Files.write(file(), whole);
        assertEquals(List.of("acknowledged one", "acknowledged two", "the last one, torn by a crash"), read());
    }

    @Test
    void garbageAfterTheLastRecordIsIgnoredAndCutByTheNextAppend() throws Exception {
        log().append("kept");
        // A crash can leave the file longer than what was written: zeros, or a line whose checksum fails.
        Files.write(file(), new byte[] {0, 0, 0, 0}, StandardOpenOption.APPEND);
        assertEquals(List.of("kept"), read());
        byte[] reading = Files.readAllBytes(file());
        log().append("next");
        assertEquals(List.of("kept", "next"), read());
        assertEquals(reading.length - 4 + "next 00000000\n".length(), Files.size(file()), "the zeros are gone");
    }

    @Test
    void aRecordWithABadChecksumAtTheEndIsTornNotCorrupt() throws Exception {
        log().append("kept");
        Files.writeString(file(), "lost deadbeef\n", StandardOpenOption.APPEND);
        assertEquals(List.of("kept"), read());
    }

    @Test
    void damageBeforeAnIntactRecordStopsTheRead() throws Exception {
        AppendLog log = log();
        log.append("one");
        log.append("two");
        log.append("three");
        String text = Files.readString(file());
        Files.writeString(file(), text.replace("two", "twx"));
        AppendLog.CorruptLogException e = assertThrows(AppendLog.CorruptLogException.class, this::read);
        assertTrue(e.getMessage().contains(file().toString()) && e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void aWrongHeaderStopsTheRead() throws Exception {
        Files.writeString(file(), "something else\n");
        assertThrows(AppendLog.CorruptLogException.class, this::read);
    }

    @Test
    void readingWritesNothing() throws Exception {
        log().append("kept");
        Files.write(file(), new byte[] {'x', 'y'}, StandardOpenOption.APPEND);
        byte[] before = Files.readAllBytes(file());
        read();
        log();
        assertTrue(Arrays.equals(before, Files.readAllBytes(file())));
    }

    @Test
    void deleteRemovesTheFileAndTheNextAppendStartsAFreshOne() throws Exception {
        AppendLog log = log();
        log.append("old");
        log.delete();
        assertFalse(Files.exists(file()));
        assertEquals(0, log.size());
        log.append("new");
        assertEquals(List.of("new"), read());
    }

    @Test
    void aRecordMustBeOneLine() throws Exception {
        AppendLog log = log();
        assertThrows(IllegalArgumentException.class, () -> log.append("two\nlines"));
        assertThrows(IllegalArgumentException.class, () -> log.append("carriage\rreturn"));
        assertFalse(Files.exists(file()), "nothing written");
        log.append("caf\u00e9\twith a tab");
        assertEquals(List.of("caf\u00e9\twith a tab"), read());
    }

    @Test
    void aFailedAppendLeavesNoTornBytesBeforeTheNextRecord() throws Exception {
        assumeTrue(AtomicFile.posix());
        AppendLog log = log();
        log.append("kept");
        // Simulate a write that failed half-way: bytes past the known end, with the log told nothing.
        Files.write(file(), "half a rec".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        AppendLog reopened = log();
        reopened.append("after");
        assertEquals(List.of("kept", "after"), read());
    }

    @Test
    void aReadOfAMissingFileDoesNotCreateIt() throws IOException, AppendLog.CorruptLogException {
        AppendLog.read(file(), HEADER, AtomicFile.OWNER_ONLY, (line, payload) -> { });
        assertFalse(Files.exists(file()));
    }
}
