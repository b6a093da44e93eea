// SPDX-License-Identifier: Apache-2.0
package multipass.tls;

import multipass.testing.CertificateBuilder;
import multipass.testing.QuickIdentities;
import multipass.util.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DaemonIdentity} without keytool: reuse of a valid identity, and every reason
 * {@code check} gives for making a new one (nothing there, a file missing or garbage, a broken
 * chain, a wrong key or EKU, expiry). The identity is made once for the class with
 * {@link QuickIdentities} (CA and server certificate as {@code DaemonIdentity} makes them) and
 * copied into each case. What keytool generates, and regeneration, are in
 * {@link DaemonIdentityIntegrationTest}.
 */
@Timeout(60)
class DaemonIdentityTest {
    /** The seeded certificates are valid from a day before this moment. */
    private static Instant NOW;
    static final List<String> FILES = List.of(DaemonIdentity.CA_FILE, DaemonIdentity.CERT_FILE, DaemonIdentity.KEY_FILE);

    @TempDir
    static Path shared;
    private static Path pristine;
    private static Identity generated;

    @BeforeAll
    static void seedOnce() throws Exception {
        NOW = Instant.now();
        QuickIdentities.seedDaemon(shared.resolve("seed"));
        pristine = shared.resolve("seed").resolve("certificates");
        assertNull(DaemonIdentity.check(pristine, NOW), "the seeded identity is valid, so loading it runs no keytool");
        generated = DaemonIdentity.loadOrCreate(pristine, NOW);
    }

    /** A new directory holding a copy of the seeded identity. */
    private static Path copy() throws IOException {
        return copy(pristine, shared);
    }

    /** A new directory under {@code parent} holding a copy of the identity files in {@code from}. */
    static Path copy(Path from, Path parent) throws IOException {
        Path dir = Files.createTempDirectory(parent, "case");
        for (String file : FILES) {
            Files.copy(from.resolve(file), dir.resolve(file));
        }
        return dir;
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

    /** A directory with {@code ca} and {@code server} (and the server's key) as the daemon's files. */
    private static Path write(CertificateBuilder.Issued ca, CertificateBuilder.Issued server) throws IOException {
        Path dir = Files.createTempDirectory(shared, "made");
        Files.writeString(dir.resolve(DaemonIdentity.CA_FILE), ca.pem());
        Files.writeString(dir.resolve(DaemonIdentity.CERT_FILE), server.pem());
        Files.writeString(dir.resolve(DaemonIdentity.KEY_FILE), Pem.encode(Pem.PRIVATE_KEY, server.keys().getPrivate().getEncoded()));
        return dir;
    }
}
