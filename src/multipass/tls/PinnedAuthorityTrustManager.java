// SPDX-License-Identifier: Apache-2.0
package multipass.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Date;
import java.util.List;

/**
 * The client's verifier of the daemon's certificate. The daemon's CA is pinned (read from
 * where the daemon publishes it), so the whole path is one signature: the server's leaf
 * certificate must be signed by a pinned CA, be within its validity (and the CA within its),
 * allow serverAuth, allow digital signatures, and name {@code DNS:localhost} in its subject
 * alternative names (RFC 6125's rule; the daemon is only ever reached locally).
 *
 * <p>This is what JSSE's PKIX trust manager with one anchor and "HTTPS" endpoint
 * identification checks for such a two-certificate chain, without loading the general path
 * builder, which costs a cold CLI start tens of milliseconds. Immutable, thread-safe.
 */
final class PinnedAuthorityTrustManager extends X509ExtendedTrustManager {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final int DNS_NAME = 2;
    private static final int DIGITAL_SIGNATURE = 0;

    private final List<X509Certificate> authorities;

    PinnedAuthorityTrustManager(List<X509Certificate> authorities) {
        this.authorities = List.copyOf(authorities);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the daemon presented no certificate");
        }
        X509Certificate leaf = chain[0];
        X509Certificate issuer = issuerOf(leaf);
        Date now = new Date();
        issuer.checkValidity(now);
        leaf.checkValidity(now);
        List<String> usages = leaf.getExtendedKeyUsage();
        if (usages != null && !usages.contains(SERVER_AUTH)) {
            throw new CertificateException("the daemon's certificate does not allow serverAuth");
        }
        boolean[] keyUsage = leaf.getKeyUsage();
        if (keyUsage != null && !keyUsage[DIGITAL_SIGNATURE]) {
            throw new CertificateException("the daemon's certificate does not allow digital signatures");
        }
        if (!namesLocalhost(leaf)) {
            throw new CertificateException("the daemon's certificate does not name " + TlsContexts.SERVER_NAME);
        }
    }

    /** The pinned CA that signed {@code leaf}; none is an error. */
    private X509Certificate issuerOf(X509Certificate leaf) throws CertificateException {
        for (X509Certificate authority : authorities) {
            if (!authority.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
                continue;
            }
            try {
                leaf.verify(authority.getPublicKey());
                return authority;
            } catch (GeneralSecurityException e) {
                continue; // same name, other key: try the next pinned CA
            }
        }
        throw new CertificateException("the daemon's certificate is not signed by the CA it published");
    }

    private static boolean namesLocalhost(X509Certificate leaf) throws CertificateParsingException {
        Collection<List<?>> names = leaf.getSubjectAlternativeNames();
        if (names == null) {
            return false;
        }
        for (List<?> name : names) {
            if (Integer.valueOf(DNS_NAME).equals(name.get(0)) && TlsContexts.SERVER_NAME.equalsIgnoreCase(String.valueOf(name.get(1)))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client does not verify other clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client does not verify other clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client does not verify other clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return authorities.toArray(new X509Certificate[0]);
    }
}
