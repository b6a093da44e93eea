// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.api.Request;
import multipass.api.RpcMethods;
import multipass.api.Status;
import multipass.testing.QuickIdentities;
import multipass.testing.StockTlsClient;
import multipass.testing.TestClient;
import multipass.testing.TestDaemon;
import multipass.tls.Identity;
import multipass.tls.PublishedAuthority;
import multipass.transport.TlsChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live daemon facing malformed input at each layer above TLS: a TLS client that negotiates no
 * application protocol, bytes that are not the HTTP/2 client preface, a gRPC call to a method
 * that does not exist, a request message that is not valid protobuf. Each gets its refusal
 * (a closed connection, GOAWAY PROTOCOL_ERROR, UNIMPLEMENTED, INVALID_ARGUMENT) and the daemon
 * keeps serving.
 */
class MalformedHttp2IntegrationTest {
    /** RFC 9113 section 6.8: GOAWAY's frame type; section 7: PROTOCOL_ERROR's code. */
    private static final int GOAWAY = 0x7;
    private static final int PROTOCOL_ERROR = 0x1;

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

    private void assertStillServing() throws Exception {
        try (TestClient client = TestClient.connect(daemon, identity)) {
            assertEquals(Status.OK, client.call(Request.of("version", 0)).status());
        }
    }

    /** Everything the daemon sends on {@code tls} until it closes the connection (a reset counts as a close). */
    private static byte[] readToTheEnd(TlsChannel tls) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (tls.read(buffer.clear()) >= 0) {
                all.write(buffer.array(), 0, buffer.position());
            }
        } catch (IOException e) {
            // Closed without close_notify: what came before is what the daemon said.
            return all.toByteArray();
        }
        return all.toByteArray();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTlsClientThatNegotiatesNoAlpnIsRefused() throws Exception {
        SocketChannel channel = TestClient.open(daemon.address());
        TlsChannel tls = new TlsChannel(channel, StockTlsClient.engine(PublishedAuthority.read(PublishedAuthority.forSocket(daemon.socket()), null),
                "TLSv1.3"));
        try {
            tls.handshake();
            assertEquals("", tls.engine().getApplicationProtocol(), "no application protocol was negotiated");
            try {
                tls.write(ByteBuffer.wrap("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                // Already closed by the daemon (broken pipe): unanswered, as the read below confirms.
            }
            assertEquals(0, readToTheEnd(tls).length, "closed unanswered: the daemon does not speak HTTP/2 to it");
        } finally {
            channel.close();
        }
        assertStillServing();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void garbageInsteadOfThePrefaceGetsGoawayProtocolError() throws Exception {
        try (TlsChannel tls = TestClient.handshake(daemon, identity)) {
            tls.write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer frames = ByteBuffer.wrap(readToTheEnd(tls));
            Integer goAwayCode = null;
            while (frames.remaining() >= 9) {
                int length = (frames.get() & 0xFF) << 16 | (frames.get() & 0xFF) << 8 | (frames.get() & 0xFF);
                int type = frames.get() & 0xFF;
                frames.get(); // flags
                frames.getInt(); // stream
                assertTrue(frames.remaining() >= length, "a whole frame of " + length + " bytes");
                ByteBuffer payload = frames.slice(frames.position(), length);
                frames.position(frames.position() + length);
                if (type == GOAWAY) {
                    payload.getInt(); // last stream
                    goAwayCode = payload.getInt();
                }
            }
            assertEquals(Integer.valueOf(PROTOCOL_ERROR), goAwayCode, "the last frame sent is GOAWAY PROTOCOL_ERROR");
        }
        assertStillServing();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCallToAnUnknownMethodIsUnimplemented() throws Exception {
        try (TestClient client = TestClient.connect(daemon, identity)) {
            TestClient.RawResult result = client.callRaw("/" + RpcMethods.MULTIPASS_SERVICE + "/no_such_method", new byte[0]);
            assertEquals(Status.UNIMPLEMENTED, result.result().status(), result.result().message());
            assertEquals(0, result.messages().size(), "no reply message");
            assertEquals(Status.OK, client.call(Request.of("version", 0)).status(), "the connection serves the next call");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aMalformedRequestMessageIsInvalidArgument() throws Exception {
        String list = RpcMethods.byCommand("list").path();
        byte[][] malformed = {
                {0x0A, 0x05, 'a'},          // field 1, length-delimited, 5 bytes announced and 1 sent
                {0x0F},                      // field 1 with wire type 7, which does not exist
                {(byte) 0x80},               // a tag whose varint never ends
        };
        try (TestClient client = TestClient.connect(daemon, identity)) {
            for (byte[] message : malformed) {
                TestClient.RawResult result = client.callRaw(list, message);
                assertEquals(Status.INVALID_ARGUMENT, result.result().status(), result.result().message());
                assertTrue(result.result().message().startsWith("malformed request: "), result.result().message());
            }
            assertEquals(Status.OK, client.call(Request.of("list", 0)).status(), "the connection serves the next call");
        }
        assertStillServing();
    }
}
