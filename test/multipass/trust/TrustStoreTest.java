// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import multipass.testing.CertificateBuilder;
import multipass.util.AtomicFile;
import multipass.util.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link TrustStore} in a {@code @TempDir} data dir: persistence and reload with metadata,
 * Multipass's plain PEM format and hand-added blocks, the atomic first-client check-and-add
 * under contention, removal, file modes, and corrupt files that must stop the load.
 * Certificates come from {@link CertificateBuilder} (real X.509, no keytool).
 */
class TrustStoreTest {
    private static final Instant WHEN = Instant.parse("2026-11-26T15:00:00Z");
    private static final List<CertificateBuilder.Issued> CERTS = new ArrayList<>();

    @TempDir
    Path dataDir;

    @BeforeAll
    static void certificates() {
        for (int i = 0; i < 20; i++) {
            CERTS.add(CertificateBuilder.selfSigned("client-" + i));
        }
    }

    private static TrustEntry entry(int i, AdmissionMethod method) {
        return new TrustEntry(CERTS.get(i).der(), "user" + i, 1000 + i, method, WHEN.plusSeconds(i));
    }

    private Path storeFile() {
        return dataDir.resolve(TrustStore.RELATIVE_PATH);
    }

    private void writeStore(String text) throws IOException {
        Files.createDirectories(storeFile().getParent());
        Files.writeString(storeFile(), text, StandardCharsets.US_ASCII);
    }

