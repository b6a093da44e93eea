// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.system.ThrowAwayUsers.User;
import multipass.testing.DaemonConfig;
import multipass.testing.QuickIdentities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static multipass.system.Texts.NO_INSTANCES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One local user cannot keep the others out (SPEC 9, guessing and flooding): as root with
 * throw-away users and the real jar, mallory opens ten connections and sends nothing on them,
 * on a daemon with 8 handshake slots, 2 of which one user may hold, and a handshake grace time
 * of 2 minutes. The daemon closes mallory's connections beyond her share at once, and alice's
 * `list` is answered while mallory still holds hers (without the per-user share, mallory's
 * connections would fill every slot and alice would wait the 2 minutes).
 */
class PerUserCapsSystemTest {
    private RootSandbox sandbox;
    private Process hog;

    @AfterEach
    void cleanUp() throws IOException, InterruptedException {
        if (hog != null) {
            Processes.kill(hog);
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void oneUserHoldsNoMoreThanItsShareOfTheHandshakeSlots() throws Exception {
        sandbox = RootSandbox.open();
        String group = sandbox.accounts.createGroup();
        User admin = sandbox.accounts.createUser("admin", group);
        User mallory = sandbox.accounts.createUser("mallory");
        User alice = sandbox.accounts.createUser("alice");
        Path data = sandbox.newDataDir("data");
        QuickIdentities.seedDaemon(data); // the daemon's own keytool run is not under test here
        DaemonConfig.writeLimits(data, "max_pending_handshakes=8", "max_pending_handshakes_per_user=2", "handshake_timeout_seconds=120");
        Path socket = sandbox.shared.resolve("multipass_socket");
        String address = "unix:" + socket;
        DaemonProcess daemon = sandbox.startDaemon("--address", address, "--data-dir", data.toString(), "--admin-group", group);
        sandbox.client(admin, address, "list").expect(0, NO_INSTANCES, "", "the admin, the first client, opens the socket to all");

        hog = startHog(mallory, socket, 10);
        String report = firstLine(hog);
        assertEquals("opened 10, closed by the daemon 8", report, "mallory keeps her share of 2 handshake slots, no more");

        sandbox.client(alice, address, "list").expect(2, "", Texts.notAuthenticated("list", alice),
                "alice is answered (untrusted) while mallory holds her connections");
        sandbox.client(admin, address, "list").expect(0, NO_INSTANCES, "", "and so is the admin");
        assertTrue(daemon.log().contains("refusing a connection from " + mallory.name() + " (uid " + mallory.uid()
                + "): this user has 2 connections in their TLS handshake already (max_pending_handshakes_per_user)"), daemon.log());
        hog.getOutputStream().close();
        assertTrue(hog.waitFor(60, TimeUnit.SECONDS), "mallory's program ends once told to");
    }

    /**
     * The same over loopback TCP, where the daemon reads a connection's user only when it needs
     * it: mallory's connections come one at a time, 200 ms apart, so that the first two are
     * counted in before their user is known (2 handshakes in all cannot exceed anyone's share),
     * and the third makes the daemon read all three users, count the first two as mallory's,
     * and close the third and every later one.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void overLoopbackTcpToo() throws Exception {
        sandbox = RootSandbox.open();
        User mallory = sandbox.accounts.createUser("mallory");
        User alice = sandbox.accounts.createUser("alice");
        Path data = sandbox.newDataDir("data");
        QuickIdentities.seedDaemon(data);
        DaemonConfig.writeLimits(data, "max_pending_handshakes=8", "max_pending_handshakes_per_user=2", "handshake_timeout_seconds=120");
        String address = "127.0.0.1:" + RootSandbox.freeLoopbackPort();
        Path rendezvous = Path.of("/run/multipassd");
        if (!Files.exists(rendezvous, LinkOption.NOFOLLOW_LINKS)) {
            sandbox.removeAfterwards(rendezvous);
        }
        DaemonProcess daemon = sandbox.startDaemon("--address", address, "--data-dir", data.toString());
        sandbox.removeAfterwards(rendezvous.resolve("tcp-" + address.substring(address.lastIndexOf(':') + 1) + ".ca.pem"));

        hog = startHog(mallory, address, 10, 200);
        assertEquals("opened 10, closed by the daemon 8", firstLine(hog), "mallory keeps her share of 2 handshake slots, no more");
        sandbox.client(alice, address, "list").expect(2, "", Texts.notAuthenticated("list", alice),
                "alice is answered (untrusted) while mallory holds her connections");
        assertTrue(daemon.log().contains("refusing a connection from " + mallory.name() + " (uid " + mallory.uid()
                + "): this user has 2 connections in their TLS handshake already (max_pending_handshakes_per_user)"), daemon.log());
        hog.getOutputStream().close();
        assertTrue(hog.waitFor(60, TimeUnit.SECONDS), "mallory's program ends once told to");
    }

    /**
     * Runs {@link HoldConnections} as {@code user}: its compiled class (it uses only the JDK) is
     * copied into a class tree {@code user} can read, so no source launcher compiles it again.
     */
    private Process startHog(User user, Path socket, int count) throws IOException {
        return startHog(user, socket.toString(), count, 0);
    }

    private Process startHog(User user, String address, int count, long gapMillis) throws IOException {
        Path classes = sandbox.shared.resolve("hog-classes");
        Path classFile = Files.createDirectories(classes.resolve(Path.of("multipass", "system"))).resolve("HoldConnections.class");
        try (InputStream compiled = HoldConnections.class.getResourceAsStream("HoldConnections.class")) {
            Files.copy(Objects.requireNonNull(compiled, "HoldConnections.class is not on the test class path"), classFile);
        }
        Files.setPosixFilePermissions(classFile, PosixFilePermissions.fromString("rw-r--r--"));
        return new ProcessBuilder(List.of(sandbox.runuser.toString(), "-u", user.name(), "--", "env", "-i", "PATH=/usr/bin:/bin",
                "HOME=" + user.home(), sandbox.java.toString(), "-cp", classes.toString(), HoldConnections.class.getName(),
                address, Integer.toString(count), Long.toString(gapMillis)))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String firstLine(Process process) throws IOException, InterruptedException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = reader.readLine();
        if (line != null) {
            return line;
        }
        return "(no output; " + (process.waitFor(10, TimeUnit.SECONDS) ? "exit " + process.exitValue() : "still running") + ", its errors are above)";
    }
}
