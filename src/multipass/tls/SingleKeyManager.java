// SPDX-License-Identifier: Apache-2.0
package multipass.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;

/**
 * A key manager holding exactly one identity, offered whatever the peer asks for. It avoids
 * building a password-protected {@code KeyStore} just to hand JSSE one key, which costs a
 * PBE encryption on every CLI start. The identity comes from a supplier, consulted only when
 * the peer asks for a certificate, so the CLI can load its key while the handshake starts;
 * a supplier that yields null means "no certificate". Thread-safe if the supplier is.
 */
final class SingleKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "identity";
    private final Supplier<Identity> identity;

    SingleKeyManager(Supplier<Identity> identity) {
        this.identity = identity;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return identity.get() == null ? null : ALIAS;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return "EC".equals(keyType) ? ALIAS : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return identity.get() == null ? null : ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return "EC".equals(keyType) ? ALIAS : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Identity current = identity.get();
        return ALIAS.equals(alias) && current != null ? current.chain().toArray(new X509Certificate[0]) : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Identity current = identity.get();
        return ALIAS.equals(alias) && current != null ? current.key() : null;
    }
}
