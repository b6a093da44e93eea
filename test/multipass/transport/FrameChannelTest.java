// SPDX-License-Identifier: Apache-2.0
package multipass.transport;

import multipass.protocol.LogLevel;
import multipass.protocol.LogLine;
import multipass.protocol.MessageCodec;
import multipass.protocol.ProtocolException;
import multipass.protocol.Reply;
import multipass.protocol.Request;
import multipass.protocol.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static multipass.transport.TlsFixture.await;
import static multipass.transport.TlsFixture.background;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FrameChannel} over a real TLS connection in memory (see {@link TlsFixture}): messages
 * and frames up to the 1 MiB limit go through intact, and a bad length prefix, a frame cut
 * short or a clean close are told apart. The "daemon" end writes raw frame bytes through its
 * {@link TlsChannel} to forge what a hostile peer could send.
 */
@Timeout(20)
class FrameChannelTest {
    private static TlsFixture tls;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private MemoryConnection raw;
    private FrameChannel client;
    private FrameChannel server;

    @BeforeAll
    static void identities() throws Exception {
        tls = TlsFixture.get();
    }

    @BeforeEach
    void connect() throws Exception {
        raw = MemoryConnection.open();
        TlsFixture.Connected connected = tls.connect(threads, raw);
        client = new FrameChannel(connected.client());
        server = new FrameChannel(connected.server());
    }

    @AfterEach
    void closeEverything() throws IOException {
        raw.close();
        threads.shutdownNow();
    }

    @Test
    void messagesGoThroughInOrder() throws Exception {
        Request request = new Request("set", 3, List.of("local.passphrase"), Map.of("value", "x"));
        LogLine line = new LogLine(LogLevel.INFO, "daemon says hi");
        Reply reply = Reply.ok(List.of(Map.of("name", "primary")));
        client.send(request);
        assertEquals(request, server.receive());
        server.send(line);
        server.send(reply);
        assertEquals(line, client.receive());
        assertEquals(reply, client.receive());
    }

    @Test
    void theReplyComesAfterTheLogLinesStreamedBeforeIt() throws Exception {
        LogLine first = new LogLine(LogLevel.INFO, "holding the attempt");
        LogLine second = new LogLine(LogLevel.DEBUG, "checking the passphrase");
        server.send(first);
        server.send(second);
        server.send(Reply.ok());
        List<LogLine> logs = new ArrayList<>();
        assertEquals(Reply.ok(), client.receiveReply(logs::add));
        assertEquals(List.of(first, second), logs);
    }

