// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.platform.Address;
import multipass.platform.Platform;
import multipass.testing.Json;
import multipass.testing.QuickIdentities;
import multipass.tls.ClientIdentity;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs the CLI in-process as one user (an identity directory) against one daemon address.
 * Public so that tests of other packages (e.g. a real daemon process in {@code system}) can
 * drive the CLI without starting a JVM per command. With {@link WarmMode}'s system property set,
 * every command goes through a warm client. Thread-safe: each run is independent.
 */
public final class CliRunner {
    /** What one CLI run printed and returned. */
    public record Result(int exit, String out, String err) {
    }

    private final Address address;
    private final Path identityDir;
    private final List<Path> rendezvousDirs;

    public CliRunner(Address address, Path identityDir) {
        this(address, identityDir, List.of());
    }

    /** A runner that looks for a TCP daemon's CA in {@code rendezvousDirs}. */
    CliRunner(Address address, Path identityDir, List<Path> rendezvousDirs) {
        this.address = address;
        this.identityDir = identityDir;
        this.rendezvousDirs = List.copyOf(rendezvousDirs);
    }

    /**
     * This runner, after giving its user a keytool-free identity ({@link QuickIdentities})
     * unless it has one already: for tests where the client's key generation is not under test.
     */
    public CliRunner withQuickIdentity() {
        if (!ClientIdentity.exists(identityDir)) {
            try {
                QuickIdentities.seedClient(identityDir, identityDir.getFileName().toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a test identity into " + identityDir, e);
            }
        }
        return this;
    }

    /**
     * What this user's {@code command} prints on stderr when the daemon refuses it as not
     * authenticated: Multipass's message, then the paragraph naming this process's user (every
     * in-process client is this JVM's user) and this identity's certificate.
     */
    public String notAuthenticated(String command) {
        String fingerprint = fingerprint();
        multipass.platform.CurrentUser me = multipass.platform.CurrentUser.get();
        return command + " failed: " + AuthenticationFlowIntegrationTest.NOT_AUTHENTICATED + "\n\nRefused: user " + me.name() + " (uid " + me.uid()
                + "), client certificate " + TrustCommand.shortFingerprint(fingerprint) + ".\n" + RefusalNotes.MORE + "\n";
    }

    /** This user's certificate file (made by its first command). */
    Path certificate() {
        return identityDir.resolve("multipass_cert.pem");
    }

    /** The SHA-256 fingerprint of this user's certificate, as the daemon shows it. */
    String fingerprint() {
        try {
            byte[] der = multipass.util.Pem.singleCertificate(java.nio.file.Files.readString(certificate())).getEncoded();
            return multipass.trust.TrustEntry.fingerprint(der);
        } catch (java.io.IOException | multipass.util.Pem.PemException | java.security.cert.CertificateEncodingException e) {
            throw new AssertionError("cannot read the certificate in " + identityDir + ": " + e, e);
        }
    }

    public Result run(String... args) {
        return runWithInput("", args);
    }

    /** {@code name -> state} of every instance, from {@code list --format json} parsed back; fails the test if {@code list} fails. */
    public Map<String, String> instanceStates() {
        Result result = run("list", "--format", "json");
        assertEquals(0, result.exit(), "list --format json: " + result.err());
        Map<String, String> states = new TreeMap<>();
        Json.records(result.out(), "list").forEach(instance -> states.put(instance.get("name"), instance.get("state")));
        return states;
    }

    /** Runs with {@code stdin} as a non-terminal standard input. */
    Result runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        Terminal terminal = new Terminal(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), outStream, false);
        Platform platform = new Platform(Platform.Os.LINUX, Map.of("HOME", identityDir.toString()), false);
        Cli cli = new Cli(platform, outStream, errStream, terminal, WarmMode.connector(address, identityDir, rendezvousDirs, platform));
        int exit = cli.run(args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
