// SPDX-License-Identifier: Apache-2.0
package multipass.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the JDK's {@code keytool} (from {@code java.home}) to make EC P-256 key pairs and
 * certificates in a throw-away PKCS#12 keystore, and reads them back. The keystore password is
 * random, lives only for one generation and reaches keytool through its environment
 * ({@code -storepass:env}), so it never shows in {@code ps}.
 */
final class Keytool {
    private static final String PASSWORD_VARIABLE = "MULTIPASS_KEYSTORE_PASSWORD";
    private static final long TIMEOUT_SECONDS = 60;

    private final Path executable;
    private final Path keystore;
    private final char[] password;

    /** A keytool session over a new keystore file inside the private directory {@code workDir}. */
    Keytool(Path workDir) {
        this.executable = defaultExecutable();
        this.keystore = workDir.resolve("identity.p12");
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.password = Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
    }

    /** {@code $java.home/bin/keytool} (with {@code .exe} on Windows). */
    static Path defaultExecutable() {
        String name = System.getProperty("os.name").startsWith("Windows") ? "keytool.exe" : "keytool";
        return Path.of(System.getProperty("java.home"), "bin", name);
    }

    /** Generates a key pair under {@code alias} with a self-signed certificate. */
    void generateKeyPair(String alias, String subject, int validityDays, String... extensions) throws IdentityException {
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-dname", subject, "-validity", Integer.toString(validityDays)));
        addExtensions(args, extensions);
        run(args);
    }

    /** Signs {@code alias}'s key with {@code issuerAlias}'s, returning the new certificate in PEM. */
    String signWith(String alias, String issuerAlias, int validityDays, String... extensions) throws IdentityException {
        Path request = keystore.resolveSibling(alias + ".csr");
        Path certificate = keystore.resolveSibling(alias + ".pem");
        run(List.of("-certreq", "-alias", alias, "-file", request.toString()));
        List<String> args = new ArrayList<>(List.of("-gencert", "-alias", issuerAlias, "-infile", request.toString(),
                "-outfile", certificate.toString(), "-rfc", "-sigalg", "SHA256withECDSA", "-validity", Integer.toString(validityDays)));
        addExtensions(args, extensions);
        run(args);
        try {
            return Files.readString(certificate, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IdentityException("keytool did not write the certificate " + certificate + ": " + e.getMessage(), e);
        }
    }

    /** The private key stored under {@code alias}. */
    PrivateKey privateKey(String alias) throws IdentityException {
        try {
            return (PrivateKey) load().getKey(alias, password);
        } catch (GeneralSecurityException e) {
            throw new IdentityException("cannot read the key keytool generated: " + e.getMessage(), e);
        }
    }

    /** The certificate stored under {@code alias}. */
    X509Certificate certificate(String alias) throws IdentityException {
        try {
            return (X509Certificate) load().getCertificate(alias);
        } catch (GeneralSecurityException e) {
            throw new IdentityException("cannot read the certificate keytool generated: " + e.getMessage(), e);
        }
    }

    private KeyStore load() throws IdentityException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IdentityException("cannot open the keystore keytool wrote at " + keystore + ": " + e.getMessage(), e);
        }
    }

    private static void addExtensions(List<String> args, String... extensions) {
        for (String extension : extensions) {
            args.add("-ext");
            args.add(extension);
        }
    }

    private void run(List<String> args) throws IdentityException {
        if (!Files.isExecutable(executable)) {
            throw new IdentityException("cannot generate a certificate: keytool not found or not executable at " + executable
                    + "; install a full JDK or JRE that includes keytool");
        }
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(args);
        command.addAll(List.of("-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass:env", PASSWORD_VARIABLE, "-noprompt"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, new String(password));
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IdentityException("keytool " + args.get(0) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IdentityException("keytool " + args.get(0) + " failed (exit " + process.exitValue() + "): " + output);
            }
        } catch (IOException e) {
            throw new IdentityException("cannot run keytool at " + executable + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdentityException("interrupted while keytool was running", e);
        }
    }
}
