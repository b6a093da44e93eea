package multipass.tls;

import multipass.util.AtomicFile;
import multipass.util.Pem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A user's client identity: an EC P-256 key and a self-signed certificate
 * ({@code CN=<random UUID>}, EKU clientAuth, CA:FALSE), made once with keytool and kept as
 * {@code multipass_cert.pem} and {@code multipass_cert_key.pem} in the client identity
 * directory (0700; key 0600). The certificate's DER bytes are what the daemon trusts.
 */
public final class ClientIdentity {
    /** The certificate file name, as in Multipass. */
    public static final String CERT_FILE = "multipass_cert.pem";
    /** The private key file name, as in Multipass. */
    public static final String KEY_FILE = "multipass_cert_key.pem";
    private static final int VALIDITY_DAYS = 3650;

    private ClientIdentity() {
    }

    /** Loads the identity in {@code dir}, creating it (and {@code dir}) on first use. */
    public static Identity loadOrCreate(Path dir) throws IdentityException {
        Path cert = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        if (Files.exists(cert) && Files.exists(key)) {
            return load(cert, key);
        }
        try {
            createPrivateDirectories(dir);
            Identity identity = generate(dir);
            AtomicFile.write(key, Pem.encode(Pem.PRIVATE_KEY, identity.key().getEncoded()).getBytes(StandardCharsets.US_ASCII), AtomicFile.OWNER_ONLY);
            AtomicFile.write(cert, Pem.encode(Pem.CERTIFICATE, identity.certificate().getEncoded()).getBytes(StandardCharsets.US_ASCII), AtomicFile.WORLD_READABLE);
            return identity;
        } catch (IOException | java.security.cert.CertificateEncodingException e) {
            throw new IdentityException("cannot store the client certificate in " + dir + ": " + e.getMessage(), e);
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
        Path work = Files.createTempDirectory(dir, ".keygen", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Keytool keytool = new Keytool(work);
            keytool.generateKeyPair("client", "CN=" + UUID.randomUUID(), VALIDITY_DAYS, "EKU=clientAuth", "BC:c=ca:false");
            return new Identity(keytool.privateKey("client"), List.of(keytool.certificate("client")));
        } finally {
            deleteTree(work);
        }
    }

    /** Creates {@code dir} and missing parents (new ones 0700); returns those it created, outermost first. */
    static List<Path> createPrivateDirectories(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return missing;
    }

    /** Deletes a small directory tree of our own making. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(path);
            }
        }
    }
}
