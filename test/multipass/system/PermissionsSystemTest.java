// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.system.ThrowAwayUsers.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static multipass.system.FileFacts.describe;
import static multipass.system.FileFacts.describeOwner;
import static multipass.system.Texts.NO_INSTANCES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File permissions (issue 8, SPEC 2, 5 and 9), as root with throw-away users and the real jar.
 * An outsider cannot read the daemon's data directory, its trust store, its settings or its
 * private key, nor another user's client key, even where every directory above them lets
 * everyone through: each is protected by its own mode. And the socket's mode is what SPEC 5
 * says at every step: restricted to root and the admin group while nobody is trusted, 0666
 * once someone is (also straight after a restart), restricted again once every entry is
 * removed (also after a restart).
 */
class PermissionsSystemTest {
    private RootSandbox sandbox;
    private String group;
    private Path socket;
    private Path data;

    @AfterEach
    void cleanUp() throws IOException, InterruptedException {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void outsidersReadNothingAndTheSocketModeFollowsTrust() throws Exception {
        sandbox = RootSandbox.open("cat", "ls", "stat");
        group = sandbox.accounts.createGroup();
        User admin = sandbox.accounts.createUser("admin", group);
        User alice = sandbox.accounts.createUser("alice");
        User outsider = sandbox.accounts.createUser("outsider");
        // Everything above the protected paths lets everyone through: only their own modes protect them.
        data = sandbox.shared.resolve("data");
        socket = sandbox.shared.resolve("multipass_socket");
        String address = "unix:" + socket;
        DaemonProcess daemon = start();

        assertSocket("srw-rw----", "before anyone is trusted");
        sandbox.client(outsider, address, "list").expect(2, "", Texts.accessDenied("list", socket, group, outsider), "the outsider on the restricted socket");
        sandbox.client(admin, address, "list").expect(0, NO_INSTANCES, "", "the admin, the first client");
        assertSocket("srw-rw-rw-", "after the first client");
        sandbox.client(admin, address, "set", "local.passphrase=perm-" + ThrowAwayUsers.randomText(12)).expect(0, "", "", "set");
        sandbox.client(alice, address, "list").expect(2, "", Texts.notAuthenticated("list", alice), "alice, untrusted");

        Path identity = alice.identityDir();
        for (Path dir : List.of(alice.home(), alice.home().resolve(".local"), alice.home().resolve(".local/share"))) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // a home others may browse
        }
        assertEquals("drwx------ " + alice.name(), describeOwner(identity));
        assertEquals("-rw------- " + alice.name(), describeOwner(identity.resolve("multipass_cert_key.pem")));
        assertEquals("drwx------ root", describeOwner(data));
        for (String file : List.of("multipassd.conf", "authenticated-certs/multipass_client_certs.pem", "certificates/localhost_key.pem")) {
            assertEquals("-rw------- root", describeOwner(data.resolve(file)), "mode of " + file);
        }
        for (String dir : List.of("authenticated-certs", "certificates")) {
            assertEquals("drwx------ root", describeOwner(data.resolve(dir)), "mode of " + dir);
        }
        assertUnreadable(outsider, data, data.resolve("multipassd.conf"), data.resolve("authenticated-certs/multipass_client_certs.pem"),
                data.resolve("certificates/localhost_key.pem"), identity, identity.resolve("multipass_cert_key.pem"));
        // Even where the directory would let it through, the files' own modes hold.
        Files.setPosixFilePermissions(identity, PosixFilePermissions.fromString("rwx--x--x"));
        assertUnreadable(outsider, identity.resolve("multipass_cert_key.pem"));
        Files.setPosixFilePermissions(identity, PosixFilePermissions.fromString("rwx------"));

        daemon.stop(RootSandbox.PROCESS_TIMEOUT);
        daemon = start();
        assertSocket("srw-rw-rw-", "after a restart with someone trusted");
        Outcome list = sandbox.client(admin, address, "trust", "list", "--format", "csv");
        assertEquals(0, list.exitCode(), list.toString());
        String[] rows = list.stdout().strip().split("\n");
        String fingerprint = rows[1].substring(0, rows[1].indexOf(','));
        sandbox.client(admin, address, "trust", "remove", fingerprint).expect(0, "Removed " + fingerprint + " (" + admin.name() + ")\n", "",
                "removing the only entry");
        assertSocket("srw-rw----", "after every entry was removed");
        sandbox.client(outsider, address, "list").expect(2, "", Texts.accessDenied("list", socket, group, outsider), "the outsider, restricted again");
        daemon.stop(RootSandbox.PROCESS_TIMEOUT);
        start();
        assertSocket("srw-rw----", "after a restart with nobody trusted");
    }

    private DaemonProcess start() throws IOException, InterruptedException {
        return sandbox.startDaemon("--address", "unix:" + socket, "--data-dir", data.toString(), "--admin-group", group);
    }

    private void assertSocket(String mode, String when) throws IOException {
        assertEquals(mode + " root:" + group, describe(socket), "the socket " + when);
    }

    /** {@code user} cannot read any of {@code paths}: {@code cat} (or {@code ls} for a directory) is denied. */
    private void assertUnreadable(User user, Path... paths) throws IOException, InterruptedException {
        for (Path path : paths) {
            String tool = Files.isDirectory(path) ? "ls" : "cat";
            Outcome outcome = sandbox.processes.run(user.toString(), List.of(sandbox.runuser.toString(), "-u", user.name(), "--", tool, path.toString()),
                    Map.of("PATH", RootSandbox.TOOL_PATH), Path.of("/"), null);
            assertNotEquals(0, outcome.exitCode(), user + " read " + path + ":" + outcome);
            assertTrue(outcome.stderr().contains("Permission denied"), user + " is denied " + path + ":" + outcome);
        }
    }
}
