// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import multipass.testing.CertificateBuilder;
import multipass.util.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TrustStore}'s journal in a {@code @TempDir} data dir: changes land in the journal and
 * survive a reopen; compaction rewrites the main file (still plain PEM that Multipass reads) and
 * deletes the journal; a crash at every byte of the last change, between the rewrite and the
 * deletion, or before the rename, loses no acknowledged change; the per-user cap.
 */
class TrustJournalTest {
    private static final Instant WHEN = Instant.parse("2026-11-27T10:00:00Z");
    private static final List<CertificateBuilder.Issued> CERTS = new ArrayList<>();

    @TempDir
    Path dataDir;

    @BeforeAll
    static void certificates() {
        for (int i = 0; i < 40; i++) {
            CERTS.add(CertificateBuilder.selfSigned("journal-" + i));
        }
    }

    private static TrustEntry entry(int i, String user, long uid) {
        return new TrustEntry(CERTS.get(i).der(), user, uid, AdmissionMethod.PASSPHRASE, WHEN.plusSeconds(i));
    }

    private Path journal() {
        return dataDir.resolve(TrustStore.JOURNAL_RELATIVE_PATH);
    }

    private Path main() {
        return dataDir.resolve(TrustStore.RELATIVE_PATH);
    }

    private List<String> fingerprints(TrustStore store) {
        return store.entries().stream().map(TrustEntry::fingerprint).toList();
    }

    /** A store of 20 entries compacted into the main file, so the next changes stay in the journal. */
    private TrustStore twenty() throws Exception {
        TrustStore store = TrustStore.open(dataDir);
        for (int i = 0; i < 20; i++) {
            store.add(entry(i, "alice", 1000));
        }
        store.compact();
        return store;
    }

    @Test
    void changesGoToTheJournalAndAReopenReplaysThem() throws Exception {
        TrustStore store = twenty();
        String mainBefore = Files.readString(main());
        store.add(entry(20, "bob", 1001));
        store.remove(List.of(entry(3, "alice", 1000).fingerprint()));
        assertEquals(mainBefore, Files.readString(main()), "a small change does not rewrite the main file");
        assertTrue(Files.readString(journal()).startsWith(TrustJournal.HEADER + "\n+ user=bob uid=1001 method=passphrase"));
        assertEquals(fingerprints(store), fingerprints(TrustStore.open(dataDir)));
        assertEquals(20, TrustStore.open(dataDir).size());
    }

    @Test
    void closeCompactsIntoAMultipassReadableFileAndDeletesTheJournal() throws Exception {
        TrustStore store = twenty();
        store.add(entry(20, "bob", 1001));
        store.remove(List.of(entry(0, "alice", 1000).fingerprint()));
        List<String> expected = fingerprints(store);
        store.close();
        assertFalse(Files.exists(journal()));
        List<Pem.Block> blocks = Pem.decode(Files.readString(main(), StandardCharsets.US_ASCII));
        assertEquals(expected, blocks.stream().map(b -> TrustEntry.fingerprint(b.der())).toList());
        assertEquals(expected, fingerprints(TrustStore.open(dataDir)));
    }

    @Test
    void theJournalIsCompactedOnceLargerThanHalfTheMainFile() throws Exception {
        TrustStore store = twenty();
        long mainSize = Files.size(main());
        int added = 0;
        while (Files.exists(journal()) || added == 0) {
            store.add(entry(20 + added, "carol", 1002));
            added++;
            assertTrue(added < 20, "compacted within 20 changes");
        }
        assertTrue(Files.size(main()) > mainSize);
        assertEquals(20 + added, TrustStore.open(dataDir).size());
    }

    @Test
    void aCrashAtAnyByteOfTheLastChangeKeepsEveryAcknowledgedOne() throws Exception {
        TrustStore store = twenty();
        store.add(entry(20, "bob", 1001));
        store.remove(List.of(entry(5, "alice", 1000).fingerprint()));
        List<String> acknowledged = fingerprints(store);
        long before = Files.size(journal());
        store.add(entry(21, "bob", 1001));
        List<String> after = fingerprints(store);
        byte[] whole = Files.readAllBytes(journal());
        for (int cut = (int) before; cut <= whole.length; cut++) {
            Files.write(journal(), Arrays.copyOf(whole, cut));
            assertEquals(cut == whole.length ? after : acknowledged, fingerprints(TrustStore.open(dataDir)), "cut at " + cut);
        }
    }

