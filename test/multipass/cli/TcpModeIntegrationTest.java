// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.daemon.DaemonMain;
import multipass.platform.Address;
import multipass.platform.Platform;
import multipass.testing.QuickIdentities;
import multipass.testing.TestDaemon;
import multipass.tls.DaemonIdentity;
import multipass.tls.Identity;
import multipass.tls.PublishedAuthority;
import multipass.tls.TlsContexts;
import multipass.transport.TlsChannel;
import multipass.trust.AdmissionMethod;
import multipass.trust.TrustStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP mode (Multipass's Windows design): no first-client acceptance, the installer enrols the
 * installing user, others use the passphrase, and a rogue server on the port gets nothing.
 */
@Timeout(90)
class TcpModeIntegrationTest {
    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private Path identityDir(String user) {
        return dir.resolve("home-" + user).resolve(".local/share/multipass-client-certificate");
    }

    private CliRunner user(TestDaemon daemon, String name) {
        return new CliRunner(daemon.address(), identityDir(name), List.of(daemon.rendezvousDir())).withQuickIdentity();
    }

    /** Runs {@code daemon --install ...} as the test's user, whose HOME is home-{@code name}. */
    private int install(String name, String... extra) {
        Platform platform = new Platform(Platform.Os.LINUX, Map.of("HOME", dir.resolve("home-" + name).toString()), false);
        String[] args = new String[extra.length + 3];
        args[0] = "--install";
        args[1] = "--data-dir";
        args[2] = dir.resolve("data").toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        return DaemonMain.run(args, platform, new PrintStream(sink, true, StandardCharsets.UTF_8), new PrintStream(sink, true, StandardCharsets.UTF_8));
    }

    @Test
    void noFirstClientAcceptanceOverTcp() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(dir, Address.parse("localhost:" + freePort()))) {
            CliRunner.Result first = user(daemon, "first").run("list");
            assertEquals(2, first.exit());
            assertTrue(first.err().startsWith("list failed: The user is not authenticated with the Multipass service."), first.err());
            assertTrue(TrustStore.open(daemon.dataDir()).isEmpty());
        }
    }

    @Test
    void installerEnrolsTheInstallingUserAndOthersUseThePassphrase() throws Exception {
        assertEquals(0, install("installer"));
        TrustStore store = TrustStore.open(dir.resolve("data"));
        assertEquals(AdmissionMethod.INSTALLER, store.entries().get(0).method());
        assertEquals(0, install("installer"), "a second run changes nothing");
        assertEquals(1, TrustStore.open(dir.resolve("data")).entries().size());

        try (TestDaemon daemon = TestDaemon.start(dir, Address.parse("localhost:" + freePort()))) {
            CliRunner installer = user(daemon, "installer");
            assertEquals("No instances found.\n", installer.run("list").out());
            assertEquals(0, installer.run("set", "local.passphrase=tcp-secret").exit());
            CliRunner other = user(daemon, "other");
            assertEquals(2, other.run("list").exit());
            assertEquals(2, other.run("set", "local.passphrase=mine").exit(), "no kernel credentials over TCP: no admin exception");
            assertEquals(0, other.run("authenticate", "tcp-secret").exit());
            assertEquals(0, other.run("list").exit());
        }
    }

    @Test
    void unknownUserIsAnErrorAndTheStoreIsUntouched() throws Exception {
        assertEquals(2, install("x", "--user", "no-such-user-" + System.nanoTime()));
        assertTrue(TrustStore.open(dir.resolve("data")).isEmpty());
    }

    @Test
    void ipv6LoopbackWorks() throws Exception {
        assertEquals(0, install("v6"));
        try (TestDaemon daemon = TestDaemon.start(dir, Address.parse("[::1]:" + freePort()))) {
            assertEquals(0, user(daemon, "v6").run("list").exit());
        }
    }

    @Test
    void aPortInUseIsAClearError() throws Exception {
        try (ServerSocketChannel taken = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            Exception error = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> TestDaemon.start(dir, Address.parse("127.0.0.1:" + port)));
            assertTrue(error.getMessage().startsWith("cannot listen on 127.0.0.1:" + port), error.getMessage());
        }
    }

    @Test
    void aRogueServerOnThePortNeverReceivesThePassphrase() throws Exception {
        Identity rogue = QuickIdentities.daemon(dir.resolve("rogue"));
        Identity real = QuickIdentities.daemon(dir.resolve("real"));
        ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            AtomicLong received = new AtomicLong();
            Thread rogueThread = new Thread(() -> serveRogue(server, rogue, received));
            rogueThread.start();
            Path rendezvous = dir.resolve("rendezvous");
            Files.createDirectories(rendezvous);
            CliRunner victim = new CliRunner(Address.parse("localhost:" + port), identityDir("victim"), List.of(rendezvous)).withQuickIdentity();

            CliRunner.Result nothingPublished = victim.run("authenticate", "Top-Secret-1");
            assertEquals(2, nothingPublished.exit());
            assertTrue(nothingPublished.err().contains("no CA certificate is published for port " + port), nothingPublished.err());

            // The real daemon's CA is published for this port, but the rogue holds the port.
            PublishedAuthority.publish(PublishedAuthority.forTcpPort(rendezvous, port), DaemonIdentity.authority(real));
            CliRunner.Result refused = victim.run("authenticate", "Top-Secret-1");
            assertEquals(2, refused.exit());
            assertTrue(refused.err().startsWith("authenticate failed: cannot establish a verified TLS connection with the daemon"), refused.err());
            server.close();
            rogueThread.join(10_000);
            assertEquals(0, received.get(), "the rogue server received no application data");
        } finally {
            server.close();
        }
    }

    /** A TLS server with its own CA: accepts connections and counts application bytes received. */
    private static void serveRogue(ServerSocketChannel server, Identity identity, AtomicLong received) {
        while (server.isOpen()) {
            try (SocketChannel channel = server.accept()) {
                TlsChannel tls = new TlsChannel(channel, TlsContexts.daemon(identity).newEngine());
                tls.handshake();
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                int n;
                while ((n = tls.read(buffer.clear())) > 0) {
                    received.addAndGet(n);
                }
            } catch (IOException | multipass.tls.IdentityException e) {
                // Expected: the client aborts the handshake; then the server socket closes.
                continue;
            }
        }
    }
}
