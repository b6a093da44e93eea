// SPDX-License-Identifier: Apache-2.0
package multipass.interop;

import multipass.testing.QuickIdentities;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The grpcio stand-ins for Canonical's programs, under {@code test/interop}: its client
 * ({@code canonical_client.py}, one process per command, as {@code multipass} is) and its
 * daemon ({@code fake_multipassd.py}). See those scripts for what they imitate and the one
 * thing grpcio forces the fake daemon to do differently (it verifies the client certificates
 * it is told about at the handshake, where Multipass's daemon asks for one without verifying).
 */
final class Canonical {
    static final String READY = "fake-multipassd listening on ";
    /** What the fake daemon's log lines look like at {@code verbosity_level >= 2}, minus the time stamp. */
    static final String LOG_LINE_TAIL = "] [info] [fake-multipassd] serving ";

    private Canonical() {
    }

    /** Canonical's client for one identity (a directory holding {@code multipass_cert.pem} and {@code multipass_cert_key.pem}). */
    record Client(Path python, String address, Path rootCertificate, Path identity, Path scratch) {
        /** An identity made for {@code name} in {@code dir/name} (QuickIdentities: no keytool), and a client for it. */
        static Client seeded(Path python, String address, Path rootCertificate, Path dir, String name) throws IOException {
            Path identity = dir.resolve(name);
            QuickIdentities.seedClient(identity, name);
            return new Client(python, address, rootCertificate, identity, dir);
        }

        Path certificate() {
            return identity.resolve("multipass_cert.pem");
        }

        Interop.Outcome run(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(python.toString(), Interop.script("canonical_client.py").toString(),
                    "--address", address, "--ca", rootCertificate.toString(),
                    "--cert", certificate().toString(), "--key", identity.resolve("multipass_cert_key.pem").toString()));
            command.addAll(List.of(args));
            return Interop.run(command, environment(scratch), scratch);
        }
    }

    /**
     * Starts the fake daemon on {@code socket} with the server certificate and key in
     * {@code certificates} (as {@code QuickIdentities.seedDaemon} leaves them), letting
     * {@code knownClients} through the handshake and trusting {@code trusted} from the start.
     */
    static Interop.Background fakeDaemon(Path python, Path socket, Path certificates, List<Path> knownClients, List<Path> trusted,
                                         String passphrase, Path scratch) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python.toString(), Interop.script("fake_multipassd.py").toString(),
                "--address", "unix:" + socket, "--cert", certificates.resolve("localhost.pem").toString(),
                "--key", certificates.resolve("localhost_key.pem").toString(), "--version", Interop.CANONICAL_VERSION));
        knownClients.forEach(pem -> command.addAll(List.of("--known-client", pem.toString())));
        trusted.forEach(pem -> command.addAll(List.of("--trust", pem.toString())));
        if (passphrase != null) {
            command.addAll(List.of("--passphrase", passphrase));
        }
        return Interop.Background.start(command, environment(scratch), scratch, READY);
    }

    private static Map<String, String> environment(Path home) {
        Map<String, String> environment = Interop.environment(home);
        environment.put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ beside the scripts in the tree
        return environment;
    }
}
