// SPDX-License-Identifier: Apache-2.0
package multipass.transport;

import multipass.testing.CertificateBuilder;
import multipass.testing.StockTlsClient;
import multipass.tls.Identity;
import multipass.tls.TlsContexts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
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
 * {@link TlsChannel} between a real daemon engine and a real client engine (certificates shaped
 * like the daemon's and the CLI's, made without keytool, see {@link TlsFixture}) over an
 * in-memory pipe pair, server on another thread: handshake and protocol, mutual
 * authentication, fragmented and large transfers, close and truncation, and handshakes that
 * must fail (wrong CA, wrong name, TLS 1.2, a vanishing peer) with an exception rather than a
 * hang.
 */
@Timeout(20)
class TlsChannelTest {
    private static TlsFixture tls;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private MemoryConnection raw;

    @BeforeAll
    static void identities() throws Exception {
        tls = TlsFixture.get();
    }

    @AfterEach
    void closeEverything() throws IOException {
        if (raw != null) {
            raw.close();
        }
        threads.shutdownNow();
    }

    private TlsFixture.Connected connect() throws Exception {
        raw = MemoryConnection.open();
        return tls.connect(threads, raw);
    }

    @Test
    void handshakeThenRoundTrip() throws Exception {
        TlsFixture.Connected c = connect();
        Future<String> echoed = background(threads, raw.server(), () -> {
            String request = ascii(readExactly(c.server(), 5));
            c.server().write(bytes(request.toUpperCase()));
            return request;
        });
        c.client().write(bytes("hello"));
        assertEquals("HELLO", ascii(readExactly(c.client(), 5)));
        assertEquals("hello", await(echoed));
    }

    @Test
    void negotiatesTls13Only() throws Exception {
        TlsFixture.Connected c = connect();
        assertEquals("TLSv1.3", c.client().session().getProtocol());
        assertEquals("TLSv1.3", c.server().session().getProtocol());
    }

    @Test
    void eachSideSeesTheOthersCertificate() throws Exception {
        TlsFixture.Connected c = connect();
        assertArrayEquals(tls.client.certificate().getEncoded(), TlsContexts.peerCertificate(c.server().session()));
        assertArrayEquals(tls.daemon.certificate().getEncoded(), TlsContexts.peerCertificate(c.client().session()));
    }

    @Test
    void clientWithoutCertificateIsAcceptedWithNoPeerCertificate() throws Exception {
        SSLEngine engine = StockTlsClient.engine(tls.daemon.chain().get(1), "TLSv1.3");

        raw = MemoryConnection.open();
        TlsChannel server = new TlsChannel(raw.server(), tls.daemonTls.newEngine());
        Future<byte[]> seen = background(threads, raw.server(), () -> {
            server.handshake();
            return TlsContexts.peerCertificate(server.session());
        });
        new TlsChannel(raw.client(), engine).handshake();
        assertNull(await(seen));
    }

    @Test
    void smallReadBuffersGetEveryByteInOrder() throws Exception {
        TlsFixture.Connected c = connect();
        c.server().write(bytes("hello, fragmented world"));
        StringBuilder received = new StringBuilder();
        ByteBuffer three = ByteBuffer.allocate(3);
        while (received.length() < 23) {
            three.clear();
            int n = c.client().read(three);
            assertTrue(n >= 1 && n <= 3, "read " + n);
            received.append(ascii(three.flip()));
        }
        assertEquals("hello, fragmented world", received.toString());
    }

    @Test
    void oneByteReadsFromTheNetwork() throws Exception {
        raw = MemoryConnection.open();
        roundTripOver(MemoryConnection.oneByteReads(raw.client()), MemoryConnection.oneByteReads(raw.server()), 40_000);
    }

    @Test
    void oneByteWritesToTheNetwork() throws Exception {
        raw = MemoryConnection.open();
        roundTripOver(MemoryConnection.oneByteWrites(raw.client()), MemoryConnection.oneByteWrites(raw.server()), 40_000);
    }

    @Test
    void fiveMebibytesEachWay() throws Exception {
        raw = MemoryConnection.open();
        roundTripOver(raw.client(), raw.server(), 5 << 20);
    }

