// SPDX-License-Identifier: Apache-2.0
package multipass.tls;

import multipass.testing.CertificateBuilder;
import org.junit.jupiter.api.Test;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The client's check of the daemon's certificate against the pinned, published CA. */
class PinnedAuthorityTrustManagerTest {
    private static final Instant NOW = Instant.now();
    private final CertificateBuilder.Issued ca = new CertificateBuilder().subject("Multipass Root CA").ca(true).build();
    private final PinnedAuthorityTrustManager manager = new PinnedAuthorityTrustManager(List.of(ca.certificate()));

    private CertificateBuilder server() {
        return new CertificateBuilder().subject("localhost").issuedBy(ca).dnsName("localhost")
                .extendedKeyUsage(CertificateBuilder.SERVER_AUTH).validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));
    }

    private String rejection(X509Certificate leaf) {
        return assertThrows(CertificateException.class, () -> manager.checkServerTrusted(new X509Certificate[] {leaf, ca.certificate()}, "EC"))
                .getMessage();
    }

    @Test
    void aServerCertificateSignedByThePinnedCaNamingLocalhostIsAccepted() {
        assertDoesNotThrow(() -> manager.checkServerTrusted(new X509Certificate[] {server().build().certificate()}, "EC"));
    }

    @Test
    void anotherCaIsRejectedEvenWithTheSameName() {
        CertificateBuilder.Issued impostor = new CertificateBuilder().subject("Multipass Root CA").ca(true).build();
        X509Certificate leaf = new CertificateBuilder().subject("localhost").issuedBy(impostor).dnsName("localhost")
                .extendedKeyUsage(CertificateBuilder.SERVER_AUTH).build().certificate();
        assertEquals("the daemon's certificate is not signed by the CA it published", rejection(leaf));
    }

    @Test
    void theNameMustBeLocalhost() {
        X509Certificate leaf = new CertificateBuilder().subject("localhost").issuedBy(ca).dnsName("example.com")
                .extendedKeyUsage(CertificateBuilder.SERVER_AUTH).build().certificate();
        assertEquals("the daemon's certificate does not name localhost", rejection(leaf));
    }

    @Test
    void aClientCertificateIsNotAServerCertificate() {
        X509Certificate leaf = new CertificateBuilder().subject("localhost").issuedBy(ca).dnsName("localhost")
                .extendedKeyUsage(CertificateBuilder.CLIENT_AUTH).build().certificate();
        assertEquals("the daemon's certificate does not allow serverAuth", rejection(leaf));
    }

    @Test
    void anExpiredCertificateIsRejected() {
        X509Certificate leaf = server().validity(NOW.minus(Duration.ofDays(900)), NOW.minus(Duration.ofDays(1))).build().certificate();
        assertThrows(java.security.cert.CertificateExpiredException.class,
                () -> manager.checkServerTrusted(new X509Certificate[] {leaf}, "EC"));
    }

    @Test
    void noCertificateAtAllIsRejectedAndClientsAreNeverVerified() {
        assertThrows(CertificateException.class, () -> manager.checkServerTrusted(new X509Certificate[0], "EC"));
        assertThrows(CertificateException.class, () -> manager.checkClientTrusted(new X509Certificate[] {server().build().certificate()}, "EC"));
    }
}
