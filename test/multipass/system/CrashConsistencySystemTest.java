// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.platform.Address;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.testing.DaemonConfig;
import multipass.testing.QuickIdentities;
import multipass.testing.TestClient;
import multipass.tls.Identity;
import multipass.tls.IdentityException;
import multipass.tls.PublishedAuthority;
import multipass.trust.TrustEntry;
import multipass.trust.TrustStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash consistency (issue 8): the real daemon is killed with SIGKILL at random moments while
 * clients authenticate, set the passphrase, remove trusted certificates and launch instances,
 * then restarted on the same data directory. After every restart the stores load (the daemon
 * starts, and the files parse in the test too), every operation whose reply a client received
 * is there ({@link AcknowledgedOperations}), the restarted daemon's own {@code trust-list} and
 * {@code list} agree with the files, and no temporary file of a cut-short write is left.
 *
 * <p>Each kill comes once one to three more operations were answered, 0 to 0.5 s after that.
 * {@code make test} runs 4 kills; {@code make crash} runs more ({@code -Dmultipass.crash.kills}),
 * with a seed for the kill moments ({@code -Dmultipass.crash.seed}).
 */
class CrashConsistencySystemTest {
    private static final long SEED = Long.getLong("multipass.crash.seed", 0xC0FFEEL);
    private static final int KILLS = Integer.getInteger("multipass.crash.kills", 4);
    /** How long after the last answered operation the kill may come: uniform in [0, this) ms. */
    private static final int MAX_KILL_DELAY_MILLIS = 500;

