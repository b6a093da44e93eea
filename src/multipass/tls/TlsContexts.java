// SPDX-License-Identifier: Apache-2.0
package multipass.tls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds the two TLS configurations of the product, both TLS 1.3 only.
 *
 * <p>Both offer one application protocol, ALPN {@value #ALPN_H2}: a peer that offers another is
 * refused in the handshake (no_application_protocol), and one that offers none completes it
 * without a protocol, which {@link #speaksH2} tells, so that the caller refuses it with a clear
 * message instead of speaking HTTP/2 to it.
 *
 * <ul>
 *   <li>Daemon: presents its server certificate, requests (but does not chain-verify) a client
 *       certificate; authorization happens afterwards against the trust store.
 *   <li>Client: presents its own certificate and trusts only the daemon's published CA,
 *       checking that the server certificate names {@code localhost}
 *       ({@link PinnedAuthorityTrustManager}). An unverified daemon fails the handshake, so
 *       no request, and no passphrase, is ever sent to it.
 * </ul>
 */
public final class TlsContexts {
    /** The only protocol version enabled. */
    public static final String PROTOCOL = "TLSv1.3";
    /** The name the daemon's certificate must carry. */
    public static final String SERVER_NAME = "localhost";
    /**
     * The one application protocol offered and accepted (RFC 7301 ALPN): HTTP/2 over TLS, which
     * gRPC requires (a gRPC client refuses a server that selects none).
     */
    public static final String ALPN_H2 = "h2";

    private final SSLContext context;
    private final boolean client;

    private TlsContexts(SSLContext context, boolean client) {
        this.context = context;
        this.client = client;
    }

    /** The daemon's configuration. */
    public static TlsContexts daemon(Identity identity) throws IdentityException {
        return new TlsContexts(context(() -> identity, new TrustManager[] {new AnyClientCertificate()}), false);
    }

    /** A client's configuration, trusting only {@code daemonCa}. */
    public static TlsContexts client(Identity identity, X509Certificate daemonCa) throws IdentityException {
        return client(() -> identity, List.of(daemonCa));
    }

    /**
     * A client's configuration, trusting only the daemon CAs in {@code daemonCas}, presenting the
     * identity {@code identity} yields when the daemon asks for it (null: none).
     */
    public static TlsContexts client(Supplier<Identity> identity, List<X509Certificate> daemonCas) throws IdentityException {
        return new TlsContexts(context(identity, new TrustManager[] {new PinnedAuthorityTrustManager(daemonCas)}), true);
    }

    /** A new engine for one connection. */
    public SSLEngine newEngine() {
        SSLEngine engine = client ? context.createSSLEngine(SERVER_NAME, -1) : context.createSSLEngine();
        engine.setUseClientMode(client);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        parameters.setApplicationProtocols(new String[] {ALPN_H2});
        if (!client) {
            parameters.setWantClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    private static SSLContext context(Supplier<Identity> identity, TrustManager[] trust) throws IdentityException {
        try {
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(new KeyManager[] {new SingleKeyManager(identity)}, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IdentityException("cannot initialise TLS: " + e.getMessage(), e);
        }
    }

    /** True when the handshake of {@code engine} selected ALPN {@value #ALPN_H2}. */
    public static boolean speaksH2(SSLEngine engine) {
        return ALPN_H2.equals(engine.getApplicationProtocol());
    }

    /** The DER bytes of the peer's leaf certificate, or null when it sent none. */
    public static byte[] peerCertificate(javax.net.ssl.SSLSession session) {
        try {
            java.security.cert.Certificate[] chain = session.getPeerCertificates();
            return chain.length == 0 ? null : chain[0].getEncoded();
        } catch (javax.net.ssl.SSLPeerUnverifiedException | java.security.cert.CertificateEncodingException e) {
            return null;
        }
    }
}
