// SPDX-License-Identifier: Apache-2.0
package multipass.testing;

import multipass.platform.Address;
import multipass.protocol.Message;
import multipass.protocol.Reply;
import multipass.protocol.Request;
import multipass.tls.Identity;
import multipass.tls.IdentityException;
import multipass.tls.PublishedAuthority;
import multipass.tls.TlsContexts;
import multipass.transport.FrameChannel;
import multipass.transport.TlsChannel;

import javax.net.ssl.SSLEngine;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A protocol client for tests, in the test JVM: connects to a daemon (Unix socket or TCP),
 * verifies it against the CA it publishes, completes the TLS 1.3 handshake as a given identity
 * (or none), and then speaks frames. Beside well-formed requests it can send raw bytes and
 * half-close (send close_notify, keep reading), which is what a hostile client does. Not
 * thread-safe: one thread per client.
 */
public final class TestClient implements AutoCloseable {
    private final SocketChannel channel;
    private final SSLEngine engine;
    private final FrameChannel frames;

    private TestClient(SocketChannel channel, SSLEngine engine, FrameChannel frames) {
        this.channel = channel;
        this.engine = engine;
        this.frames = frames;
    }

    /** Connects to {@code daemon} as {@code identity} (null: present no certificate). */
    public static TestClient connect(TestDaemon daemon, Identity identity) throws IOException, IdentityException {
        Path ca = daemon.address() instanceof Address.Unix
                ? PublishedAuthority.forSocket(daemon.socket())
                : PublishedAuthority.forTcpPort(daemon.rendezvousDir(), ((Address.Tcp) daemon.address()).port());
        return connect(daemon.address(), ca, identity);
    }

    /** Connects to {@code address}, trusting the CA in {@code caFile}, as {@code identity} (null: none). */
    public static TestClient connect(Address address, Path caFile, Identity identity) throws IOException, IdentityException {
        X509Certificate ca = PublishedAuthority.read(caFile, null);
        SocketChannel channel = address instanceof Address.Unix ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        try {
            channel.connect(address.socketAddress());
            SSLEngine engine = TlsContexts.client(() -> identity, List.of(ca)).newEngine();
            TlsChannel tls = new TlsChannel(channel, engine);
            tls.handshake();
            return new TestClient(channel, engine, new FrameChannel(tls));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Sends {@code request} and returns the reply, skipping the log lines before it. */
    public Reply call(Request request) throws IOException {
        frames.send(request);
        return nextReply();
    }

    /** The next reply, skipping log lines; end of stream first is an {@link EOFException}. */
    public Reply nextReply() throws IOException {
        return frames.receiveReply(line -> { });
    }

    /** The next message; null when the daemon closed the connection cleanly. */
    public Message receive() throws IOException {
        return frames.receive();
    }

    /** Sends {@code bytes} as they are, inside TLS: frames or not. */
    public void sendRaw(byte[] bytes) throws IOException {
        frames.tls().write(ByteBuffer.wrap(bytes));
    }

    /**
     * Sends TLS close_notify and nothing more, but keeps reading: the daemon learns that
     * nothing else will come (so a frame cut short is an error, not a wait) and can still answer.
     */
    public void closeOutput() throws IOException {
        engine.closeOutbound();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        while (!engine.isOutboundDone()) {
            out.clear();
            engine.wrap(ByteBuffer.allocate(0), out);
            out.flip();
            while (out.hasRemaining()) {
                channel.write(out);
            }
        }
    }

    /** The frame layer, for tests that drive it directly. */
    public FrameChannel frames() {
        return frames;
    }

    /** Drops the connection without a word (no close_notify), as a client that vanishes does. */
    public void abandon() throws IOException {
        channel.close();
    }

    @Override
    public void close() throws IOException {
        frames.close();
    }
}
