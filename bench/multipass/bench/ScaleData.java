// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.auth.PassphraseHash;
import multipass.tls.Identity;
import multipass.util.Pem;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a daemon data dir for one scale point directly, in the files' documented formats,
 * instead of admitting 100,000 clients one by one: the daemon's certificates (copied from a
 * template dir a first daemon made with keytool), {@code multipassd.conf} with the bench's
 * passphrase, the trust store ({@code authenticated-certs/multipass_client_certs.pem}: the
 * bench's own identity as first client of the current user, then {@code certs} entries of
 * 1,000 other made-up users) and the inventory ({@code instances.txt}: {@code instances}
 * running instances). The preloaded certificates are made once and kept as PEM text.
 * Not thread-safe.
 */
final class ScaleData {
    private static final String ADMITTED = "2026-01-01T00:00:00Z";
    /** Made-up users the preloaded entries belong to, so none of them counts against the bench's own user. */
    private static final int USERS = 1000;

    private final Path template;
    private final BenchCertificates certificates = new BenchCertificates();
    private final Identity trusted = certificates.identity("scale-trusted", 1);
    private final List<String> preloaded = new ArrayList<>();

    /** {@code template}: a data dir whose {@code certificates} a daemon has made. */
    ScaleData(Path template) {
        this.template = template;
    }

    /** The bench's trusted client, first client of every data dir written. */
    Identity trusted() {
        return trusted;
    }

    /** A fresh data dir at {@code dir} with {@code certs} preloaded trusted certificates and {@code instances} instances. */
    void write(Path dir, int certs, int instances, String passphrase, String user, long uid) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path certDir = Files.createDirectories(dir.resolve("certificates"));
        try (Stream<Path> files = Files.list(template.resolve("certificates"))) {
            for (Path file : files.toList()) {
                Files.copy(file, certDir.resolve(file.getFileName()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        ownerOnly(dir.resolve("multipassd.conf"), "[General]\nlocal.passphrase=" + PassphraseHash.hash(passphrase.toCharArray()) + "\n");
        Path store = Files.createDirectories(dir.resolve("authenticated-certs"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        while (preloaded.size() < certs) {
            int i = preloaded.size();
            preloaded.add(metadata("scale-user-" + i % USERS, 200_000 + i % USERS, "passphrase")
                    + Pem.encode(Pem.CERTIFICATE, certificates.preloaded("scale-client-" + i, 1_000_000L + i)));
        }
        try (BufferedWriter out = writer(store.resolve("multipass_client_certs.pem"))) {
            out.write(metadata(user, uid, "first-client") + Pem.encode(Pem.CERTIFICATE, trusted.certificate().getEncoded()));
            for (int i = 0; i < certs; i++) {
                out.write(preloaded.get(i));
            }
        } catch (CertificateEncodingException e) {
            throw new IOException("cannot encode the bench's certificate: " + e.getMessage(), e);
        }
        try (BufferedWriter out = writer(dir.resolve("instances.txt"))) {
            out.write("multipass-instances 1\n");
            for (int i = 0; i < instances; i++) {
                out.write(String.format("name=scale-%06d\tstate=Running\timage=24.04\tcpus=1\tmemory=1073741824\tdisk=5368709120\tcreated=%s\n",
                        i, ADMITTED));
            }
        }
    }

    /** A client identity of its own, for one {@code authenticate}. */
    Identity newIdentity(String name, long serial) {
        return certificates.identity(name, serial);
    }

    private static String metadata(String user, long uid, String method) {
        return "# multipass-trust: user=" + user + " uid=" + uid + " method=" + method + " admitted=" + ADMITTED + "\n";
    }

    private static void ownerOnly(Path file, String text) throws IOException {
        try (BufferedWriter out = writer(file)) {
            out.write(text);
        }
    }

    private static BufferedWriter writer(Path file) throws IOException {
        OutputStream stream = Files.newOutputStream(Files.createFile(file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))));
        return new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.US_ASCII), 1 << 16);
    }
}
