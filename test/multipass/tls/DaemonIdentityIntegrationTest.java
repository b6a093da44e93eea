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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link DaemonIdentity} generates with keytool (CA and server certificate as SPEC section
 * 3 says, file modes, no work files left) and regeneration when a file is missing or the
 * identity expired. One identity is generated for the class; the two regeneration cases run
 * keytool again (about 2 s each). The reasons {@code check} gives are in {@link DaemonIdentityTest}.
 */
@Timeout(120)
class DaemonIdentityIntegrationTest {
    /** Just after generation: keytool dates each certificate from the moment it signs it. */
    private static Instant NOW;

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
        return DaemonIdentityTest.copy(pristine, shared);
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
            assertEquals(DaemonIdentityTest.FILES.stream().sorted().toList(), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        if (AtomicFile.posix()) {
            assertEquals("rw-------", mode(pristine.resolve(DaemonIdentity.KEY_FILE)));
            assertEquals("rw-r--r--", mode(pristine.resolve(DaemonIdentity.CERT_FILE)));
            assertEquals("rw-r--r--", mode(pristine.resolve(DaemonIdentity.CA_FILE)));
        }
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

    private static long days(X509Certificate cert) {
        return Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()).toDays();
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
