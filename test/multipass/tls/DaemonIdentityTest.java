// SPDX-License-Identifier: Apache-2.0
package multipass.tls;

import multipass.testing.CertificateBuilder;
import multipass.util.AtomicFile;
import multipass.util.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DaemonIdentity}: what it generates (CA and server certificate as SPEC section 3
 * says), reuse of a valid identity, and every reason {@code check} gives for making a new one
 * (nothing there, a file missing or garbage, a broken chain, a wrong key or EKU, expiry).
 * One identity is generated with keytool for the class and copied into each case; the two
 * regeneration cases run keytool again (about 2 s each).
 */
@Timeout(120)
class DaemonIdentityTest {
    /** Just after generation: keytool dates each certificate from the moment it signs it. */
    private static Instant NOW;
    private static final List<String> FILES = List.of(DaemonIdentity.CA_FILE, DaemonIdentity.CERT_FILE, DaemonIdentity.KEY_FILE);

    @TempDir
    static Path shared;
    private static Path pristine;
    private static Identity generated;

    @BeforeAll
    static void generateOnce() throws Exception {
        pristine = shared.resolve("pristine");
        generated = DaemonIdentity.loadOrCreate(pristine, Instant.now());
        NOW = Instant.now();
    }

    /** A new directory holding a copy of the generated identity. */
    private static Path copy() throws IOException {
        Path dir = Files.createTempDirectory(shared, "case");
        for (String file : FILES) {
            Files.copy(pristine.resolve(file), dir.resolve(file));
        }
        return dir;
    }

