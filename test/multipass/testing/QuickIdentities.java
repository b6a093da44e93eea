// SPDX-License-Identifier: Apache-2.0
package multipass.testing;

import multipass.tls.ClientIdentity;
import multipass.tls.DaemonIdentity;
import multipass.tls.Identity;
import multipass.tls.IdentityException;
import multipass.util.AtomicFile;
import multipass.util.Pem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * TLS identities made in milliseconds with {@link CertificateBuilder} instead of keytool (a
 * JVM start per run), for tests that need many clients or start many daemons: a client
 * identity like the CLI's (self-signed, clientAuth, CA:FALSE), and a daemon certificate
 * directory that {@code DaemonIdentity} accepts as it is (CA, server certificate for
 * {@code localhost}, key), so a daemon started on it never runs keytool. Thread-safe.
 */
public final class QuickIdentities {
    private QuickIdentities() {
    }

    /** A client identity whose certificate has the subject {@code CN=<name>}. */
    public static Identity client(String name) {
        return identity(issueClient(name));
    }

    private static CertificateBuilder.Issued issueClient(String name) {
        return new CertificateBuilder().subject(name).ca(false).extendedKeyUsage(CertificateBuilder.CLIENT_AUTH).build();
    }

    private static Identity identity(CertificateBuilder.Issued issued) {
        return new Identity(issued.keys().getPrivate(), List.of(issued.certificate()));
    }

    /**
     * Writes a client identity with the subject {@code CN=<name>} into {@code identityDir}
     * (created 0700), as the CLI would have made it on its first run, so the CLI run with that
     * directory never runs keytool. Returns it.
     */
    public static Identity seedClient(Path identityDir, String name) throws IOException {
        CertificateBuilder.Issued issued = issueClient(name);
        Files.createDirectories(identityDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        write(identityDir.resolve(ClientIdentity.KEY_FILE), Pem.encode(Pem.PRIVATE_KEY, issued.keys().getPrivate().getEncoded()), false);
        write(identityDir.resolve(ClientIdentity.CERT_FILE), issued.pem(), true);
        return identity(issued);
    }

    /**
     * Writes a daemon identity into {@code dataDir/certificates}, creating the data directory
     * (0700) if needed, as {@code DaemonIdentity} would have made it.
     */
    public static void seedDaemon(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("certificates");
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CertificateBuilder.Issued ca = new CertificateBuilder().subject("Multipass Root CA").ca(true)
                .validity(now.minus(1, ChronoUnit.DAYS), now.plus(3650, ChronoUnit.DAYS)).build();
        CertificateBuilder.Issued server = new CertificateBuilder().subject("localhost").issuedBy(ca).ca(false).dnsName("localhost")
                .extendedKeyUsage(CertificateBuilder.SERVER_AUTH).validity(now.minus(1, ChronoUnit.DAYS), now.plus(825, ChronoUnit.DAYS)).build();
        write(dir.resolve("localhost_key.pem"), Pem.encode(Pem.PRIVATE_KEY, server.keys().getPrivate().getEncoded()), false);
        write(dir.resolve("localhost.pem"), server.pem(), true);
        write(dir.resolve("multipass_root_cert.pem"), ca.pem(), true);
    }

    /**
     * A daemon identity seeded into {@code dataDir} ({@link #seedDaemon}) and loaded back by
     * {@code DaemonIdentity}, as a daemon started on that data dir would load it.
     */
    public static Identity daemon(Path dataDir) throws IOException, IdentityException {
        seedDaemon(dataDir);
        return DaemonIdentity.loadOrCreate(dataDir.resolve("certificates"), Instant.now());
    }

    private static void write(Path file, String pem, boolean worldReadable) throws IOException {
        AtomicFile.write(file, pem.getBytes(StandardCharsets.US_ASCII), worldReadable ? AtomicFile.WORLD_READABLE : AtomicFile.OWNER_ONLY);
    }
}