    @Test
    void anEmptyDataDirGivesAnEmptyStoreAndAPrivateDirectory() throws Exception {
        TrustStore store = TrustStore.open(dataDir);
        assertTrue(store.isEmpty());
        assertEquals(List.of(), store.entries());
        assertEquals(storeFile(), store.file());
        assertFalse(Files.exists(storeFile()), "nothing is written before the first change");
        if (AtomicFile.posix()) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(storeFile().getParent())));
        }
    }

    @Test
    void addedEntriesArePersistedWithTheirMetadataInOrder() throws Exception {
        TrustStore store = TrustStore.open(dataDir);
        assertTrue(store.add(entry(0, AdmissionMethod.FIRST_CLIENT)));
        assertTrue(store.add(entry(1, AdmissionMethod.PASSPHRASE)));
        assertTrue(store.add(new TrustEntry(CERTS.get(2).der(), "unknown", -1, AdmissionMethod.INSTALLER, WHEN)));

        List<TrustEntry> reloaded = TrustStore.open(dataDir).entries();

        assertEquals(3, reloaded.size());
        assertSameEntry(entry(0, AdmissionMethod.FIRST_CLIENT), reloaded.get(0));
        assertSameEntry(entry(1, AdmissionMethod.PASSPHRASE), reloaded.get(1));
        assertSameEntry(new TrustEntry(CERTS.get(2).der(), "unknown", -1, AdmissionMethod.INSTALLER, WHEN), reloaded.get(2));
    }

    @Test
    void theFileIsMultipassFormatWithOneMetadataLineAboveEachBlock() throws Exception {
        TrustStore store = TrustStore.open(dataDir);
        store.add(entry(1, AdmissionMethod.PASSPHRASE));
        String expected = "# multipass-trust: user=user1 uid=1001 method=passphrase admitted=2026-11-26T15:00:01Z\n" + CERTS.get(1).pem();
        assertEquals(expected, Files.readString(storeFile(), StandardCharsets.US_ASCII));
    }

    @Test
    void theStoreFileIsOwnerOnly() throws Exception {
        assumeTrue(AtomicFile.posix());
        TrustStore.open(dataDir).add(entry(0, AdmissionMethod.PASSPHRASE));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(storeFile())));
    }

    @Test
    void aFileInMultipassFormatLoadsAsManualEntries() throws Exception {
        // Multipass writes bare PEM blocks one after the other, nothing else.
        writeStore(CERTS.get(0).pem() + CERTS.get(1).pem());
        List<TrustEntry> entries = TrustStore.open(dataDir).entries();
        assertEquals(2, entries.size());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(CERTS.get(i).der(), entries.get(i).der());
            assertEquals(AdmissionMethod.MANUAL, entries.get(i).method());
            assertEquals("unknown", entries.get(i).user());
            assertEquals(-1, entries.get(i).uid());
        }
    }

    @Test
    void aFileWithCrlfAndNoFinalNewlineLoads() throws Exception {
        writeStore((CERTS.get(0).pem() + CERTS.get(1).pem()).replace("\n", "\r\n").stripTrailing());
        assertEquals(2, TrustStore.open(dataDir).entries().size());
    }

    @Test
    void aHandAddedBlockBesideOursIsManualAndSurvivesTheNextWrite() throws Exception {
        TrustStore.open(dataDir).add(entry(0, AdmissionMethod.PASSPHRASE));
        Files.writeString(storeFile(), "\n# added by hand by the admin\n" + CERTS.get(1).pem(), StandardCharsets.US_ASCII,
                StandardOpenOption.APPEND);

        TrustStore store = TrustStore.open(dataDir);
        assertEquals(AdmissionMethod.PASSPHRASE, store.entries().get(0).method());
        assertEquals(AdmissionMethod.MANUAL, store.entries().get(1).method());

        store.add(entry(2, AdmissionMethod.PASSPHRASE));
        List<TrustEntry> reloaded = TrustStore.open(dataDir).entries();
        assertEquals(List.of(AdmissionMethod.PASSPHRASE, AdmissionMethod.MANUAL, AdmissionMethod.PASSPHRASE),
                reloaded.stream().map(TrustEntry::method).toList());
        assertArrayEquals(CERTS.get(1).der(), reloaded.get(1).der());
    }

    @Test
    void addingATrustedCertificateAgainChangesNothing() throws Exception {
        TrustStore store = TrustStore.open(dataDir);
        assertTrue(store.add(entry(0, AdmissionMethod.FIRST_CLIENT)));
        String before = Files.readString(storeFile());
        assertFalse(store.add(new TrustEntry(CERTS.get(0).der(), "mallory", 666, AdmissionMethod.PASSPHRASE, Instant.now())));
        assertEquals(1, store.entries().size());
        assertEquals("user0", store.entries().get(0).user());
        assertEquals(before, Files.readString(storeFile()));
    }

    @Test
    void findMatchesExactDerBytesOnly() throws Exception {
        TrustStore store = TrustStore.open(dataDir);
        store.add(entry(0, AdmissionMethod.PASSPHRASE));
        byte[] der = CERTS.get(0).der();
        assertTrue(store.find(der).isPresent());
        assertTrue(store.find(CERTS.get(1).der()).isEmpty());
        assertTrue(store.find(Arrays.copyOf(der, der.length - 1)).isEmpty());
        assertTrue(store.find(new byte[0]).isEmpty());
        assertTrue(store.find(null).isEmpty());
    }

    @Test
    void addIfEmptyAddsOnlyTheFirst() throws Exception {
        TrustStore store = TrustStore.open(dataDir);
        assertTrue(store.addIfEmpty(entry(0, AdmissionMethod.FIRST_CLIENT)));
        assertFalse(store.addIfEmpty(entry(1, AdmissionMethod.FIRST_CLIENT)));
        assertEquals(1, TrustStore.open(dataDir).entries().size());
    }

    @Test
    void addIfEmptyRefusesAStoreLoadedWithEntries() throws Exception {
        writeStore(CERTS.get(5).pem());
        assertFalse(TrustStore.open(dataDir).addIfEmpty(entry(0, AdmissionMethod.FIRST_CLIENT)));
    }

    @Test
    @Timeout(30)
    void ofTwentySimultaneousFirstClientsExactlyOneWins() throws Exception {
        TrustStore store = TrustStore.open(dataDir);
        ExecutorService threads = Executors.newFixedThreadPool(CERTS.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < CERTS.size(); i++) {
                TrustEntry candidate = entry(i, AdmissionMethod.FIRST_CLIENT);
                results.add(threads.submit(() -> {
                    start.await();
                    return store.addIfEmpty(candidate);
                }));
            }
            start.countDown();
            int winner = -1;
            int wins = 0;
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).get()) {
                    wins++;
                    winner = i;
                }
            }
            assertEquals(1, wins);
            assertEquals(1, store.entries().size());
            List<TrustEntry> persisted = TrustStore.open(dataDir).entries();
            assertEquals(1, persisted.size());
            assertArrayEquals(CERTS.get(winner).der(), persisted.get(0).der());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void removeTakesEntriesOutAndPersists() throws Exception {
        TrustStore store = TrustStore.open(dataDir);
        for (int i = 0; i < 3; i++) {
            store.add(entry(i, AdmissionMethod.PASSPHRASE));
        }
        assertEquals(2, store.remove(List.of(entry(0, AdmissionMethod.PASSPHRASE).fingerprint(), entry(2, AdmissionMethod.PASSPHRASE).fingerprint())));
        assertEquals(0, store.remove(List.of(entry(0, AdmissionMethod.PASSPHRASE).fingerprint(), "not-a-fingerprint")));
        List<TrustEntry> reloaded = TrustStore.open(dataDir).entries();
        assertEquals(1, reloaded.size());
        assertArrayEquals(CERTS.get(1).der(), reloaded.get(0).der());
    }

    @Test
    void removingTheLastEntryEmptiesTheStoreAndAllowsAFirstClientAgain() throws Exception {
        TrustStore store = TrustStore.open(dataDir);
        store.add(entry(0, AdmissionMethod.FIRST_CLIENT));
        assertEquals(1, store.remove(List.of(store.entries().get(0).fingerprint())));
        assertTrue(store.isEmpty());
        assertTrue(TrustStore.open(dataDir).isEmpty());
        assertTrue(store.addIfEmpty(entry(1, AdmissionMethod.FIRST_CLIENT)));
    }

    @Test
    void entriesIsASnapshot() throws Exception {
        TrustStore store = TrustStore.open(dataDir);
        List<TrustEntry> before = store.entries();
        store.add(entry(0, AdmissionMethod.PASSPHRASE));
        assertTrue(before.isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> store.entries().clear());
    }

    @Test
    void fingerprintIsLowerCaseHexSha256OfTheDer() throws Exception {
        byte[] der = CERTS.get(0).der();
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        assertEquals(expected, entry(0, AdmissionMethod.MANUAL).fingerprint());
        assertTrue(expected.matches("[0-9a-f]{64}"));
    }

    @Test
    void aTruncatedBlockStopsTheLoadNamingTheFile() throws IOException {
        String pem = CERTS.get(1).pem();
        writeStore(CERTS.get(0).pem() + pem.substring(0, pem.length() / 2));
        assertCorrupt("no matching");
    }

    @Test
    void aNonCertificateBlockStopsTheLoad() throws IOException {
        writeStore(CERTS.get(0).pem() + Pem.encode(Pem.PRIVATE_KEY, CERTS.get(0).keys().getPrivate().getEncoded()));
        assertCorrupt("unexpected PRIVATE KEY block");
    }

    @Test
    void aBlockThatIsNotACertificateStopsTheLoad() throws IOException {
        writeStore(Pem.encode(Pem.CERTIFICATE, new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}));
        assertCorrupt("not a valid certificate");
    }

    @Test
    void badBase64StopsTheLoad() throws IOException {
        writeStore("-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n");
        assertCorrupt("invalid base64");
    }

    @Test
    void aBadMetadataLineStopsTheLoad() throws IOException {
        writeStore("# multipass-trust: user=a uid=1 method=telepathy admitted=2026-11-26T15:00:00Z\n" + CERTS.get(0).pem());
        assertCorrupt("bad metadata");
        writeStore("# multipass-trust: user=a uid=1 method=passphrase admitted=yesterday\n" + CERTS.get(0).pem());
        assertCorrupt("bad metadata");
        writeStore("# multipass-trust: user=a uid=one method=passphrase admitted=2026-11-26T15:00:00Z\n" + CERTS.get(0).pem());
        assertCorrupt("bad metadata");
    }

    @Test
    void aNonAsciiCommentIsEitherSkippedOrReportedNamingTheFile() throws Exception {
        Files.createDirectories(storeFile().getParent());
        Files.writeString(storeFile(), "# certificate of Zoë\n" + CERTS.get(0).pem(), StandardCharsets.UTF_8);
        try {
            assertEquals(1, TrustStore.open(dataDir).entries().size());
        } catch (TrustStore.TrustStoreException e) {
            assertTrue(e.getMessage().contains(storeFile().toString()), e.getMessage());
        }
    }

    @Test
    void aFailedLoadLeavesTheFileAsItWas() throws IOException {
        String corrupt = CERTS.get(0).pem() + "-----BEGIN CERTIFICATE-----\nAAAA\n";
        writeStore(corrupt);
        assertCorrupt("no matching");
        assertEquals(corrupt, Files.readString(storeFile()));
        try (Stream<Path> files = Files.list(storeFile().getParent())) {
            assertEquals(1, files.count());
        }
    }

    private void assertCorrupt(String detail) {
        TrustStore.TrustStoreException e = assertThrows(TrustStore.TrustStoreException.class, () -> TrustStore.open(dataDir));
        assertTrue(e.getMessage().contains(storeFile().toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(detail), "says '" + detail + "': " + e.getMessage());
    }

    private static void assertSameEntry(TrustEntry expected, TrustEntry actual) {
        assertArrayEquals(expected.der(), actual.der());
        assertEquals(expected.user(), actual.user());
        assertEquals(expected.uid(), actual.uid());
        assertEquals(expected.method(), actual.method());
        assertEquals(expected.admitted(), actual.admitted());
    }
}
