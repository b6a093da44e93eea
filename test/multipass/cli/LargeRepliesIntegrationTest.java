// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.testing.CertificateBuilder;
import multipass.testing.QuickIdentities;
import multipass.testing.TestDaemon;
import multipass.tls.ClientIdentity;
import multipass.util.Pem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replies far over one frame: a live daemon with 100,000 instances and 100,000 trusted
 * certificates (written into its data dir directly: the inventory, and the trust store after the
 * CLI became first client), and the CLI printing {@code list}, {@code info --all} and
 * {@code trust list} in every format, every record counted; the real CLI ({@code java -jar})
 * prints the biggest of them with a 48 MiB heap, which could not hold it whole. The trusted certificates are one
 * certificate with 100,000 serial numbers: the daemon matches stored certificates by their
 * bytes and never checks a stored signature.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LargeRepliesIntegrationTest {
    private static final int RECORDS = 100_000;
    private static final String CLIENT_HEAP = "-Xmx48m";

    @TempDir
    static Path dir;
    private static TestDaemon daemon;

    @BeforeAll
    static void loadTheDaemon() throws Exception {
        Path data = dir.resolve("data");
        QuickIdentities.seedDaemon(data); // no keytool for the daemon's certificates
        writeInventory(data.resolve("instances.txt"));
        writeClientIdentity(); // no keytool for the CLI's either
        daemon = TestDaemon.start(dir);
        CliRunner.Result first = new CliRunner(daemon.address(), identity()).run("version");
        assertEquals(0, first.exit(), first.err()); // now the first client: an administrator who sees every entry
        daemon.stop();
        appendTrustedCertificates(data.resolve("authenticated-certs/multipass_client_certs.pem"));
        daemon.startAgain();
    }

    @AfterAll
    static void stop() throws IOException {
        if (daemon != null) {
            daemon.close();
        }
    }

    @ParameterizedTest(name = "{0} {1} --format {2}")
    @CsvSource({
        "list, '', table", "list, '', csv", "list, '', json", "list, '', yaml",
        "info, --all, table", "info, --all, csv", "info, --all, json", "info, --all, yaml",
        "trust, list, table", "trust, list, csv", "trust, list, json", "trust, list, yaml"})
    void everyRecordArrivesInEveryFormat(String command, String argument, String format) {
        String[] args = argument.isEmpty() ? new String[] {command, "--format", format} : new String[] {command, argument, "--format", format};
        CliRunner.Result result = new CliRunner(daemon.address(), identity()).run(args);
        assertEquals(0, result.exit(), result.err());
        int expected = command.equals("trust") ? RECORDS + 1 : RECORDS; // and the CLI's own certificate
        assertEquals(expected, result.out().lines().filter(recordStart(command, format)).count(), command + " " + format);
        String last = result.out().substring(result.out().lastIndexOf('\n', result.out().length() - 2) + 1);
        assertEquals(switch (format) {
            case "json" -> "}\n";
            case "table" -> command.equals("list") ? "scale-099999  Running  --    24.04\n" : last;
            default -> last;
        }, last);
        if (command.equals("list") && format.equals("table")) {
            assertTrue(result.out().startsWith("Name          State    IPv4  Image\nscale-000000  Running  --    24.04\n"), "widths from the first records");
        }
    }

    @Test
    void theRealCliPrintsTheBiggestReplyWithASmallHeap() throws Exception {
        Path out = dir.resolve("info.json");
        Path err = dir.resolve("info.err");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), CLIENT_HEAP,
                "-jar", System.getProperty("multipass.jar", "build/multipass.jar"), "info", "--all", "--format", "json")
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("HOME", home().toString());
        builder.environment().put("MULTIPASS_SERVER_ADDRESS", daemon.address().toString());
        builder.environment().remove("XDG_DATA_HOME");
        Process process = builder.start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "info --all did not finish");
        assertEquals(0, process.exitValue(), Files.readString(err));
        assertEquals(RECORDS, count(out, recordStart("info", "json")));
        assertTrue(Files.size(out) > 30_000_000, Files.size(out) + " bytes: decoded whole, far more than the client's heap");
    }

    /** What starts a record in the output of {@code command} in {@code format}. */
    private static Predicate<String> recordStart(String command, String format) {
        String firstKey = command.equals("trust") ? "fingerprint" : "name";
        return switch (format) {
            case "json" -> line -> line.startsWith("            \"" + firstKey + "\": ");
            case "yaml" -> line -> line.startsWith("  - " + firstKey + ": ");
            case "csv" -> line -> !line.startsWith(command.equals("trust") ? "Fingerprint," : "Name,");
            default -> command.equals("info") ? line -> line.startsWith("Name:") : line -> !line.startsWith(command.equals("trust") ? "Fingerprint " : "Name ");
        };
    }

    private static Path home() {
        return dir.resolve("home-admin");
    }

    /** Where the CLI keeps its identity with that {@code HOME}. */
    private static Path identity() {
        return home().resolve(".local/share/multipass-client-certificate");
    }

    /** A client identity in the CLI's files, as {@code ClientIdentity} would have stored it. */
    private static void writeClientIdentity() throws IOException {
        multipass.tls.Identity identity = QuickIdentities.client("large-replies");
        Path identityDir = Files.createDirectories(identity(),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Path key = identityDir.resolve(ClientIdentity.KEY_FILE);
        Files.writeString(key, Pem.encode(Pem.PRIVATE_KEY, identity.key().getEncoded()), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try {
            Files.writeString(identityDir.resolve(ClientIdentity.CERT_FILE), Pem.encode(Pem.CERTIFICATE, identity.certificate().getEncoded()),
                    StandardCharsets.US_ASCII);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
    }

    private static long count(Path file, Predicate<String> matching) throws IOException {
        try (BufferedReader lines = Files.newBufferedReader(file)) {
            return lines.lines().filter(matching).count();
        }
    }

    private static void writeInventory(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            out.write("multipass-instances 1\n");
            for (int i = 0; i < RECORDS; i++) {
                out.write(String.format("name=scale-%06d\tstate=Running\timage=24.04\tcpus=1\tmemory=1073741824\tdisk=5368709120"
                        + "\tcreated=2026-01-01T00:00:00Z\n", i));
            }
        }
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    /** {@value #RECORDS} entries of made-up users, as the daemon writes them; distinct serial numbers make distinct certificates. */
    private static void appendTrustedCertificates(Path store) throws IOException {
        CertificateBuilder.Issued template = CertificateBuilder.selfSigned("scale-client");
        byte[] der = template.der();
        int at = lastThreeBytesOfTheSerial(der, template.certificate().getSerialNumber().toByteArray());
        try (BufferedWriter out = Files.newBufferedWriter(store, StandardCharsets.US_ASCII, StandardOpenOption.APPEND)) {
            for (int i = 0; i < RECORDS; i++) {
                der[at] = (byte) (i >>> 16);
                der[at + 1] = (byte) (i >>> 8);
                der[at + 2] = (byte) i;
                out.write("# multipass-trust: user=scale-user-" + i % 1000 + " uid=" + (200_000 + i % 1000)
                        + " method=passphrase admitted=2026-01-01T00:00:00Z\n");
                out.write(Pem.encode(Pem.CERTIFICATE, der));
            }
        }
    }

    /** Where the last three bytes of the serial number are in {@code der}: after its tag (2) and length. */
    private static int lastThreeBytesOfTheSerial(byte[] der, byte[] serial) {
        assertTrue(serial.length >= 4, "a serial of " + serial.length + " bytes");
        for (int i = 2; i + serial.length <= der.length; i++) {
            if (der[i - 2] == 2 && der[i - 1] == serial.length && Arrays.equals(der, i, i + serial.length, serial, 0, serial.length)) {
                return i + serial.length - 3;
            }
        }
        throw new AssertionError("the serial number is not in the certificate");
    }
}
