// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import multipass.testing.CertificateBuilder;
import multipass.util.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The fast path of reading the trust store ({@link StoreScanner}, {@link MetadataParser}) against the general PEM reader ({@link StoreFile#readBlocks}): on
 * files in the usual form it must read exactly the same entries, and on anything else it must
 * give way (answer null) so that the general reader accepts or reports it. Files are written
 * to a {@code @TempDir}; certificates come from {@link CertificateBuilder}.
 */
class StoreScannerTest {
    private static final List<byte[]> DERS = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void certificates() {
        for (int i = 0; i < 8; i++) {
            DERS.add(CertificateBuilder.selfSigned("scan-" + i).der());
        }
    }

    /** A certificate whose DER length leaves {@code remainder} when divided by three (its base64 needs 3 - remainder pads). */
    private static byte[] derOfLengthModThree(int remainder) {
        for (int i = 0;; i++) {
            byte[] der = i < DERS.size() ? DERS.get(i) : CertificateBuilder.selfSigned("scan-padding-" + "x".repeat(i % 3)).der();
            if (der.length % 3 == remainder) {
                return der;
            }
        }
    }

    private static String block(int i) {
        return Pem.encode(Pem.CERTIFICATE, DERS.get(i % DERS.size()));
    }

    private static String metadata(String fields, int i) {
        return StoreFile.METADATA_PREFIX + " " + fields + "\n" + block(i);
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("store.pem");
        Files.writeString(file, text, StandardCharsets.ISO_8859_1);
        return file;
    }

    private static ArrayList<TrustEntry> fast(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            return StoreScanner.scan(channel, 0, channel.size());
        }
    }

    /** The fast path reads {@code text}, and reads what the general reader reads. */
    private void assertSameAsGeneral(String text) throws Exception {
        Path file = write(text);
        List<TrustEntry> general = new ArrayList<>();
        StoreFile.readBlocks(file, general::add);
        ArrayList<TrustEntry> fast = fast(file);
        assertNotNull(fast, "the fast path gave way");
        assertEquals(general.size(), fast.size());
        for (int i = 0; i < general.size(); i++) {
            TrustEntry expected = general.get(i);
            TrustEntry actual = fast.get(i);
            assertArrayEquals(expected.der(), actual.der(), "entry " + i);
            assertEquals(expected.user(), actual.user(), "entry " + i);
            assertEquals(expected.uid(), actual.uid(), "entry " + i);
            assertEquals(expected.method(), actual.method(), "entry " + i);
            assertEquals(expected.admitted(), actual.admitted(), "entry " + i);
        }
    }

    private void assertGivesWay(String text) throws IOException {
        assertNull(fast(write(text)), "the fast path should leave this file to the general reader");
    }

    @Test
    void theStoresOwnFormatReadsAsTheGeneralReaderReadsIt() throws Exception {
        assertSameAsGeneral(metadata("user=alice uid=1000 method=passphrase admitted=2026-11-26T15:00:00Z", 0)
                + metadata("user=root uid=0 method=first-client admitted=2024-02-29T23:59:59Z", 1)
                + metadata("user=unknown uid=-1 method=installer admitted=1970-01-01T00:00:00Z", 2)
                + block(3));
        assertSameAsGeneral("");
        assertSameAsGeneral("\n\n");
    }

    @Test
    void multipassPlainPemAndCommentsReadAsManualEntries() throws Exception {
        assertSameAsGeneral(block(0) + block(1) + "\n# a comment\n\n" + block(2) + "Zoë's certificate\n" + block(3));
        assertSameAsGeneral(metadata("user=a uid=1 method=passphrase admitted=2026-11-26T15:00:00Z", 0).replace("\n-----BEGIN", "\n# note\n-----BEGIN"));
        assertSameAsGeneral("  " + metadata("user=a uid=1 method=passphrase admitted=2026-11-26T15:00:00Z", 0).replace("\n-----BEGIN", " \t\n\n  -----BEGIN"));
    }

    @Test
    void metadataInAnotherFormGoesToTheGeneralParser() throws Exception {
        assertSameAsGeneral(metadata("admitted=2026-11-26T15:00:00Z method=passphrase uid=7 user=bob", 0)
                + metadata("user=carol uid=8 method=passphrase admitted=2016-12-31T23:59:60Z", 1)
                + metadata("user=dave uid=9 method=passphrase admitted=2026-11-26T15:00:00Z colour=blue", 2)
                + metadata("user=erin", 3)
                + metadata("", 4)
                + metadata("user=frank uid=+10 method=manual admitted=2026-11-26T15:00:00.5Z", 5));
    }

    @Test
    void badMetadataOfABlockGivesWaySoThatTheGeneralReaderReportsIt() throws Exception {
        assertGivesWay(metadata("user=a uid=1 method=telepathy admitted=2026-11-26T15:00:00Z", 0));
        assertGivesWay(metadata("user=a uid=one method=passphrase admitted=2026-11-26T15:00:00Z", 0));
        assertGivesWay(metadata("user=a uid=1 method=passphrase admitted=2026-02-30T15:00:00Z", 0));
        assertSameAsGeneral(metadata("user=a uid=1 method=telepathy admitted=2026-11-26T15:00:00Z", 0).replace("\n-----BEGIN", "\n# not metadata after all\n-----BEGIN"));
    }

    @Test
    void anythingButTheUsualFormGivesWay() throws Exception {
        String good = block(0);
        assertGivesWay(good.replace("\n", "\r\n"));
        assertGivesWay(Pem.encode(Pem.PRIVATE_KEY, DERS.get(0)));
        assertGivesWay(good.substring(0, good.length() / 2));
        assertGivesWay(good.replace("-----END CERTIFICATE-----\n", ""));
        assertGivesWay("-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n");
        assertGivesWay("-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n"); // DER, but not a certificate's
        assertGivesWay(good.replaceFirst("\n(.)", "\n-----\n$1"));
        for (int remainder : new int[] {1, 2}) { // padding left out: '==' and '='
            String padded = Pem.encode(Pem.CERTIFICATE, derOfLengthModThree(remainder));
            assertSameAsGeneral(padded);
            assertGivesWay(padded.replace("=\n-----END", "\n-----END").replace("=\n-----END", "\n-----END"));
        }
        assertGivesWay(good.replace("-----END CERTIFICATE-----", "-----END CERTIFICATE----- "));
    }

    @Test
    void everyPaddingDecodesAsTheGeneralReaderDecodesIt() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < DERS.size(); i++) { // their lengths differ, and with them the padding
            text.append(metadata("user=u" + i + " uid=" + i + " method=passphrase admitted=2026-11-26T15:00:00Z", i));
        }
        assertSameAsGeneral(text.toString());
        assertSameAsGeneral(block(0).replaceAll("([A-Za-z0-9+/=]{8})", "$1\n"));
    }

    @Test
    void aFileLargerThanTheBufferIsReadAcrossRefills() throws Exception {
        StringBuilder text = new StringBuilder("# the store\n");
        for (int i = 0; text.length() < 3 << 20; i++) { // three buffers' worth
            text.append(i % 7 == 3 ? block(i) : metadata("user=user" + (i % 50) + " uid=" + (1000 + i % 50) + " method=passphrase admitted=2026-11-26T15:00:00Z", i));
        }
        for (String margin : List.of("", "x", "xx\n", "#\n\n\n")) { // moves the blocks against the buffer's edges
            assertSameAsGeneral(margin + text);
        }
    }

    @Test
    void datesAreCountedAsTheJdkCountsThem() {
        for (LocalDate date = LocalDate.of(0, 1, 1); date.getYear() < 10_000; date = date.plusDays(17)) {
            assertEquals(date.toEpochDay(), MetadataParser.epochDay(date.getYear(), date.getMonthValue(), date.getDayOfMonth()), date.toString());
        }
        assertEquals(Instant.parse("2000-02-29T00:00:00Z").getEpochSecond() / 86_400, MetadataParser.epochDay(2000, 2, 29));
    }

    @Test
    void equalUserNamesAreOneString() {
        UserNames names = new UserNames();
        byte[] bytes = "alice bob alice".getBytes(StandardCharsets.ISO_8859_1);
        String alice = names.get(bytes, 0, 5);
        assertEquals("alice", alice);
        assertEquals("bob", names.get(bytes, 6, 3));
        assertSame(alice, names.get(bytes, 10, 5));
        for (int i = 0; i < 5_000; i++) { // the table grows
            byte[] name = ("user" + i).getBytes(StandardCharsets.ISO_8859_1);
            assertEquals("user" + i, names.get(name, 0, name.length));
        }
        assertSame(alice, names.get(bytes, 10, 5));
    }
}