    @Test
    void aTornRecordIsCutBeforeTheNextChange() throws Exception {
        TrustStore store = twenty();
        store.add(entry(20, "bob", 1001));
        Files.writeString(journal(), "+ user=half", StandardOpenOption.APPEND);
        TrustStore reopened = TrustStore.open(dataDir);
        reopened.add(entry(21, "bob", 1001));
        TrustStore again = TrustStore.open(dataDir);
        assertEquals(22, again.size());
        assertTrue(again.find(CERTS.get(21).der()).isPresent());
    }

    @Test
    void aCrashBetweenTheRewriteAndTheJournalDeletionReplaysToTheSameState() throws Exception {
        TrustStore store = twenty();
        store.add(entry(20, "bob", 1001));
        store.remove(List.of(entry(7, "alice", 1000).fingerprint()));
        store.add(entry(7, "alice", 1000)); // removed, then trusted again
        byte[] oldJournal = Files.readAllBytes(journal());
        List<String> expected = fingerprints(store);
        store.compact();
        Files.write(journal(), oldJournal); // as if the deletion never happened
        TrustStore reopened = TrustStore.open(dataDir);
        assertEquals(expected.stream().sorted().toList(), fingerprints(reopened).stream().sorted().toList());
    }

    @Test
    void aCrashBeforeTheRenameLeavesTheOldFileAndTheJournal() throws Exception {
        TrustStore store = twenty();
        store.add(entry(20, "bob", 1001));
        List<String> expected = fingerprints(store);
        // The rewrite's temporary file, cut short by the crash, is ignored (the daemon deletes it at start).
        Files.writeString(main().resolveSibling(".multipass_client_certs.pem123.tmp"), "-----BEGIN CERT");
        assertEquals(expected, fingerprints(TrustStore.open(dataDir)));
    }

    @Test
    void anIntactRecordThatDoesNotParseStopsTheLoadNamingTheJournal() throws Exception {
        TrustStore store = twenty();
        store.add(entry(20, "bob", 1001));
        String text = Files.readString(journal());
        // A well-formed record (its checksum holds) of an unknown kind: made by hand, not by a crash.
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update("? what".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(journal(), text + String.format("? what %08x\n", crc.getValue()));
        TrustStore.TrustStoreException e = assertThrows(TrustStore.TrustStoreException.class, () -> TrustStore.open(dataDir));
        assertTrue(e.getMessage().contains(journal().toString()), e.getMessage());
    }

    @Test
    void theCapCountsEachUsersEntriesAndRefusesOneTooMany() throws Exception {
        TrustStore store = TrustStore.open(dataDir);
        for (int i = 0; i < 3; i++) {
            assertEquals(TrustStore.Admission.Outcome.ADDED, store.admit(entry(i, "alice", 1000), 3).outcome());
        }
        TrustStore.Admission refused = store.admit(entry(3, "alice", 1000), 3);
        assertEquals(new TrustStore.Admission(TrustStore.Admission.Outcome.OVER_CAP, 3), refused);
        assertEquals(TrustStore.Admission.Outcome.ALREADY_TRUSTED, store.admit(entry(0, "alice", 1000), 3).outcome());
        assertEquals(TrustStore.Admission.Outcome.ADDED, store.admit(entry(4, "bob", 1001), 3).outcome());
        store.remove(List.of(entry(1, "alice", 1000).fingerprint()));
        assertEquals(2, store.countOf("alice", 1000));
        assertEquals(TrustStore.Admission.Outcome.ADDED, store.admit(entry(3, "alice", 1000), 3).outcome());
        assertEquals(3, TrustStore.open(dataDir).countOf("alice", 1000), "counts are rebuilt at open");
    }

    @Test
    void clientsOfUnknownUidShareOneCount() throws Exception {
        TrustStore store = TrustStore.open(dataDir);
        store.admit(entry(0, "unknown", -1), 2);
        store.admit(entry(1, "unknown", -1), 2);
        assertEquals(TrustStore.Admission.Outcome.OVER_CAP, store.admit(entry(2, "unknown", -1), 2).outcome());
    }

    @Test
    void aFingerprintPrefixFindsTheEntriesItStartsWithOnly() throws Exception {
        TrustStore store = twenty();
        String fingerprint = entry(4, "alice", 1000).fingerprint();
        assertEquals(List.of(fingerprint), store.withFingerprintPrefix(fingerprint).stream().map(TrustEntry::fingerprint).toList());
        assertTrue(store.withFingerprintPrefix(fingerprint.substring(0, 12)).stream().anyMatch(e -> e.fingerprint().equals(fingerprint)));
        assertEquals(20, store.withFingerprintPrefix("").size());
        assertEquals(List.of(), store.withFingerprintPrefix("zz"));
    }
}
