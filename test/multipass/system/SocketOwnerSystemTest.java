// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.system.ThrowAwayUsers.User;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static multipass.system.Texts.NO_INSTANCES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which socket owners a client believes (issue 12, item 5), as root with real users and real
 * daemons run as them: a socket, and the CA published beside it, owned by root, by the client's
 * own user or by the packaged daemon's system user {@code multipassd} is believed; one owned by
 * any other user is refused before a byte of TLS, so a daemon planted by an ordinary user
 * (say while the real one is stopped) collects no passphrase. The user {@code multipassd} is
 * created for the test when the machine has none (and removed again).
 */
@DisplayName("socket owners: root, yourself and the packaged system user multipassd are believed; any other user's socket is refused (root)")
class SocketOwnerSystemTest {
    private static final String DAEMON_USER = "multipassd";

    private RootSandbox sandbox;
    private DaemonProcess daemon;
    private boolean createdDaemonUser;

    @AfterEach
    void cleanUp() throws IOException, InterruptedException {
        if (daemon != null) {
            daemon.shutDown();
        }
        if (createdDaemonUser) {
            sandbox.processes.runOrFail(List.of("userdel", DAEMON_USER));
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    @DisplayName("a socket owned by another ordinary user is refused, naming its owner; root's client sends nothing to it")
    void anOrdinaryUsersSocketIsRefused() throws Exception {
        sandbox = RootSandbox.open("stat");
        User mallory = sandbox.accounts.createUser("mallory");
        Path socket = startDaemonAs(mallory.name());
        Outcome refused = sandbox.runAsRoot(Map.of("MULTIPASS_SERVER_ADDRESS", "unix:" + socket), "list");
        assertEquals(2, refused.exitCode(), "refused" + refused);
        assertTrue(refused.stderr().contains("refusing to talk to " + socket + ": it is owned by '" + mallory.name()
                + "', not by root, you or the system user '" + DAEMON_USER + "'"), "the refusal names the owner" + refused);
        assertTrue(daemon.isAlive() && !daemon.log().contains("trusted client certificate"), "mallory's daemon trusted nobody: " + daemon.log());
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    @DisplayName("a socket owned by the system user multipassd is believed: root is its first client, another user reaches it")
    void thePackagedDaemonUsersSocketIsBelieved() throws Exception {
        sandbox = RootSandbox.open("stat");
        if (sandbox.processes.run("root", List.of("getent", "passwd", DAEMON_USER), Map.of("PATH", RootSandbox.TOOL_PATH), Path.of("/"), null)
                .exitCode() != 0) {
            sandbox.processes.runOrFail(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", DAEMON_USER));
            createdDaemonUser = true;
        }
        User alice = sandbox.accounts.createUser("alice");
        Path socket = startDaemonAs(DAEMON_USER);
        assertTrue(sandbox.stat(socket).endsWith(" " + DAEMON_USER + ":" + DAEMON_USER), "owned by multipassd: " + sandbox.stat(socket));
        sandbox.runAsRoot(Map.of("MULTIPASS_SERVER_ADDRESS", "unix:" + socket), "list").expect(0, NO_INSTANCES, "", "root's list");
        sandbox.client(alice, "unix:" + socket, "list").expect(2, "", Texts.notAuthenticated("list", alice), "alice, untrusted, gets past the owner check");
    }

    /** Runs the real daemon as {@code user} on a socket in a directory of that user's; returns the socket's path. */
    private Path startDaemonAs(String user) throws IOException, InterruptedException {
        Path dir = Files.createDirectory(sandbox.shared.resolve("run-" + user));
        sandbox.processes.runOrFail(List.of("chown", user, dir.toString()));
        Path socket = dir.resolve("multipass_socket");
        List<String> command = List.of(sandbox.runuser.toString(), "-u", user, "--", "env", "-i", "PATH=/usr/bin:/bin", "HOME=" + dir,
                sandbox.java.toString(), "-jar", sandbox.jar.toString(), "daemon", "--address", "unix:" + socket, "--data-dir", dir.resolve("data").toString());
        daemon = DaemonProcess.start(command, Map.of("PATH", RootSandbox.TOOL_PATH), sandbox.rootOnly.resolve("daemon-" + user + ".log"),
                RootSandbox.PROCESS_TIMEOUT);
        return socket;
    }
}