    @Test
    void theServerCertificateIsSignedByTheCaForLocalhost() throws Exception {
        X509Certificate server = generated.certificate();
        X509Certificate ca = DaemonIdentity.authority(generated);
        assertEquals(2, generated.chain().size());
        server.verify(ca.getPublicKey());
        assertTrue(server.getSubjectAlternativeNames().stream().anyMatch(san -> san.equals(List.of(2, "localhost"))),
                "SAN: " + server.getSubjectAlternativeNames());
        assertTrue(server.getExtendedKeyUsage().contains(CertificateBuilder.SERVER_AUTH));
        assertEquals(-1, server.getBasicConstraints(), "the server certificate is not a CA");
        assertEquals("SHA256withECDSA", server.getSigAlgName());
        assertEquals(256, ((ECPublicKey) server.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertEquals(825, days(server));
    }

    @Test
    void theCaIsACaForTenYears() throws Exception {
        X509Certificate ca = DaemonIdentity.authority(generated);
        assertTrue(ca.getBasicConstraints() >= 0);
        ca.verify(ca.getPublicKey());
        assertEquals(3650, days(ca));
    }

    @Test
    void filesHaveTheirModesAndNoWorkFilesRemain() throws Exception {
        try (Stream<Path> files = Files.list(pristine)) {
            assertEquals(FILES.stream().sorted().toList(), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        if (AtomicFile.posix()) {
            assertEquals("rw-------", mode(pristine.resolve(DaemonIdentity.KEY_FILE)));
            assertEquals("rw-r--r--", mode(pristine.resolve(DaemonIdentity.CERT_FILE)));
            assertEquals("rw-r--r--", mode(pristine.resolve(DaemonIdentity.CA_FILE)));
        }
    }

    @Test
    void anEmptyDirectoryHasNoCertificatesYet() throws IOException {
        assertEquals("no certificates yet", DaemonIdentity.check(Files.createTempDirectory(shared, "empty"), NOW));
    }

    @Test
    void aValidIdentityIsReusedAsIs() throws Exception {
        Path dir = copy();
        assertNull(DaemonIdentity.check(dir, NOW));
        byte[] cert = Files.readAllBytes(dir.resolve(DaemonIdentity.CERT_FILE));
        Identity reused = DaemonIdentity.loadOrCreate(dir, NOW);
        assertArrayEquals(generated.certificate().getEncoded(), reused.certificate().getEncoded());
        assertArrayEquals(DaemonIdentity.authority(generated).getEncoded(), DaemonIdentity.authority(reused).getEncoded());
        assertArrayEquals(generated.key().getEncoded(), reused.key().getEncoded());
        assertArrayEquals(cert, Files.readAllBytes(dir.resolve(DaemonIdentity.CERT_FILE)));
    }

    @Test
    void aMissingFileIsAReason() throws IOException {
        for (String file : FILES) {
            Path dir = copy();
            Files.delete(dir.resolve(file));
            String reason = DaemonIdentity.check(dir, NOW);
            assertNotNull(reason, file);
            assertTrue(reason.contains(file), reason);
        }
    }

    @Test
    void aGarbageFileIsAReason() throws IOException {
        for (String file : FILES) {
            Path dir = copy();
            Files.writeString(dir.resolve(file), "garbage\n");
            assertNotNull(DaemonIdentity.check(dir, NOW), file);
        }
    }

    @Test
    void aServerCertificateFromAnotherCaIsAReason() throws IOException {
        Path dir = copy();
        Files.writeString(dir.resolve(DaemonIdentity.CA_FILE), new CertificateBuilder().subject("Another CA").ca(true).build().pem());
        assertTrue(DaemonIdentity.check(dir, NOW).contains("is not signed by"));
    }

    @Test
    void aKeyThatDoesNotMatchIsAReason() throws IOException {
        Path dir = copy();
        Files.writeString(dir.resolve(DaemonIdentity.KEY_FILE), Pem.encode(Pem.PRIVATE_KEY, CertificateBuilder.ecKeyPair().getPrivate().getEncoded()));
        assertTrue(DaemonIdentity.check(dir, NOW).contains("does not match"));
    }

    @Test
    void aServerCertificateWithoutServerAuthIsAReason() throws IOException {
        CertificateBuilder.Issued ca = new CertificateBuilder().subject("Test CA").ca(true).build();
        CertificateBuilder.Issued server = new CertificateBuilder().subject("localhost").issuedBy(ca).dnsName("localhost")
                .extendedKeyUsage(CertificateBuilder.CLIENT_AUTH).build();
        Path dir = write(ca, server);
        assertTrue(DaemonIdentity.check(dir, NOW).contains("lacks the serverAuth"));
    }

    @Test
    void aCaFileThatIsNotACaIsAReason() throws IOException {
        CertificateBuilder.Issued notCa = new CertificateBuilder().subject("Not a CA").ca(false).build();
        CertificateBuilder.Issued server = new CertificateBuilder().subject("localhost").issuedBy(notCa).dnsName("localhost")
                .extendedKeyUsage(CertificateBuilder.SERVER_AUTH).build();
        assertTrue(DaemonIdentity.check(write(notCa, server), NOW).contains("is not a CA certificate"));
    }

    @Test
    void aWellFormedHandMadeIdentityPasses() throws IOException {
        // The control for the two cases above: the same construction with the right properties.
        CertificateBuilder.Issued ca = new CertificateBuilder().subject("Test CA").ca(true).build();
        CertificateBuilder.Issued server = new CertificateBuilder().subject("localhost").issuedBy(ca).dnsName("localhost")
                .extendedKeyUsage(CertificateBuilder.SERVER_AUTH).build();
        assertNull(DaemonIdentity.check(write(ca, server), NOW));
    }

    @Test
    void anExpiredServerCertificateIsAReason() throws IOException {
        String reason = DaemonIdentity.check(copy(), NOW.plus(Duration.ofDays(900)));
        assertNotNull(reason);
        assertTrue(reason.contains("expired"), reason);
        assertTrue(reason.contains("localhost"), reason);
    }

    @Test
    void aServerCertificateExpiringWithinThirtyDaysIsAReason() throws IOException {
        Path dir = copy();
        assertNull(DaemonIdentity.check(dir, NOW.plus(Duration.ofDays(790))));
        String reason = DaemonIdentity.check(dir, NOW.plus(Duration.ofDays(810)));
        assertNotNull(reason);
        assertTrue(reason.contains("expires soon"), reason);
    }

    @Test
    void aCertificateNotYetValidIsAReason() throws IOException {
        String reason = DaemonIdentity.check(copy(), NOW.minus(Duration.ofDays(2)));
        assertNotNull(reason);
        assertTrue(reason.contains("not valid before"), reason);
    }

    @Test
    void aMissingFileIsRegenerated() throws Exception {
        Path dir = copy();
        Files.delete(dir.resolve(DaemonIdentity.KEY_FILE));
        Identity renewed = DaemonIdentity.loadOrCreate(dir, Instant.now());
        assertFalse(Arrays.equals(generated.certificate().getEncoded(), renewed.certificate().getEncoded()));
        assertNull(DaemonIdentity.check(dir, Instant.now()));
        assertArrayEquals(renewed.certificate().getEncoded(),
                Pem.singleCertificate(Files.readString(dir.resolve(DaemonIdentity.CERT_FILE))).getEncoded());
    }

    @Test
    void anExpiredIdentityIsRegenerated() throws Exception {
        Path dir = copy();
        Instant future = NOW.plus(Duration.ofDays(900));
        Identity renewed = DaemonIdentity.loadOrCreate(dir, future);
        assertFalse(Arrays.equals(generated.certificate().getEncoded(), renewed.certificate().getEncoded()));
        assertFalse(Arrays.equals(DaemonIdentity.authority(generated).getEncoded(), DaemonIdentity.authority(renewed).getEncoded()),
                "a new CA is made too");
        assertArrayEquals(renewed.certificate().getEncoded(),
                Pem.singleCertificate(Files.readString(dir.resolve(DaemonIdentity.CERT_FILE))).getEncoded());
        assertNull(DaemonIdentity.check(dir, Instant.now()));
    }

    /** A directory with {@code ca} and {@code server} (and the server's key) as the daemon's files. */
    private static Path write(CertificateBuilder.Issued ca, CertificateBuilder.Issued server) throws IOException {
        Path dir = Files.createTempDirectory(shared, "made");
        Files.writeString(dir.resolve(DaemonIdentity.CA_FILE), ca.pem());
        Files.writeString(dir.resolve(DaemonIdentity.CERT_FILE), server.pem());
        Files.writeString(dir.resolve(DaemonIdentity.KEY_FILE), Pem.encode(Pem.PRIVATE_KEY, server.keys().getPrivate().getEncoded()));
        return dir;
    }

    private static long days(X509Certificate cert) {
        return Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()).toDays();
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
