// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.auth.PassphraseHash;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.testing.DaemonConfig;
import multipass.testing.QuickIdentities;
import multipass.testing.TestClient;
import multipass.testing.TestDaemon;
import multipass.tls.Identity;
import multipass.trust.TrustEntry;
import multipass.trust.TrustStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code max_certificates_per_user} against a live daemon on a Unix socket: one OS user (the
 * test JVM's) with several identities, as with a new {@code XDG_DATA_HOME} each time. Beyond the
 * cap, {@code authenticate} is refused with {@code RESOURCE_EXHAUSTED} and a message that says
 * how many and names {@code multipass trust remove}; a trusted identity re-authenticates; after
 * a removal a new identity gets in; the store never holds more than the cap for that user.
 */
class CertificateCapIntegrationTest {
    private static final String PASSPHRASE = "cap-passphrase";

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void theCapHoldsAndARemovalMakesRoom() throws Exception {
        QuickIdentities.seedDaemon(dir.resolve("data"));
        DaemonConfig.write(dir.resolve("data"), "[General]\nlocal.passphrase=" + PassphraseHash.hash(PASSPHRASE.toCharArray())
                + "\n[Limits]\nmax_certificates_per_user=2\n");
        List<Identity> identities = List.of(QuickIdentities.client("first"), QuickIdentities.client("second"), QuickIdentities.client("third"));
        try (TestDaemon daemon = TestDaemon.start(dir)) {
            assertEquals(Reply.ok(), authenticate(daemon, identities.get(0)));
            assertEquals(Reply.ok(), authenticate(daemon, identities.get(1)));

            Reply refused = authenticate(daemon, identities.get(2));
            assertEquals(Status.RESOURCE_EXHAUSTED, refused.status());
            assertTrue(refused.message().contains("already has 2 trusted certificates"), refused.message());
            assertTrue(refused.message().contains("multipass trust remove"), refused.message());
            assertEquals(2, TrustStore.open(daemon.dataDir()).size(), "nothing was added");

            assertEquals(Reply.ok(), authenticate(daemon, identities.get(0)), "a trusted identity authenticates again");

            try (TestClient second = TestClient.connect(daemon, identities.get(1))) {
                String first = TrustEntry.fingerprint(identities.get(0).certificate().getEncoded());
                assertEquals(Status.OK, second.call(Request.of("trust-remove", 0, first)).status());
            }
            assertEquals(Reply.ok(), authenticate(daemon, identities.get(2)), "room after a removal");
            assertEquals(Status.RESOURCE_EXHAUSTED, authenticate(daemon, identities.get(0)).status(), "the removed one is new again");
            assertEquals(2, TrustStore.open(daemon.dataDir()).size());
        }
    }

    private static Reply authenticate(TestDaemon daemon, Identity identity) throws Exception {
        try (TestClient client = TestClient.connect(daemon, identity)) {
            return client.call(Request.of("authenticate", 0, PASSPHRASE));
        }
    }
}