    @TempDir
    Path dir;
    private Path data;
    private Address address;
    private Path caFile;
    private final Identity admin = QuickIdentities.client("admin");
    private final Random random = new Random(SEED);
    private final AtomicInteger launches = new AtomicInteger();

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES) // make crash may run hundreds of kills; each is a few seconds
    void everyAcknowledgedChangeSurvivesKillNine() throws Exception {
        data = dir.resolve("data");
        QuickIdentities.seedDaemon(data);
        // Passphrases change under the authenticating client's feet: wrong ones must cost no hold-back.
        DaemonConfig.writeLimits(data, "auth_initial_delay_seconds=0", "auth_max_delay_seconds=0", "auth_max_failures=1000000",
                "max_certificates_per_user=1000000"); // every authenticate admits, however many kills
        address = new Address.Unix(dir.resolve("s"));
        caFile = PublishedAuthority.forSocket(dir.resolve("s"));
        AcknowledgedOperations acknowledged = new AcknowledgedOperations("first-" + ThreadLocalRandom.current().nextLong());
        DaemonProcess daemon = start(0);
        int leftoversRemoved = 0;
        try {
            try (TestClient client = connect(admin)) {
                assertEquals(Reply.ok(), client.call(Request.of("set", 0, "local.passphrase", acknowledged.passphrase())), "first client sets it");
            }
            for (int kill = 1; kill <= KILLS; kill++) {
                List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
                AtomicBoolean running = new AtomicBoolean(true);
                List<Thread> workers = startWorkers(acknowledged, running, failures);
                // The crash comes while the clients are busy: after a few of their operations were answered, at a random moment.
                acknowledged.awaitAnswered(acknowledged.answered() + 1 + random.nextInt(3), Duration.ofSeconds(30));
                Thread.sleep(random.nextInt(MAX_KILL_DELAY_MILLIS)); // the random moment itself, not a synchronisation
                daemon.kill();
                running.set(false);
                for (Thread worker : workers) {
                    worker.interrupt(); // a worker waiting for the others' answers stops waiting
                }
                for (Thread worker : workers) {
                    worker.join(TimeUnit.MINUTES.toMillis(1));
                    assertTrue(!worker.isAlive(), worker.getName() + " stops once the daemon is gone");
                }
                assertEquals(List.of(), failures, "the clients' failures");
                leftoversRemoved += leftovers().size();
                daemon = start(kill); // the stores load, or the daemon refuses to start and this fails with its log
                assertEquals(List.of(), leftovers(), "the restarted daemon removed what writes cut short left behind");
                List<String> problems = acknowledged.verify(data);
                assertEquals(List.of(), problems, "after kill " + kill + " (seed " + SEED + "): " + acknowledged);
                assertEquals(storedFingerprints(), trustedByDaemon(), "the restarted daemon trusts what the file says");
                assertEquals(AcknowledgedOperations.instances(data), instancesOfDaemon(), "the restarted daemon lists what the inventory says");
            }
            System.out.println("crash consistency: seed " + SEED + ", " + KILLS + " kills survived, nothing acknowledged was lost; operations: "
                    + acknowledged + "; " + leftoversRemoved + " leftover temporary file(s) removed at restarts");
        } finally {
            daemon.shutDown();
        }
    }

    private DaemonProcess start(int run) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("multipass.jar", "build/multipass.jar")).toAbsolutePath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return DaemonProcess.start(List.of(java.toString(), "-jar", jar.toString(), "daemon", "--address", "unix:" + dir.resolve("s"),
                        "--data-dir", data.toString()),
                Map.of("PATH", RootSandbox.TOOL_PATH, "HOME", dir.toString()), dir.resolve("daemon-" + run + ".log"), RootSandbox.PROCESS_TIMEOUT);
    }

    private TestClient connect(Identity identity) throws IOException, IdentityException {
        return TestClient.connect(address, caFile, identity);
    }

    /** The fingerprints the daemon lists. */
    private Set<String> trustedByDaemon() throws Exception {
        try (TestClient client = connect(admin)) {
            Reply reply = client.call(Request.of("trust-list", 0));
            assertEquals(Status.OK, reply.status(), reply.message());
            return reply.records().stream().map(record -> record.get("fingerprint")).collect(Collectors.toSet());
        }
    }

    /** The instance names the daemon lists. */
    private Set<String> instancesOfDaemon() throws Exception {
        try (TestClient client = connect(admin)) {
            Reply reply = client.call(Request.of("list", 0));
            assertEquals(Status.OK, reply.status(), reply.message());
            return reply.records().stream().map(record -> record.get("name")).collect(Collectors.toSet());
        }
    }

    /** The fingerprints in the store file. */
    private Set<String> storedFingerprints() throws Exception {
        return TrustStore.open(data).entries().stream().map(TrustEntry::fingerprint).collect(Collectors.toSet());
    }

    private static String fingerprint(Identity identity) throws CertificateEncodingException {
        return TrustEntry.fingerprint(identity.certificate().getEncoded());
    }

    /** Temporary files a killed write left in the data directory. */
    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".tmp")).collect(Collectors.toList());
        }
    }

    /** The clients of one run, each looping until its connection to the daemon fails (it was killed). */
    private List<Thread> startWorkers(AcknowledgedOperations acknowledged, AtomicBoolean running, List<Throwable> failures) {
        List<Thread> workers = new ArrayList<>();
        workers.add(worker("authenticator", running, failures, () -> authenticate(acknowledged)));
        workers.add(worker("passphrase-setter", running, failures, () -> setPassphrase(acknowledged)));
        workers.add(worker("remover", running, failures, () -> remove(acknowledged)));
        workers.add(worker("launcher", running, failures, () -> launch(acknowledged)));
        return workers;
    }

    /** One operation of a worker: false when there was nothing to do this time. */
    @FunctionalInterface
    private interface Operation {
        boolean run() throws IOException, IdentityException, CertificateEncodingException, InterruptedException;
    }

    private static Thread worker(String name, AtomicBoolean running, List<Throwable> failures, Operation operation) {
        Thread thread = new Thread(() -> {
            try {
                while (running.get()) {
                    if (!operation.run()) {
                        Thread.sleep(20); // nothing to remove yet: look again shortly
                    }
                }
            } catch (IOException | InterruptedException e) {
                return; // the daemon is gone, or the run is over
            } catch (IdentityException | CertificateEncodingException | RuntimeException | AssertionError e) {
                failures.add(new AssertionError(name + " failed: " + e, e));
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Sends one request on a new connection and counts its outcome; throws when the daemon is gone. */
    private Reply call(AcknowledgedOperations acknowledged, Identity identity, Request request) throws IOException, IdentityException {
        try (TestClient client = connect(identity)) {
            try {
                Reply reply = client.call(request);
                // Launches are quick; the kill waits for the operations that hash (and the removals they feed).
                acknowledged.count(request.command() + " " + reply.status(), !request.command().equals("launch"));
                return reply;
            } catch (IOException e) {
                acknowledged.count(request.command() + " unanswered", false);
                throw e;
            }
        }
    }

    private boolean authenticate(AcknowledgedOperations acknowledged) throws IOException, IdentityException, CertificateEncodingException {
        Identity identity = QuickIdentities.client("user");
        if (call(acknowledged, identity, Request.of("authenticate", 0, acknowledged.passphrase())).status() == Status.OK) {
            acknowledged.trusted(fingerprint(identity));
        }
        return true;
    }

    private boolean setPassphrase(AcknowledgedOperations acknowledged) throws IOException, IdentityException {
        String value = "pp-" + ThreadLocalRandom.current().nextLong();
        acknowledged.setting(value);
        if (call(acknowledged, admin, Request.of("set", 0, "local.passphrase", value)).status() == Status.OK) {
            acknowledged.set(value);
        }
        return true;
    }

    /** Launches an instance, then waits for another operation to be answered, so that launches do not crowd the others out. */
    private boolean launch(AcknowledgedOperations acknowledged) throws IOException, IdentityException, InterruptedException {
        String name = "crash-" + launches.incrementAndGet();
        int answered = acknowledged.answered();
        if (call(acknowledged, admin, new Request("launch", 0, List.of(), Map.of("name", name))).status() == Status.OK) {
            acknowledged.launched(name);
        }
        acknowledged.awaitAnswered(answered + 1, Duration.ofSeconds(30));
        return true;
    }

    private boolean remove(AcknowledgedOperations acknowledged) throws IOException, IdentityException {
        Optional<String> next = acknowledged.nextToRemove();
        if (next.isEmpty()) {
            return false;
        }
        if (call(acknowledged, admin, Request.of("trust-remove", 0, next.get())).status() == Status.OK) {
            acknowledged.removed(next.get());
        }
        return true;
    }
}
