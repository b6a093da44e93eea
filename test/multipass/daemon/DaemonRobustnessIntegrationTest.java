// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.protocol.Message;
import multipass.protocol.MessageCodec;
import multipass.protocol.Reply;
import multipass.protocol.Request;
import multipass.protocol.Status;
import multipass.testing.QuickIdentities;
import multipass.testing.StockTlsClient;
import multipass.testing.TestDaemon;
import multipass.tls.Identity;
import multipass.tls.PublishedAuthority;
import multipass.tls.TlsContexts;
import multipass.transport.FrameChannel;
import multipass.transport.TlsChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live daemon facing bad input over real TLS: malformed frames, another protocol version,
 * garbage instead of TLS, a vanished client. Each gets a clear error or a closed connection,
 * and the daemon keeps serving. Also the socket's placement rules: a planted symlink is
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

    private FrameChannel connect() throws Exception {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(daemon.address().socketAddress());
        TlsContexts tls = TlsContexts.client(identity, PublishedAuthority.read(PublishedAuthority.forSocket(daemon.socket()), null));
        TlsChannel connection = new TlsChannel(channel, tls.newEngine());
        connection.handshake();
        return new FrameChannel(connection);
    }

    private Reply rawExchange(byte[] frame) throws Exception {
        try (FrameChannel frames = connect()) {
            frames.tls().write(ByteBuffer.wrap(frame));
            Message reply = frames.receive();
            assertInstanceOf(Reply.class, reply);
            assertNull(frames.receive(), "the daemon closes the connection after a malformed frame");
            return (Reply) reply;
        }
    }

    private static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private void assertStillServing() throws Exception {
        try (FrameChannel frames = connect()) {
            frames.send(Request.of("version", 0));
            Reply reply = (Reply) frames.receive();
            assertEquals(Status.OK, reply.status(), reply.message());
        }
    }

    @Test
    void severalRequestsShareOneConnection() throws Exception {
        try (FrameChannel frames = connect()) {
            for (int i = 0; i < 5; i++) {
                frames.send(Request.of("list", 0));
                assertEquals(Status.OK, ((Reply) frames.receive()).status());
            }
        }
    }

    @Test
    void malformedFramesGetAnErrorAndAClosedConnection() throws Exception {
        byte[] request = MessageCodec.encode(Request.of("list", 0));
        byte[] unknownTag = request.clone();
        unknownTag[2] = 99;
        Reply reply = rawExchange(frame(unknownTag));
        assertEquals(Status.INVALID_ARGUMENT, reply.status());
        assertTrue(reply.message().startsWith("malformed request: "), reply.message());

        reply = rawExchange(frame(new byte[] {1}));
        assertEquals(Status.INVALID_ARGUMENT, reply.status());

        byte[] aReply = MessageCodec.encode(Reply.ok());
        assertEquals("malformed request: expected a request message", rawExchange(frame(aReply)).message());
        assertStillServing();
    }

    @Test
    void aClientNotYetTrustedMaySendFramesOf64KiBAtMost() throws Exception {
        byte[] big = MessageCodec.encode(new Request("version", 0, List.of("x".repeat(100_000)), Map.of()));
        byte[] header = ByteBuffer.allocate(4).putInt(big.length).array(); // the daemon refuses the frame on its header alone
        assertEquals(Reply.error(Status.INVALID_ARGUMENT, "malformed request: invalid frame length " + big.length + " (must be 1 to 65536)"),
                rawExchange(header));
        assertStillServing(); // its first request made this client the first client: trusted
        try (FrameChannel frames = connect()) {
            frames.tls().write(ByteBuffer.wrap(frame(big)));
            Reply reply = (Reply) frames.receive();
            assertEquals(Status.OK, reply.status(), reply.message());
        }
    }

    @Test
    void anotherProtocolVersionIsToldWhichVersionsDiffer() throws Exception {
        byte[] body = MessageCodec.encode(Request.of("list", 0));
        body[0] = MessageCodec.VERSION + 1;
        Reply reply = rawExchange(frame(body));
        assertEquals(Status.FAILED_PRECONDITION, reply.status());
        assertTrue(reply.message().contains("peer speaks version " + (MessageCodec.VERSION + 1) + ", this build speaks version "
                + MessageCodec.VERSION), reply.message());
    }

    @Test
    void aVersion1ClientIsToldInAReplyItStopsReadingAtTheVersionByte() throws Exception {
        // `get local.passphrase` exactly as a version 1 build sends it (docs/protocol.md's worked example before version 2).
        byte[] old = java.util.HexFormat.of().parseHex("00000025010101000000036765740200000001000300000010" + "6c6f63616c2e70617373706872617365");
        try (FrameChannel frames = connect()) {
            frames.tls().write(ByteBuffer.wrap(old));
            byte[] body = frames.receiveBody();
            assertEquals(MessageCodec.VERSION, body[0], "the first byte, all a version 1 decoder reads before it reports the mismatch");
            assertEquals(Reply.error(Status.FAILED_PRECONDITION, "protocol version mismatch: the peer speaks version 1, this build speaks version "
                    + MessageCodec.VERSION + "; install the same multipass version for the client and the daemon"), MessageCodec.decode(body));
            assertNull(frames.receive());
        }
    }

    @Test
    void oversizedLengthPrefixIsRefusedWithoutAllocating() throws Exception {
        Reply reply = rawExchange(ByteBuffer.allocate(4).putInt(0x8000_0000).array());
        assertEquals(Status.INVALID_ARGUMENT, reply.status());
        assertEquals("malformed request: invalid frame length 2147483648 (must be 1 to 65536)", reply.message()); // not trusted yet
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
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(daemon.address().socketAddress());
        TlsChannel tls = new TlsChannel(channel, StockTlsClient.engine(PublishedAuthority.read(PublishedAuthority.forSocket(daemon.socket()), null),
                "TLSv1.3"));
        tls.handshake();
        try (FrameChannel frames = new FrameChannel(tls)) {
            frames.send(Request.of("list", 0));
            assertEquals(Status.UNAUTHENTICATED, ((Reply) frames.receive()).status());
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
    void aClientThatStopsMidFrameIsClosedAfterTheIdleTimeout() throws Exception {
        daemon.stop();
        Files.writeString(daemon.dataDir().resolve("multipassd.conf"), "[Limits]\nidle_timeout_seconds=1\n");
        daemon.startAgain();
        try (FrameChannel frames = connect()) {
            frames.tls().write(ByteBuffer.wrap(new byte[] {0, 0}));
            assertNull(frames.receive(), "closed by the daemon, not left hanging");
        } catch (IOException e) {
            assertTrue(e.getMessage() != null, "or closed abruptly: " + e);
        }
        assertStillServing();
    }
}
