// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.grpc.CallResult;
import multipass.grpc.GrpcClient;
import multipass.http2.Http2Connection;
import multipass.http2.Http2Settings;
import multipass.platform.Address;
import multipass.proto.ProtoException;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.RpcMethod;
import multipass.api.RpcMethods;
import multipass.api.Status;
import multipass.tls.Identity;
import multipass.tls.IdentityException;
import multipass.tls.PublishedAuthority;
import multipass.tls.TlsContexts;
import multipass.transport.TlsChannel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One client connection to the daemon, built from the product's own classes exactly as the
 * CLI builds it: a fresh {@link TlsContexts#client} (so every handshake is a full one, as for
 * a cold CLI, never a resumption), a {@link TlsChannel} over a blocking {@code SocketChannel}
 * with ALPN {@code h2}, an {@link Http2Connection} read on a thread of its own, and a
 * {@link GrpcClient}: each {@link #call} is one gRPC call, translated as the CLI translates it
 * ({@link RpcMethods}). Calls may come from several threads.
 */
final class Connection implements AutoCloseable {
    private final Http2Connection http2;
    private final GrpcClient grpc;

    private Connection(TlsChannel tls) {
        this.http2 = Http2Connection.client(tls, Http2Settings.DEFAULTS);
        this.grpc = new GrpcClient(http2, RpcMethods.AUTHORITY);
        Thread reader = new Thread(() -> {
            try {
                http2.run();
            } catch (IOException e) {
                return; // a call in progress fails with the connection
            }
        }, "bench-http2");
        reader.setDaemon(true);
        reader.start();
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

        /** Connects as {@code identity} and completes the mutual TLS handshake, which must select ALPN {@code h2}. */
        Connection open(Identity identity) throws IOException {
            SocketChannel channel = address instanceof Address.Unix
                    ? SocketChannel.open(StandardProtocolFamily.UNIX)
                    : SocketChannel.open();
            try {
                channel.connect(address.socketAddress());
                TlsChannel tls = new TlsChannel(channel, TlsContexts.client(() -> identity, daemonCas).newEngine());
                tls.handshake();
                if (!TlsContexts.speaksH2(tls.engine())) {
                    throw new IOException("the daemon did not select ALPN " + TlsContexts.ALPN_H2);
                }
                return new Connection(tls);
            } catch (IOException | IdentityException | RuntimeException e) {
                channel.close();
                throw e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
            }
        }

        /**
         * Connects as {@code identity}, completes the mutual TLS handshake and closes: a probe
         * that any of our daemons answers, whatever its application protocol (one that speaks
         * no ALPN completes the handshake just the same).
         */
        void handshakeOnly(Identity identity) throws IOException {
            try (SocketChannel channel = SocketChannel.open()) {
                channel.connect(address.socketAddress());
                TlsChannel tls = new TlsChannel(channel, TlsContexts.client(() -> identity, daemonCas).newEngine());
                tls.handshake();
                tls.close();
            } catch (IdentityException | RuntimeException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    /** Makes {@code request}'s call and returns the reply (an OK one with its records), skipping any log lines. */
    Reply call(Request request) throws IOException {
        RpcMethod method = RpcMethods.byCommand(request.command());
        List<byte[]> messages = new ArrayList<>();
        CallResult result = grpc.call(method.path(), method.encodeRequest(request), null, messages::add);
        if (result.status() != Status.OK) {
            return Reply.error(result.status(), result.message());
        }
        try {
            List<Map<String, String>> records = new ArrayList<>();
            for (byte[] message : messages) {
                records.addAll(method.decodeReply(message).records());
            }
            return Reply.ok(records.isEmpty() ? method.resultOf(messages.isEmpty() ? null : messages.get(messages.size() - 1)) : records);
        } catch (ProtoException e) {
            throw new IOException("the daemon sent a reply that cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        http2.close();
    }
}
