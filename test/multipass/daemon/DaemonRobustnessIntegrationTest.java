// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.hpack.HeaderField;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.RpcMethods;
import multipass.api.Status;
import multipass.testing.QuickIdentities;
import multipass.testing.StockTlsClient;
import multipass.testing.TestClient;
import multipass.testing.TestDaemon;
import multipass.tls.Identity;
import multipass.tls.PublishedAuthority;
import multipass.tls.TlsContexts;
import multipass.transport.TlsChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live daemon facing bad input over real TLS: a gRPC length prefix of 2 GiB, garbage instead
 * of TLS, a vanished client, one that stops in the middle of the HTTP/2 preface. Each gets a
 * clear error or a closed connection, and the daemon keeps serving (malformed HTTP/2 and
 * request messages: {@link MalformedHttp2IntegrationTest}). Also the socket's placement rules: a planted symlink is
 * replaced, not followed; a live daemon is not displaced.
 */
@Timeout(60)
class DaemonRobustnessIntegrationTest {
    @TempDir
    Path dir;
    private TestDaemon daemon;
    private Identity identity;

    @BeforeEach
    void start() throws Exception {
        daemon = TestDaemon.start(dir);
        identity = QuickIdentities.client("client");
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }

    private TestClient connect() throws Exception {
        return TestClient.connect(daemon, identity);
    }

    private void assertStillServing() throws Exception {
        try (TestClient client = connect()) {
            Reply reply = client.call(Request.of("version", 0));
            assertEquals(Status.OK, reply.status(), reply.message());
        }
    }

    @Test
    void severalCallsShareOneConnection() throws Exception {
        try (TestClient client = connect()) {
            for (int i = 0; i < 5; i++) {
                assertEquals(Status.OK, client.call(Request.of("list", 0)).status());
            }
        }
    }

    @Test
    void aConnectionUntrustedAtItsStartMaySendMessagesOf64KiBAtMost() throws Exception {
        // A version request with an unknown field of 100,000 bytes, which the daemon skips once it takes the message.
        byte[] padding = new byte[100_000];
        byte[] big = ByteBuffer.allocate(1 + 3 + padding.length).put((byte) (15 << 3 | 2))
                .put((byte) (0x80 | (padding.length & 0x7F))).put((byte) (0x80 | (padding.length >>> 7 & 0x7F))).put((byte) (padding.length >>> 14))
                .put(padding).array();
        String version = RpcMethods.byCommand("version").path();
        try (TestClient stranger = connect()) { // no one is trusted yet
            TestClient.RawResult refused = stranger.callRaw(version, big);
            assertEquals(Status.RESOURCE_EXHAUSTED, refused.result().status(), refused.result().message());
            assertTrue(refused.result().message().contains("65536"), refused.result().message());
        }
        assertStillServing(); // its first call made this client the first client: trusted
        try (TestClient trusted = connect()) {
            TestClient.RawResult served = trusted.callRaw(version, big);
            assertEquals(Status.OK, served.result().status(), served.result().message());
        }
    }

    @Test
    void aGrpcLengthPrefixOfTwoGibibytesIsRefusedWithoutAllocating() throws Exception {
        assertStillServing(); // makes "client" the first, trusted client
        try (TestClient client = connect()) {
            List<HeaderField> answer = client.rawStream(RpcMethods.byCommand("list").path(), new byte[] {0, (byte) 0x80, 0, 0, 0});
            assertEquals(String.valueOf(Status.RESOURCE_EXHAUSTED.code()), TestClient.valueOf(answer, "grpc-status"), answer.toString());
            assertEquals(Status.OK, client.call(Request.of("list", 0)).status(), "the connection serves the next call");
        }
        assertStillServing();
    }

    @Test
    void garbageInsteadOfTlsAndVanishingClientsDoNotHurt() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(daemon.address().socketAddress());
                channel.write(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer sink = ByteBuffer.allocate(1024);
                while (channel.read(sink.clear()) >= 0) {
                    continue; // the daemon answers with a TLS alert at most, then closes
                }
            }
            SocketChannel abandoned = SocketChannel.open(StandardProtocolFamily.UNIX);
            abandoned.connect(daemon.address().socketAddress());
            abandoned.close();
        }
        assertStillServing();
    }

    @Test
    void aClientWithoutCertificateIsNotAuthenticated() throws Exception {
        assertStillServing(); // makes "client" the first, trusted client
        SocketChannel channel = TestClient.open(daemon.address());
        SSLEngine engine = StockTlsClient.engine(PublishedAuthority.read(PublishedAuthority.forSocket(daemon.socket()), null), "TLSv1.3");
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {TlsContexts.ALPN_H2});
        engine.setSSLParameters(parameters);
        TlsChannel tls = new TlsChannel(channel, engine);
        tls.handshake();
        try (TestClient client = TestClient.over(channel, tls)) {
            assertEquals(Status.UNAUTHENTICATED, client.call(Request.of("list", 0)).status());
        }
    }

    @Test
    void aPlantedSymlinkIsReplacedNotFollowed() throws Exception {
        daemon.stop();
        Path target = dir.resolve("victim");
        Files.writeString(target, "precious");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(daemon.socket(), target);
        daemon.startAgain();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertEquals("precious", Files.readString(target));
        assertTrue(Files.readAttributes(daemon.socket(), java.nio.file.attribute.BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther(), "the socket path now holds the socket");
        assertStillServing();
    }

    @Test
    void aSecondDaemonDoesNotDisplaceALiveOne() throws Exception {
        StartupException sameData = assertThrows(StartupException.class, () -> TestDaemon.start(dir));
        assertEquals("another daemon is already using the data directory " + daemon.dataDir() + "; stop it first", sameData.getMessage());
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        StartupException sameSocket = assertThrows(StartupException.class,
                () -> TestDaemon.start(other, daemon.address()));
        assertTrue(sameSocket.getMessage().contains("another daemon is already listening on " + daemon.socket()), sameSocket.getMessage());
        assertStillServing();
    }

    @Test
    void aSocketDirectoryOthersCanWriteIsRefused() throws Exception {
        Path shared = dir.resolve("shared");
        Files.createDirectories(shared);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        StartupException error = assertThrows(StartupException.class,
                () -> TestDaemon.start(dir.resolve("d2"), new multipass.platform.Address.Unix(shared.resolve("sock"))));
        assertTrue(error.getMessage().startsWith("the socket directory " + shared + " (mode 777) lets other users replace files in it"),
                error.getMessage());
    }

    @Test
    void aClientThatStopsMidPrefaceIsClosedAfterTheIdleTimeout() throws Exception {
        daemon.stop();
        Files.writeString(daemon.dataDir().resolve("multipassd.conf"), "[Limits]\nidle_timeout_seconds=1\n");
        daemon.startAgain();
        long began = System.nanoTime();
        try (TlsChannel tls = TestClient.handshake(daemon, identity)) {
            tls.write(ByteBuffer.wrap("PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII))); // half of the client preface
            ByteBuffer sink = ByteBuffer.allocate(1024);
            while (tls.read(sink.clear()) >= 0) {
                continue; // the daemon's SETTINGS, then the end
            }
        } catch (IOException e) {
            assertTrue(e.getMessage() != null, "or closed abruptly: " + e);
        }
        assertTrue(System.nanoTime() - began < 20_000_000_000L, "closed by the daemon, not left hanging");
        assertStillServing();
    }
}
