// SPDX-License-Identifier: Apache-2.0
package multipass.tls;

import multipass.util.AtomicFile;
import multipass.util.Pem;
import multipass.util.PrivateDirectories;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The daemon's TLS identity: a root CA (CA:TRUE, 10 years) and a server certificate it signs
 * (SAN DNS:localhost, EKU serverAuth, 825 days), kept in {@code <data dir>/certificates/}.
 *
 * <p>At start the files are reused when they parse, chain, carry the right EKU, match their
 * key and stay valid for at least {@link #RENEW_BEFORE}; otherwise both are made anew and the
 * reason is logged. The CA's private key is never stored: it signs the server certificate
 * once and is discarded, so renewal makes a new CA (clients read the published CA on every
 * connection, so they follow).
 */
public final class DaemonIdentity {
    /** Renew certificates that expire within this margin. */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    /** The authority's certificate, the daemon's certificate and its private key, in the identity directory. */
    public static final String CA_FILE = "multipass_root_cert.pem";
    public static final String CERT_FILE = "localhost.pem";
    public static final String KEY_FILE = "localhost_key.pem";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final System.Logger LOG = System.getLogger(DaemonIdentity.class.getName());

    private DaemonIdentity() {
    }

    /** The server identity (chain: server certificate, CA), valid at {@code now}. */
    public static Identity loadOrCreate(Path dir, Instant now) throws IdentityException {
        String problem = check(dir, now);
        if (problem == null) {
            return read(dir);
        }
        LOG.log(System.Logger.Level.INFO, "generating a new daemon certificate authority and server certificate in {0}: {1}", dir, problem);
        return generate(dir);
    }

    /** Null when the stored identity is usable at {@code now}, else why not. */
    static String check(Path dir, Instant now) {
        if (!Files.exists(dir.resolve(CA_FILE)) && !Files.exists(dir.resolve(CERT_FILE))) {
            return "no certificates yet";
        }
        Identity identity;
        try {
            identity = read(dir);
        } catch (IdentityException e) {
            return e.getMessage();
        }
        X509Certificate server = identity.certificate();
        X509Certificate ca = identity.chain().get(1);
        try {
            if (ca.getBasicConstraints() < 0) {
                return CA_FILE + " is not a CA certificate";
            }
            server.verify(ca.getPublicKey());
            List<String> usages = server.getExtendedKeyUsage();
            if (usages == null || !usages.contains(SERVER_AUTH)) {
                return CERT_FILE + " lacks the serverAuth extended key usage";
            }
            if (!keyMatches(identity.key(), server)) {
                return KEY_FILE + " does not match " + CERT_FILE;
            }
        } catch (GeneralSecurityException e) {
            return CERT_FILE + " is not signed by " + CA_FILE + ": " + e.getMessage();
        }
        for (X509Certificate cert : identity.chain()) {
            Instant notAfter = cert.getNotAfter().toInstant();
            if (now.isBefore(cert.getNotBefore().toInstant())) {
                return cert.getSubjectX500Principal() + " is not valid before " + cert.getNotBefore().toInstant();
            }
            if (now.plus(RENEW_BEFORE).isAfter(notAfter)) {
                return cert.getSubjectX500Principal() + (now.isAfter(notAfter) ? " expired on " : " expires soon, on ") + notAfter;
            }
        }
        return null;
    }

    /** The CA certificate clients must trust (the last of the chain). */
    public static X509Certificate authority(Identity identity) {
        return identity.chain().get(identity.chain().size() - 1);
    }

    private static Identity read(Path dir) throws IdentityException {
        try {
            PrivateKey key = Pem.singleEcKey(Files.readString(dir.resolve(KEY_FILE), StandardCharsets.US_ASCII));
            X509Certificate server = Pem.singleCertificate(Files.readString(dir.resolve(CERT_FILE), StandardCharsets.US_ASCII));
            X509Certificate ca = Pem.singleCertificate(Files.readString(dir.resolve(CA_FILE), StandardCharsets.US_ASCII));
            return new Identity(key, List.of(server, ca));
        } catch (IOException | Pem.PemException e) {
            throw new IdentityException("cannot read the daemon certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean keyMatches(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
        byte[] probe = "multipass key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(cert.getPublicKey());
        verifier.update(probe);
        return verifier.verify(signature);
    }

    private static Identity generate(Path dir) throws IdentityException {
        try {
            PrivateDirectories.createAll(dir);
            Path work = PrivateDirectories.createTemp(dir, ".keygen");
            try {
                Keytool keytool = new Keytool(work);
                keytool.generateKeyPair("ca", "CN=Multipass Root CA,O=multipass-java", 3650, "BC:c=ca:true", "KU:c=keyCertSign,cRLSign");
                keytool.generateKeyPair("server", "CN=localhost,O=multipass-java", 825);
                String serverPem = keytool.signWith("server", "ca", 825, "SAN=dns:localhost", "EKU=serverAuth",
                        "KU:c=digitalSignature", "BC:c=ca:false");
                X509Certificate ca = keytool.certificate("ca");
                PrivateKey key = keytool.privateKey("server");
                AtomicFile.write(dir.resolve(KEY_FILE), Pem.encode(Pem.PRIVATE_KEY, key.getEncoded()).getBytes(StandardCharsets.US_ASCII), AtomicFile.OWNER_ONLY);
                AtomicFile.write(dir.resolve(CERT_FILE), serverPem.getBytes(StandardCharsets.US_ASCII), AtomicFile.WORLD_READABLE);
                AtomicFile.write(dir.resolve(CA_FILE), Pem.encode(Pem.CERTIFICATE, ca.getEncoded()).getBytes(StandardCharsets.US_ASCII), AtomicFile.WORLD_READABLE);
                return new Identity(key, List.of(Pem.singleCertificate(serverPem), ca));
            } finally {
                PrivateDirectories.deleteTree(work);
            }
        } catch (IOException | CertificateEncodingException | Pem.PemException e) {
            throw new IdentityException("cannot store the daemon certificates in " + dir + ": " + e.getMessage(), e);
        }
    }
}
