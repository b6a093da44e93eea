// SPDX-License-Identifier: Apache-2.0
package multipass.tls;

import multipass.util.AtomicFile;
import multipass.util.FileLockHandle;
import multipass.util.Pem;
import multipass.util.PrivateDirectories;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A user's client identity: an EC P-256 key and a self-signed certificate
 * ({@code CN=<random UUID>}, EKU clientAuth, CA:FALSE), made once with keytool and kept as
 * {@code multipass_cert.pem} and {@code multipass_cert_key.pem} in the client identity
 * directory (0700; key 0600). The certificate's DER bytes are what the daemon trusts.
 * Generation holds a lock file in the directory, so two clients started at once by the same
 * user cannot pair one's key with the other's certificate.
 */
public final class ClientIdentity {
    /** The certificate file name, as in Multipass. */
    public static final String CERT_FILE = "multipass_cert.pem";
    /** The private key file name, as in Multipass. */
    public static final String KEY_FILE = "multipass_cert_key.pem";
    private static final int VALIDITY_DAYS = 3650;

    private ClientIdentity() {
    }

    /** True when both identity files exist in {@code dir} (loading will not need keytool). */
    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(CERT_FILE)) && Files.exists(dir.resolve(KEY_FILE));
    }

    /** Loads the identity in {@code dir}, creating it (and {@code dir}) on first use. */
    public static Identity loadOrCreate(Path dir) throws IdentityException {
        Path cert = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        if (Files.exists(cert) && Files.exists(key)) {
            return load(cert, key);
        }
        try {
            PrivateDirectories.createAll(dir);
            FileLockHandle lock = FileLockHandle.acquire(dir.resolve(".lock"));
            try {
                // Another client may have made the identity while we waited for the lock.
                if (Files.exists(cert) && Files.exists(key)) {
                    return load(cert, key);
                }
                return generateAndStore(dir, cert, key);
            } finally {
                lock.close();
            }
        } catch (IOException e) {
            throw new IdentityException("cannot store the client certificate in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Identity generateAndStore(Path dir, Path cert, Path key) throws IdentityException, IOException {
        try {
            Identity identity = generate(dir);
            AtomicFile.write(key, Pem.encode(Pem.PRIVATE_KEY, identity.key().getEncoded()).getBytes(StandardCharsets.US_ASCII), AtomicFile.OWNER_ONLY);
            AtomicFile.write(cert, Pem.encode(Pem.CERTIFICATE, identity.certificate().getEncoded()).getBytes(StandardCharsets.US_ASCII), AtomicFile.WORLD_READABLE);
            return identity;
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IdentityException("cannot encode the new client certificate: " + e.getMessage(), e);
        }
    }

    /** Reads an existing identity; a broken file is an error that says how to start over. */
    static Identity load(Path cert, Path key) throws IdentityException {
        try {
            return new Identity(Pem.singleEcKey(Files.readString(key, StandardCharsets.US_ASCII)),
                    List.of(Pem.singleCertificate(Files.readString(cert, StandardCharsets.US_ASCII))));
        } catch (IOException | Pem.PemException e) {
            throw new IdentityException("cannot read the client certificate " + cert + " or its key " + key + ": " + e.getMessage()
                    + "; delete both files to generate a new identity (it will need to be authenticated again)", e);
        }
    }

    private static Identity generate(Path dir) throws IdentityException, IOException {
        Path work = PrivateDirectories.createTemp(dir, ".keygen");
        try {
            Keytool keytool = new Keytool(work);
            keytool.generateKeyPair("client", "CN=" + UUID.randomUUID(), VALIDITY_DAYS, "EKU=clientAuth", "BC:c=ca:false");
            return new Identity(keytool.privateKey("client"), List.of(keytool.certificate("client")));
        } finally {
            PrivateDirectories.deleteTree(work);
        }
    }
}
