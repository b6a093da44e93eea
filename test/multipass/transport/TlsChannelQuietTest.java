// SPDX-License-Identifier: Apache-2.0
package multipass.transport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static multipass.transport.TlsFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TlsChannel#quiet()}, what the warm client asks of its spare connection before it
 * hands a request to it: true between requests, false once the peer has sent anything or
 * closed, and the stream intact either way. Over a real Unix socket pair (the check needs a
 * selectable channel); an in-memory channel always answers false.
 */
@Timeout(20)
class TlsChannelQuietTest {
    private static TlsFixture tls;

    @TempDir
    Path dir;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private SocketChannel clientSocket;
    private SocketChannel serverSocket;
    private TlsChannel client;
    private TlsChannel server;

    @BeforeAll
    static void identities() throws Exception {
        tls = TlsFixture.get();
    }

    @BeforeEach
    void connect() throws Exception {
        try (ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listening.bind(UnixDomainSocketAddress.of(dir.resolve("s")));
            clientSocket = SocketChannel.open(listening.getLocalAddress());
            serverSocket = listening.accept();
        }
        client = new TlsChannel(clientSocket, tls.clientTls.newEngine());
        server = new TlsChannel(serverSocket, tls.daemonTls.newEngine());
        Future<Void> handshake = threads.submit(() -> {
            server.handshake();
            return null;
        });
        client.handshake();
        await(handshake);
        // One exchange, as every kept connection has had: it also takes in the session tickets.
        client.write(ascii("ping"));
        assertEquals("ping", read(server, 4));
        server.write(ascii("pong"));
        assertEquals("pong", read(client, 4));
    }

    @AfterEach
    void close() throws IOException {
        threads.shutdownNow();
        clientSocket.close();
        serverSocket.close();
    }

    @Test
    void aConnectionBetweenRequestsIsQuietAndStaysUsable() throws Exception {
        assertTrue(client.quiet());
        assertTrue(client.quiet());
        client.write(ascii("again"));
        assertEquals("again", read(server, 5));
        server.write(ascii("yes"));
        assertEquals("yes", read(client, 3));
        assertTrue(client.quiet());
    }

    @Test
    void aPeerThatClosedIsNotQuiet() throws Exception {
        server.close();
        assertFalse(client.quiet());
        assertEquals(-1, client.read(ByteBuffer.allocate(1)), "the close_notify the check saw is still there to read");
    }

    @Test
    void aPeerGoneWithoutCloseNotifyIsNotQuiet() throws Exception {
        serverSocket.close();
        assertFalse(client.quiet());
    }

    @Test
    void dataThatCameUnaskedIsNotQuietAndIsNotLost() throws Exception {
        server.write(ascii("unasked"));
        assertFalse(client.quiet());
        assertEquals("unasked", read(client, 7));
    }

    @Test
    void theChannelIsBlockingAgainAfterTheCheck() throws Exception {
        client.quiet();
        assertTrue(clientSocket.isBlocking());
    }

    @Test
    void anInMemoryChannelCannotTellSoItIsNeverQuiet() throws Exception {
        try (MemoryConnection raw = MemoryConnection.open()) {
            TlsFixture.Connected c = tls.connect(threads, raw);
            assertFalse(c.client().quiet());
        }
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String read(TlsChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        channel.readFully(buffer);
        return new String(buffer.array(), StandardCharsets.US_ASCII);
    }
}
