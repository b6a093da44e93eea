// SPDX-License-Identifier: Apache-2.0
package multipass.interop;

import multipass.testing.QuickIdentities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static multipass.interop.Interop.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interop harness against itself: Canonical's client stand-in against Canonical's daemon
 * stand-in, both on grpcio, no Java side involved. If this fails, the harness is wrong, not the
 * product; the other {@code *InteropTest}s rely on both scripts behaving as here.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HarnessInteropTest {
    @TempDir
    Path dir;
    private Interop.Background daemon;
    private Canonical.Client alice;
    private Canonical.Client bob;

    @BeforeEach
    void start() throws Exception {
        Path python = Interop.python();
        Path data = dir.resolve("fake");
        QuickIdentities.seedDaemon(data);
        Path certificates = data.resolve("certificates");
        Path socket = dir.resolve("s");
        String address = "unix:" + socket;
        Path root = certificates.resolve("multipass_root_cert.pem");
        alice = Canonical.Client.seeded(python, address, root, dir, "alice");
        bob = Canonical.Client.seeded(python, address, root, dir, "bob");
        daemon = Canonical.fakeDaemon(python, socket, certificates, List.of(alice.certificate(), bob.certificate()),
                List.of(alice.certificate()), null, dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.stop();
        }
    }

    @Test
    void theCanonicalClientAndTheFakeDaemonAgree() throws Exception {
        expect(alice.run("version"), 0, "multipass   1.16.0\nmultipassd  1.16.0\n", "");
        expect(alice.run("list"), 0, "No instances found.\n", "");
        expect(alice.run("launch", "--name", "web"), 0, "Launched: web\n", "");
        expect(alice.run("list"), 0, "Name  State             IPv4             Image\nweb   Running           --               24.04\n", "");
        expect(alice.run("get", "local.passphrase"), 0, "false\n", "");

        expect(bob.run("list"), 2, "", "list failed: " + Interop.NOT_AUTHENTICATED + "\n");
        expect(bob.run("version"), 0, "multipass   1.16.0\n", ""); // Multipass's version hides the failure
        expect(bob.run("authenticate", "s3cret"), 2, "", "authenticate failed: " + Interop.NO_PASSPHRASE + "\n");
        expect(alice.run("set", "local.passphrase=s3cret"), 0, "", "");
        expect(alice.run("get", "local.passphrase"), 0, "true\n", "");
        expect(bob.run("authenticate", "wrong"), 2, "", "authenticate failed: " + Interop.WRONG_PASSPHRASE + "\n");
        expect(bob.run("authenticate", "s3cret"), 0, "", "");

        expect(bob.run("stop", "web"), 0, "", "");
        expect(bob.run("info", "web"), 0, "Name:           web\nState:          Stopped\nIPv4:           --\nRelease:        24.04\n"
                + "CPU(s):         1\nMemory usage:   1G\nDisk usage:     5G\n", "");
        expect(bob.run("start", "nope"), 2, "", "start failed: instance \"nope\" does not exist\n");
        expect(bob.run("delete", "web"), 0, "", "");
        expect(bob.run("list"), 0, "Name  State             IPv4             Image\nweb   Deleted           --               24.04\n", "");
        expect(bob.run("purge"), 0, "", "");
        expect(bob.run("list"), 0, "No instances found.\n", "");
        expect(bob.run("ping"), 0, "", "");
    }

    @Test
    void logLinesArriveRawBeforeTheResult() throws Exception {
        Interop.Outcome quiet = alice.run("list");
        expect(quiet, 0, "No instances found.\n", "");
        Interop.Outcome verbose = alice.run("-vv", "list");
        assertEquals("No instances found.\n", verbose.out());
        assertEquals(0, verbose.exit(), verbose::toString);
        assertTrue(verbose.err().matches("\\[[^]]+" + java.util.regex.Pattern.quote(Canonical.LOG_LINE_TAIL) + "list\n"), verbose::toString);
    }

    @Test
    void aClientTheDaemonDoesNotKnowFailsAtTheHandshake() throws Exception {
        Canonical.Client stranger = Canonical.Client.seeded(alice.python(), alice.address(), alice.rootCertificate(), dir, "stranger");
        Interop.Outcome refused = stranger.run("list");
        assertEquals(2, refused.exit(), refused::toString);
        assertEquals("list failed: cannot connect to the multipass socket\n", refused.err(),
                "grpcio cannot ask for a client certificate without verifying it, so the fake daemon lets only known ones through");
    }
}
