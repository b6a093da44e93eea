// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exact output of {@code multipass trust status}: labelled lines in the order, and the record in the other formats. */
class TrustStatusViewTest {
    private static final String FINGERPRINT = "5c33651f87bd36b05415aa227a24ab7cf19ffb0a29caf1468b9f437324ace5d1";
    private static final Path CERT = Path.of("/home/alice/.local/share/multipass-client-certificate/multipass_cert.pem");

    private static Map<String, String> record(Map<String, String> fromDaemon) {
        return TrustStatusView.record(fromDaemon, CERT, "unix:/run/multipass_socket");
    }

    @Test
    void aTrustedClient() {
        assertEquals("User:        alice (uid 1001)\n"
                        + "Identity:    /home/alice/.local/share/multipass-client-certificate/multipass_cert.pem\n"
                        + "Fingerprint: 5c33651f87bd36b05415aa227a24ab7cf19ffb0a29caf1468b9f437324ace5d1\n"
                        + "Daemon:      unix:/run/multipass_socket\n"
                        + "Trusted:     yes (passphrase, 2026-11-27T16:43:52Z)\n",
                TrustStatusView.render("table", record(Map.of("user", "alice", "uid", "1001", "fingerprint", FINGERPRINT, "trusted", "yes",
                        "method", "passphrase", "admitted", "2026-11-27T16:43:52Z"))));
    }

    @Test
    void anUntrustedClientAndOneTheDaemonCannotName() {
        assertEquals("User:        bob (uid 1002)\n"
                        + "Identity:    " + CERT + "\n"
                        + "Fingerprint: " + FINGERPRINT + "\n"
                        + "Daemon:      unix:/run/multipass_socket\n"
                        + "Trusted:     no\n",
                TrustStatusView.render("table", record(Map.of("user", "bob", "uid", "1002", "fingerprint", FINGERPRINT, "trusted", "no"))));
        String unnamed = TrustStatusView.render("table", record(Map.of("user", "unknown", "uid", "unknown", "fingerprint", FINGERPRINT,
                "trusted", "yes", "method", "manual", "admitted", "unknown")));
        assertEquals("User:        unknown\n", unnamed.lines().findFirst().orElseThrow() + "\n");
        assertEquals("Trusted:     yes (manual)", unnamed.lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void theOtherFormatsCarryEveryField() {
        Map<String, String> record = record(Map.of("user", "bob", "uid", "1002", "fingerprint", FINGERPRINT, "trusted", "no"));
        assertEquals("{\n    \"status\": [\n        {\n"
                + "            \"user\": \"bob\",\n            \"uid\": \"1002\",\n            \"identity\": \"" + CERT + "\",\n"
                + "            \"fingerprint\": \"" + FINGERPRINT + "\",\n            \"daemon\": \"unix:/run/multipass_socket\",\n"
                + "            \"trusted\": \"no\",\n            \"method\": \"--\",\n            \"admitted\": \"--\"\n"
                + "        }\n    ]\n}\n", TrustStatusView.render("json", record));
        assertEquals("User,UID,Identity,Fingerprint,Daemon,Trusted,Method,Admitted\n"
                + "bob,1002," + CERT + "," + FINGERPRINT + ",unix:/run/multipass_socket,no,--,--\n", TrustStatusView.render("csv", record));
        String yaml = TrustStatusView.render("yaml", record);
        assertTrue(yaml.startsWith("status:\n  - user: \"bob\"\n    uid: \"1002\"\n") && yaml.endsWith("    admitted: \"--\"\n"), yaml);
    }
}