    /** Handshakes over the given channels, sends {@code size} random bytes and gets them echoed. */
    private void roundTripOver(ByteChannel clientChannel, ByteChannel serverChannel, int size) throws Exception {
        byte[] payload = new byte[size];
        new Random(size).nextBytes(payload);
        TlsChannel server = new TlsChannel(serverChannel, tls.daemonTls.newEngine());
        TlsChannel client = new TlsChannel(clientChannel, tls.clientTls.newEngine());
        Future<Void> echo = background(threads, raw.server(), () -> {
            server.handshake();
            ByteBuffer received = ByteBuffer.allocate(size);
            server.readFully(received);
            server.write(received.flip());
            return null;
        });
        client.handshake();
        client.write(ByteBuffer.wrap(payload));
        ByteBuffer back = ByteBuffer.allocate(size);
        client.readFully(back);
        await(echo);
        assertArrayEquals(payload, back.array());
    }

    @Test
    void cleanCloseIsEndOfStreamForThePeer() throws Exception {
        TlsFixture.Connected c = connect();
        c.client().write(bytes("last words"));
        c.client().close();
        assertEquals("last words", ascii(readExactly(c.server(), 10)));
        assertEquals(-1, c.server().read(ByteBuffer.allocate(16)));
        assertEquals(-1, c.server().read(ByteBuffer.allocate(16)), "end of stream is sticky");
    }

    @Test
    void readFullyThrowsEofWhenThePeerClosesEarly() throws Exception {
        TlsFixture.Connected c = connect();
        c.client().write(bytes("abc"));
        c.client().close();
        IOException e = assertThrows(EOFException.class, () -> c.server().readFully(ByteBuffer.allocate(10)));
        assertTrue(e.getMessage().contains("3 of 10"), e.getMessage());
    }

    @Test
    void endOfStreamWithoutCloseNotifyIsTruncation() throws Exception {
        TlsFixture.Connected c = connect();
        c.server().write(bytes("partial"));
        raw.server().close();
        assertEquals("partial", ascii(readExactly(c.client(), 7)));
        assertThrows(SSLException.class, () -> c.client().read(ByteBuffer.allocate(16)));
    }

    @Test
    void writeAfterCloseFails() throws Exception {
        TlsFixture.Connected c = connect();
        c.client().close();
        assertThrows(IOException.class, () -> c.client().write(bytes("too late")));
    }

    @Test
    void serverVanishingAfterClientHelloFailsTheClientHandshake() throws Exception {
        raw = MemoryConnection.open();
        Future<Integer> server = background(threads, raw.server(), () -> {
            int length = readRecord(raw.server());
            raw.server().close();
            return length;
        });
        TlsChannel client = new TlsChannel(raw.client(), tls.clientTls.newEngine());
        assertThrows(SSLException.class, client::handshake);
        assertTrue(await(server) > 0);
    }

    @Test
    void clientVanishingAfterClientHelloFailsTheServerHandshake() throws Exception {
        raw = MemoryConnection.open();
        TlsChannel server = new TlsChannel(raw.server(), tls.daemonTls.newEngine());
        Future<Void> handshake = background(threads, raw.server(), () -> {
            server.handshake();
            return null;
        });
        // The client sends its first flight, then disappears when it would wait for the answer.
        ByteChannel vanishing = new ByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                raw.client().close();
                return -1;
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return raw.client().write(src);
            }

            @Override
            public boolean isOpen() {
                return raw.client().isOpen();
            }

