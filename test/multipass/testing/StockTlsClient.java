// SPDX-License-Identifier: Apache-2.0
package multipass.testing;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

/**
 * A client engine built from stock JSSE, the way a program that is not our CLI would build one:
 * the platform's PKIX trust manager with one trust anchor, the name {@code localhost}, no client
 * certificate, and the protocol versions asked for (say TLS 1.2 only, which the daemon refuses).
 */
public final class StockTlsClient {
    private StockTlsClient() {
    }

    /** A client-mode engine that trusts {@code ca} and speaks only {@code protocol} ("TLSv1.3", "TLSv1.2"). */
    public static SSLEngine engine(X509Certificate ca, String protocol) throws GeneralSecurityException, IOException {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", ca);
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(anchors);
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(null, trust.getTrustManagers(), null);
        SSLEngine engine = context.createSSLEngine("localhost", -1);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {protocol});
        return engine;
    }
}
