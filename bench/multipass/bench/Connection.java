// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.platform.Address;
import multipass.protocol.Reply;
import multipass.protocol.Request;
import multipass.tls.Identity;
import multipass.tls.IdentityException;
import multipass.tls.PublishedAuthority;
import multipass.tls.TlsContexts;
import multipass.transport.FrameChannel;
import multipass.transport.TlsChannel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One client connection to the daemon, built from the product's own classes exactly as the
 * CLI builds it: a fresh {@link TlsContexts#client} (so every handshake is a full one, as for
 * a cold CLI, never a resumption), a {@link TlsChannel} over a blocking {@code SocketChannel},
 * and a {@link FrameChannel}. Not thread-safe; one thread per connection.
 */
final class Connection implements AutoCloseable {
    private final FrameChannel frames;

    private Connection(FrameChannel frames) {
        this.frames = frames;
    }

    /** Where to connect and as whom: the daemon's address and CA, and a client identity. */
    record Target(Address address, List<X509Certificate> daemonCas) {
        /** The daemon listening on Unix socket {@code socket}, trusting the CA it published beside it. */
        static Target unix(Path socket, DaemonProcess daemon) throws IOException {
            try {
                return new Target(Address.parse(daemon.address()), List.of(PublishedAuthority.read(PublishedAuthority.forSocket(socket), null)));
            } catch (IdentityException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        /** Connects as {@code identity} and completes the mutual TLS handshake. */
        Connection open(Identity identity) throws IOException {
            SocketChannel channel = address instanceof Address.Unix
                    ? SocketChannel.open(StandardProtocolFamily.UNIX)
                    : SocketChannel.open();
            try {
                channel.connect(address.socketAddress());
                TlsChannel tls = new TlsChannel(channel, TlsContexts.client(() -> identity, daemonCas).newEngine());
                tls.handshake();
                return new Connection(new FrameChannel(tls));
            } catch (IOException | IdentityException | RuntimeException e) {
                channel.close();
                throw e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
            }
        }
    }

    /** Sends {@code request} and returns the reply, skipping any log lines before it. */
    Reply call(Request request) throws IOException {
        frames.send(request);
        return frames.receiveReply(line -> { });
    }

    @Override
    public void close() throws IOException {
        frames.close();
    }
}