    @Test
    void aReplyBiggerThanAFrameArrivesInFullInSeveralBatches() throws Exception {
        List<Map<String, String>> records = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            records.add(Map.of("name", "instance-" + i, "state", "Running", "image", "24.04 ".repeat(10)));
        }
        Reply big = Reply.ok(records);
        Future<Void> sent = background(threads, raw.server(), () -> {
            server.send(new LogLine(LogLevel.INFO, "listing"));
            server.send(big);
            server.send(Reply.ok(records.subList(0, 2)));
            return null;
        });
        List<LogLine> logs = new ArrayList<>();
        List<Integer> batches = new ArrayList<>();
        List<Map<String, String>> received = new ArrayList<>();
        Reply end = client.receiveReply(logs::add, batch -> {
            batches.add(batch.size());
            received.addAll(batch);
        });
        assertEquals(Status.OK, end.status());
        assertTrue(batches.size() >= 2, "2.7 MB of records in " + batches + " batches and the final reply");
        received.addAll(end.records());
        assertEquals(records, received);
        assertEquals(List.of(new LogLine(LogLevel.INFO, "listing")), logs);
        assertEquals(Reply.ok(records.subList(0, 2)), client.receiveReply(line -> { }), "the next reply, whole");
        await(sent);
    }

    @Test
    void aRequestWhereTheReplyShouldBeIsAProtocolError() throws Exception {
        server.send(Request.of("list", 0));
        ProtocolException e = assertThrows(ProtocolException.class, () -> client.receiveReply(line -> { }));
        assertEquals("the daemon sent a Request message, not a reply", e.getMessage());
    }

    @Test
    void theEndOfTheStreamBeforeTheReplyIsAnEndOfFile() throws Exception {
        server.send(new LogLine(LogLevel.INFO, "about to go"));
        server.close();
        assertThrows(EOFException.class, () -> client.receiveReply(line -> { }));
    }

    @Test
    void framesWrittenTogetherAreReadApart() throws Exception {
        byte[] one = MessageCodec.encode(Reply.ok());
        byte[] two = MessageCodec.encode(Reply.error(Status.NOT_FOUND, "no such instance"));
        ByteBuffer both = ByteBuffer.allocate(8 + one.length + two.length);
        both.putInt(one.length).put(one).putInt(two.length).put(two).flip();
        server.tls().write(both);
        assertArrayEquals(one, client.receiveBody());
        assertArrayEquals(two, client.receiveBody());
    }

    @Test
    void aFrameOfExactlyTheLimitGoesThrough() throws Exception {
        // version, type, status field (1 + 4 + 1), message field header (1 + 4): 13 bytes
        Reply big = Reply.error(Status.INTERNAL, "x".repeat(FrameChannel.MAX_FRAME - 13));
        assertEquals(FrameChannel.MAX_FRAME, MessageCodec.encode(big).length);
        Future<Void> sent = background(threads, raw.server(), () -> {
            server.send(big);
            return null;
        });
        assertEquals(big, client.receive());
        await(sent);
    }

    @Test
    void sendingMoreThanTheLimitFailsAndSendsNothing() throws Exception {
        Reply tooBig = Reply.error(Status.INTERNAL, "x".repeat(FrameChannel.MAX_FRAME - 12));
        assertThrows(ProtocolException.class, () -> server.send(tooBig));
        server.send(Reply.ok());
        assertEquals(Reply.ok(), client.receive());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, FrameChannel.MAX_FRAME + 1, Integer.MIN_VALUE /* 2 GiB */, -1 /* 4 GiB - 1 */})
    void aBadLengthPrefixIsAProtocolError(int length) throws Exception {
        server.tls().write(ByteBuffer.allocate(4 + 16).putInt(length).flip());
        ProtocolException e = assertThrows(ProtocolException.class, () -> client.receiveBody());
        assertTrue(e.getMessage().contains("invalid frame length " + Integer.toUnsignedLong(length)), e.getMessage());
    }

    @Test
    void aCallerCanAskForASmallerLimit() throws Exception {
        server.tls().write(ByteBuffer.allocate(4 + 1001).putInt(1001).flip());
        ProtocolException e = assertThrows(ProtocolException.class, () -> client.receiveBody(1000));
        assertEquals("invalid frame length 1001 (must be 1 to 1000)", e.getMessage());
    }

    @Test
    void aFrameAtTheSmallerLimitIsTaken() throws Exception {
        byte[] body = new byte[1000];
        server.tls().write(ByteBuffer.allocate(4 + 1000).putInt(1000).put(body).flip());
        assertArrayEquals(body, client.receiveBody(1000));
    }

    @Test
    void aBodyCutShortByACleanCloseIsAProtocolError() throws Exception {
        server.tls().write(ByteBuffer.allocate(4 + 10).putInt(100).flip());
        server.close();
        ProtocolException e = assertThrows(ProtocolException.class, () -> client.receiveBody());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aHeaderCutShortByACleanCloseIsAProtocolError() throws Exception {
        server.tls().write(ByteBuffer.wrap(new byte[] {0, 0}));
        server.close();
        assertThrows(ProtocolException.class, () -> client.receiveBody());
    }

    @Test
    void aCleanCloseBetweenFramesIsNull() throws Exception {
        server.send(Reply.ok());
        server.close();
        assertEquals(Reply.ok(), client.receive());
        assertNull(client.receive());
    }

    @Test
    void aCleanCloseBeforeAnyFrameIsNull() throws Exception {
        client.close();
        assertNull(server.receiveBody());
    }

    @Test
    void aBodyThatIsNotAMessageIsAProtocolErrorAfterFraming() throws Exception {
        server.tls().write(ByteBuffer.allocate(7).putInt(3).put(new byte[] {1, 9, 0}).flip());
        assertThrows(ProtocolException.class, () -> client.receive());
    }

    @Test
    void theFramesCopyOfABodyIsZeroedOnceWritten() throws IOException {
        List<ByteBuffer> handed = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteStream recording = new ByteStream() {
            @Override
            public int read(ByteBuffer dst) {
                return -1;
            }

            @Override
            public void write(ByteBuffer src) {
                handed.add(src);
                byte[] bytes = new byte[src.remaining()];
                src.get(bytes);
                wire.writeBytes(bytes);
            }

            @Override
            public void close() {
                // nothing to release
            }
        };
        byte[] body = "passphrase".getBytes(StandardCharsets.US_ASCII);
        new FrameChannel(recording).sendBody(body);
        assertEquals(4 + body.length, wire.size(), "the frame went out whole");
        assertArrayEquals(new byte[4 + body.length], handed.get(0).array(), "the frame buffer holds nothing once written");
    }
}
