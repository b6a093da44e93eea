// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.auth.PassphraseHash;
import multipass.platform.Address;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.testing.DaemonConfig;
import multipass.testing.QuickIdentities;
import multipass.testing.TestClient;
import multipass.testing.TestDaemon;
import multipass.tls.Identity;
import multipass.trust.AdmissionMethod;
import multipass.trust.TrustEntry;
import multipass.trust.TrustStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Races against a live daemon (issue 8): many clients, already through their TLS handshakes,
 * released at once by a barrier. Twenty administrators (the test JVM runs as root) asking a
 * fresh daemon at once: exactly one becomes the first client. Fifty clients authenticating at
 * once with the right passphrase: all end up trusted and the store holds exactly their fifty
 * entries. The fifty run over TCP, where the guessing limits are per certificate: on a Unix
 * socket they would all be uid 0, one identity with one attempt in flight at a time.
 *
 * <p>With the default {@code max_queued_hashes=32}, a burst of fifty is more than the hashing
 * queue takes: the surplus is told {@code RESOURCE_EXHAUSTED} "The daemon is busy checking other
 * passphrases. Try again in a moment.", and does what the message says: it tries again once
 * another attempt has finished. The default stays (see docs/trust-model.md, guessing resistance).
 */
class ConcurrentClientsIntegrationTest {
    private static final String BUSY = "The daemon is busy checking other passphrases. Try again in a moment.";
    /** Over loopback TCP the peer's uid is known, so the fifty are one user, whose attempts go one at a time. */
    private static final String IN_PROGRESS = "Another authentication attempt from this user is in progress. Try again when it has finished.";

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void ofTwentyAdministratorsAtOnceExactlyOneBecomesTheFirstClient() throws Exception {
        QuickIdentities.seedDaemon(dir.resolve("data"));
        try (TestDaemon daemon = TestDaemon.start(dir)) {
            List<Identity> identities = identities("admin", 20);
            List<Reply> replies = atOnce(daemon, identities, client -> client.call(Request.of("list", 0)));
            List<Status> statuses = replies.stream().map(Reply::status).collect(Collectors.toList());
            assertEquals(1, statuses.stream().filter(Status.OK::equals).count(), "one first client: " + statuses);
            assertEquals(19, statuses.stream().filter(Status.UNAUTHENTICATED::equals).count(), "the others are not trusted: " + statuses);
            Identity winner = identities.get(statuses.indexOf(Status.OK));
            List<TrustEntry> entries = TrustStore.open(daemon.dataDir()).entries();
            assertEquals(1, entries.size(), "the store on disk holds one entry");
            assertEquals(TrustEntry.fingerprint(winner.certificate().getEncoded()), entries.get(0).fingerprint());
            assertEquals(AdmissionMethod.FIRST_CLIENT, entries.get(0).method());
            assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket())), "the socket is open");
        }
    }

    @Test
    @Timeout(300)
    void fiftyClientsAuthenticatingAtOnceAreAllTrusted() throws Exception {
        String passphrase = "race-" + System.nanoTime();
        QuickIdentities.seedDaemon(dir.resolve("data"));
        // Fifty identities of one OS user once the TCP peer's uid is known: above the default max_certificates_per_user=32.
        DaemonConfig.write(dir.resolve("data"), "[General]\nlocal.passphrase=" + PassphraseHash.hash(passphrase.toCharArray())
                + "\n[Limits]\nmax_certificates_per_user=64\n");
        BusyCounter busy = new BusyCounter();
        try (TestDaemon daemon = TestDaemon.start(dir, Address.parse("localhost:" + freePort()))) {
            List<Identity> identities = identities("user", 50);
            List<Reply> replies = atOnce(daemon, identities, client -> busy.authenticate(client, passphrase));
            replies.forEach(reply -> assertEquals(Reply.ok(), reply));
            for (Identity identity : identities) {
                try (TestClient client = TestClient.connect(daemon, identity)) {
                    assertEquals(Status.OK, client.call(Request.of("list", 0)).status(), "trusted from now on");
                }
            }
            List<TrustEntry> entries = TrustStore.open(daemon.dataDir()).entries();
            Set<String> expected = new HashSet<>();
            for (Identity identity : identities) {
                expected.add(TrustEntry.fingerprint(identity.certificate().getEncoded()));
            }
            assertEquals(50, entries.size(), "fifty entries in the store file, no more");
            assertEquals(expected, entries.stream().map(TrustEntry::fingerprint).collect(Collectors.toSet()));
            entries.forEach(entry -> assertEquals(AdmissionMethod.PASSPHRASE, entry.method()));
        }
        System.out.println("50 concurrent authentications: all trusted; " + busy);
    }

    /** One client's part in a race, after its handshake. */
    @FunctionalInterface
    private interface Part {
        Reply play(TestClient client) throws Exception;
    }

    /** Connects every identity, then releases all their parts at once; the replies, in identity order. */
    private static List<Reply> atOnce(TestDaemon daemon, List<Identity> identities, Part part) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(identities.size());
        CyclicBarrier start = new CyclicBarrier(identities.size());
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (Identity identity : identities) {
                replies.add(threads.submit(() -> {
                    try (TestClient client = TestClient.connect(daemon, identity)) {
                        start.await(60, TimeUnit.SECONDS);
                        return part.play(client);
                    }
                }));
            }
            List<Reply> results = new ArrayList<>();
            for (Future<Reply> reply : replies) {
                results.add(reply.get(4, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    private static List<Identity> identities(String prefix, int count) {
        List<Identity> identities = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            identities.add(QuickIdentities.client(prefix + "-" + i));
        }
        return identities;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Authenticates, and after a "busy" refusal tries again once some other attempt has finished. */
    private static final class BusyCounter {
        private int finished;
        private int refusals;
        private int clientsRefused;

        Reply authenticate(TestClient client, String passphrase) throws Exception {
            boolean refused = false;
            while (true) {
                int seen;
                synchronized (this) {
                    seen = finished;
                }
                Reply reply = client.call(Request.of("authenticate", 0, passphrase));
                synchronized (this) {
                    if (!reply.equals(Reply.error(Status.RESOURCE_EXHAUSTED, BUSY)) && !reply.equals(Reply.error(Status.RESOURCE_EXHAUSTED, IN_PROGRESS))) {
                        finished++;
                        notifyAll();
                        return reply;
                    }
                    refusals++;
                    clientsRefused += refused ? 0 : 1;
                    refused = true;
                    while (finished == seen) {
                        wait(60_000);
                    }
                }
            }
        }

        @Override
        public synchronized String toString() {
            return clientsRefused + " client(s) told the daemon was busy, " + refusals + " refusal(s) in all, each retried";
        }
    }
}