            @Override
            public void close() throws IOException {
                raw.client().close();
            }
        };
        assertThrows(SSLException.class, () -> new TlsChannel(vanishing, tls.clientTls.newEngine()).handshake());
        assertThrows(IOException.class, () -> await(handshake));
    }

    @Test
    void aClientThatConnectsAndLeavesFailsTheServerHandshake() throws Exception {
        raw = MemoryConnection.open();
        TlsChannel server = new TlsChannel(raw.server(), tls.daemonTls.newEngine());
        Future<Void> handshake = background(threads, raw.server(), () -> {
            server.handshake();
            return null;
        });
        raw.client().close();
        assertThrows(IOException.class, () -> await(handshake));
    }

    @Test
    void closingTheChannelUnblocksAStalledHandshake() throws Exception {
        // What the daemon's handshake watchdog does to a client that never speaks.
        raw = MemoryConnection.open();
        TlsChannel server = new TlsChannel(raw.server(), tls.daemonTls.newEngine());
        CountDownLatch started = new CountDownLatch(1);
        Future<Void> handshake = background(threads, raw.server(), () -> {
            started.countDown();
            server.handshake();
            return null;
        });
        started.await();
        raw.server().close();
        assertThrows(IOException.class, () -> await(handshake));
    }

    @Test
    void garbageInsteadOfTlsFailsTheServerHandshake() throws Exception {
        raw = MemoryConnection.open();
        TlsChannel server = new TlsChannel(raw.server(), tls.daemonTls.newEngine());
        Future<Void> handshake = background(threads, raw.server(), () -> {
            server.handshake();
            return null;
        });
        raw.client().write(bytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        assertThrows(SSLException.class, () -> await(handshake));
    }

    @Test
    void clientTrustingAnotherCaRefusesTheDaemon() throws Exception {
        CertificateBuilder.Issued otherCa = new CertificateBuilder().subject("Other CA").ca(true).build();
        assertHandshakeRefusedByClient(tls.daemonTls, TlsContexts.client(tls.client, otherCa.certificate()));
    }

    @Test
    void serverCertificateMustNameLocalhost() throws Exception {
        CertificateBuilder.Issued ca = new CertificateBuilder().subject("Test CA").ca(true).build();
        TlsContexts daemon = TlsContexts.daemon(server(ca, "example.com"));
        assertHandshakeRefusedByClient(daemon, TlsContexts.client(tls.client, ca.certificate()));
    }

    @Test
    void serverCertificateNamingLocalhostFromTheSameBuilderIsAccepted() throws Exception {
        // The control for serverCertificateMustNameLocalhost: only the name differs.
        CertificateBuilder.Issued ca = new CertificateBuilder().subject("Test CA").ca(true).build();
        raw = MemoryConnection.open();
        TlsFixture.Connected c = new TlsFixture(server(ca, "localhost"), tls.client).connect(threads, raw);
        assertEquals("TLSv1.3", c.client().session().getProtocol());
    }

    private static Identity server(CertificateBuilder.Issued ca, String dnsName) {
        CertificateBuilder.Issued server = new CertificateBuilder().subject(dnsName).issuedBy(ca).ca(false)
                .dnsName(dnsName).extendedKeyUsage(CertificateBuilder.SERVER_AUTH).build();
        return new Identity(server.keys().getPrivate(), List.of(server.certificate(), ca.certificate()));
    }

    private void assertHandshakeRefusedByClient(TlsContexts daemon, TlsContexts client) throws Exception {
        raw = MemoryConnection.open();
        TlsChannel server = new TlsChannel(raw.server(), daemon.newEngine());
        Future<Void> serverHandshake = background(threads, raw.server(), () -> {
            server.handshake();
            return null;
        });
        TlsChannel refusing = new TlsChannel(raw.client(), client.newEngine());
        assertThrows(SSLHandshakeException.class, refusing::handshake);
        raw.client().close();
        assertThrows(IOException.class, () -> await(serverHandshake));
    }

    @Test
    void tls12OnlyClientIsRefused() throws Exception {
        raw = MemoryConnection.open();
        TlsChannel server = new TlsChannel(raw.server(), tls.daemonTls.newEngine());
        Future<Void> serverHandshake = background(threads, raw.server(), () -> {
            server.handshake();
            return null;
        });
        SSLEngine old = tls.clientTls.newEngine();
        old.setEnabledProtocols(new String[] {"TLSv1.2"});
        TlsChannel client = new TlsChannel(raw.client(), old);
        assertThrows(SSLException.class, client::handshake);
        assertThrows(SSLHandshakeException.class, () -> await(serverHandshake));
    }

    /** Reads one TLS record (5-byte header, then its length) straight off the channel. */
    private static int readRecord(ByteChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(5);
        fill(channel, header);
        int length = header.getShort(3) & 0xFFFF;
        fill(channel, ByteBuffer.allocate(length));
        return length;
    }

    private static void fill(ByteChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException();
            }
        }
    }

    private static ByteBuffer readExactly(TlsChannel channel, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        channel.readFully(buffer);
        return buffer.flip();
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String ascii(ByteBuffer buffer) {
        return StandardCharsets.US_ASCII.decode(buffer).toString();
    }
}
