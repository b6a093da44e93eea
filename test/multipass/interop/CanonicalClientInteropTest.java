// SPDX-License-Identifier: Apache-2.0
package multipass.interop;

import multipass.api.BuildInfo;
import multipass.auth.PassphraseHash;
import multipass.platform.CurrentUser;
import multipass.testing.DaemonConfig;
import multipass.testing.QuickIdentities;
import multipass.trust.TrustEntry;
import multipass.trust.TrustStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static multipass.interop.Interop.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Canonical's client (its grpcio stand-in, {@code test/interop/canonical_client.py}: one
 * connection and one stream-stream call per command, no half-close, the last reply is the
 * result) against OUR daemon, the real jar as a process. The client trusts the CA our daemon
 * publishes beside its socket as if it were Multipass's {@code multipass_root_cert.pem}, and
 * checks the name {@code localhost}. The outputs are the stand-in's (Multipass's formats);
 * the daemon's texts are Multipass's (SPEC sections 5 and 10).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CanonicalClientInteropTest {
    private static final String TABLE_HEADER = "Name  State             IPv4             Image\n";

    @TempDir
    Path dir;
    private Interop.Background daemon;
    private Path python;
    private String address;
    private Path root;

    @BeforeEach
    void startOurDaemon() throws Exception {
        python = Interop.python();
        Path data = dir.resolve("d");
        QuickIdentities.seedDaemon(data); // no keytool: the daemon loads this identity as it is
        Path socket = dir.resolve("s");
        address = "unix:" + socket;
        daemon = Interop.Background.start(List.of(Interop.java(), "-jar", Interop.jar().toString(), "daemon",
                "--address", address, "--data-dir", data.toString()), Interop.environment(dir), dir, "MULTIPASS_SERVER_ADDRESS=");
        root = socket.resolveSibling("s.ca.pem"); // published by the daemon beside its socket
    }

    @AfterEach
    void stopOurDaemon() throws Exception {
        if (daemon != null) {
            daemon.stop();
        }
    }

    private Canonical.Client user(String name) throws Exception {
        return Canonical.Client.seeded(python, address, root, dir, name);
    }

    @Test
    void theFirstClientThenAPassphraseClient() throws Exception {
        Canonical.Client admin = user("admin");
        // As the daemon's own user on a Unix socket with an empty store, the first client is accepted (SPEC 5.2).
        expect(admin.run("version"), 0, "multipass   1.16.0\nmultipassd  " + BuildInfo.VERSION + "\n", "");
        expect(admin.run("list"), 0, "No instances found.\n", "");
        expect(admin.run("launch", "--name", "web"), 0, "Launched: web\n", "");
        expect(admin.run("list"), 0, TABLE_HEADER + "web   Running           --               24.04\n", "");
        expect(admin.run("get", "local.passphrase"), 0, "false\n", "");

        Canonical.Client bob = user("bob");
        expect(bob.run("list"), 2, "", "list failed: " + Interop.NOT_AUTHENTICATED + "\n");
        expect(bob.run("launch", "--name", "bobs"), 2, "", "launch failed: " + Interop.NOT_AUTHENTICATED + "\n");
        expect(bob.run("authenticate", "s3cret"), 2, "", "authenticate failed: " + Interop.NO_PASSPHRASE + "\n");

        expect(admin.run("set", "local.passphrase=s3cret"), 0, "", "");
        expect(admin.run("get", "local.passphrase"), 0, "true\n", "");
        expect(bob.run("authenticate", "wrong"), 2, "", "authenticate failed: " + Interop.WRONG_PASSPHRASE + "\n");
        expect(bob.run("authenticate", "s3cret"), 0, "", "");
        expect(bob.run("list"), 0, TABLE_HEADER + "web   Running           --               24.04\n", "");
        expect(bob.run("authenticate", "s3cret"), 0, "", ""); // again: succeeds, changes nothing
    }

    @Test
    void instanceCommandsAndTheirErrors() throws Exception {
        Canonical.Client admin = user("admin");
        expect(admin.run("launch", "--name", "web"), 0, "Launched: web\n", "");
        expect(admin.run("launch", "--name", "db", "22.04"), 0, "Launched: db\n", "");
        expect(admin.run("stop", "db"), 0, "", "");
        expect(admin.run("list"), 0, "Name  State             IPv4             Image\n"
                + "db    Stopped           --               22.04\nweb   Running           --               24.04\n", "");
        expect(admin.run("start", "nope"), 2, "", "start failed: instance \"nope\" does not exist\n");
        expect(admin.run("launch", "--name", "web"), 2, "", "launch failed: instance \"web\" already exists\n");
        expect(admin.run("start", "--all"), 0, "", "");
        expect(admin.run("delete", "web"), 0, "", "");
        expect(admin.run("recover", "web"), 0, "", "");
        expect(admin.run("delete", "--all"), 0, "", "");
        expect(admin.run("purge"), 0, "", "");
        expect(admin.run("list"), 0, "No instances found.\n", "");
        expect(admin.run("ping"), 0, "", "");
    }

    @Test
    void logLinesComeFirstOneLineEachAndTheLastReplyIsTheResult() throws Exception {
        Canonical.Client admin = user("admin");
        expect(admin.run("list"), 0, "No instances found.\n", ""); // verbosity 0: nothing streamed
        Interop.Outcome verbose = admin.run("-vvvv", "list");
        assertEquals(0, verbose.exit(), verbose::toString);
        assertEquals("No instances found.\n", verbose.out(), "the result is the last reply, after the log lines");
        assertFalse(verbose.err().isEmpty(), "at -vvvv the daemon sends its log lines: " + verbose);
        assertTrue(verbose.err().endsWith("\n"), "each log_line carries its own newline: " + verbose);
        for (String line : verbose.err().split("\n")) {
            assertTrue(line.matches("\\[[^]]+\\] \\[(error|warning|info|debug|trace)\\] \\[[^]]+\\] .+"),
                    "a log line in Multipass's form [time] [level] [category] text, and no empty line: '" + line + "' in " + verbose);
        }
        assertFalse(verbose.err().contains("s3cret"));
    }

    /**
     * Over loopback TCP, where our daemon reads the caller's local user only when a call needs
     * it, and believes it only once the connection answers an HTTP/2 PING sent after the read:
     * gRPC's C core answers it, so a passphrase admission from Canonical's client works there
     * and records the real user.
     */
    @Test
    void overLoopbackTcpAPassphraseAdmissionNamesTheUser() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "skipped: no kernel socket tables (not Linux)");
        Path data = dir.resolve("tcp-data");
        QuickIdentities.seedDaemon(data);
        DaemonConfig.write(data, "[General]\nlocal.passphrase=" + PassphraseHash.hash("s3cret".toCharArray()) + "\n");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Map<String, String> environment = Interop.environment(dir);
        environment.put("XDG_RUNTIME_DIR", dir.toString());
        Interop.Background tcp = Interop.Background.start(List.of(Interop.java(), "-jar", Interop.jar().toString(), "daemon",
                "--address", "127.0.0.1:" + port, "--data-dir", data.toString()), environment, dir, "MULTIPASS_SERVER_ADDRESS=");
        try {
            String published = "tcp-" + port + ".ca.pem";
            Path ca = Files.exists(Path.of("/run/multipassd", published)) ? Path.of("/run/multipassd", published)
                    : dir.resolve("multipassd").resolve(published);
            Canonical.Client carol = Canonical.Client.seeded(python, "127.0.0.1:" + port, ca, dir, "carol");
            expect(carol.run("list"), 2, "", "list failed: " + Interop.NOT_AUTHENTICATED + "\n");
            expect(carol.run("authenticate", "s3cret"), 0, "", "");
            expect(carol.run("list"), 0, "No instances found.\n", "");
            CurrentUser me = CurrentUser.get();
            TrustEntry entry = TrustStore.open(data).entries().get(0);
            assertEquals(List.of(me.name(), me.uid()), List.of(entry.user(), entry.uid()), "the admission names the real user");
        } finally {
            tcp.stop();
        }
    }
}
