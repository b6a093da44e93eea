// SPDX-License-Identifier: Apache-2.0
package multipass.testing;

import multipass.grpc.CallResult;
import multipass.grpc.GrpcClient;
import multipass.grpc.PercentEncoding;
import multipass.grpc.ReplySink;
import multipass.hpack.HeaderField;
import multipass.http2.ErrorCode;
import multipass.http2.Http2Connection;
import multipass.http2.Http2Settings;
import multipass.http2.Http2Stream;
import multipass.http2.StreamListener;
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
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC client of the daemon for tests, in the test JVM: connects (Unix socket or TCP),
 * verifies the daemon against the CA it publishes, completes the TLS 1.3 handshake with ALPN
 * {@code h2} as a given identity (or none), runs HTTP/2 on a reader thread of its own and
 * makes each {@link #call} a gRPC call of its own, translated exactly as the CLI translates it
 * ({@link RpcMethods}). {@link #handshake} stops after the TLS handshake instead, for tests
 * that send raw bytes. Calls may come from several threads.
 */
public final class TestClient implements AutoCloseable {
    private final SocketChannel channel;
    private final Http2Connection http2;
    private final GrpcClient grpc;

    private TestClient(SocketChannel channel, TlsChannel tls, Http2Settings settings) {
        this.channel = channel;
        this.http2 = Http2Connection.client(tls, settings);
        this.grpc = new GrpcClient(http2, RpcMethods.AUTHORITY);
        Thread reader = new Thread(() -> {
            try {
                http2.run();
            } catch (IOException e) {
                // A call in progress fails with the connection and says so.
                return;
            }
        }, "test-client-http2");
        reader.setDaemon(true);
        reader.start();
    }

    /** How a raw call ended, with every reply message it brought. */
    public record RawResult(CallResult result, List<byte[]> messages) {
    }

    /** Connects to {@code daemon} as {@code identity} (null: present no certificate). */
    public static TestClient connect(TestDaemon daemon, Identity identity) throws IOException, IdentityException {
        return connect(daemon.address(), caFile(daemon), identity);
    }

    /** Connects to {@code address}, trusting the CA in {@code caFile}, as {@code identity} (null: none). */
    public static TestClient connect(Address address, Path caFile, Identity identity) throws IOException, IdentityException {
        return connect(address, caFile, identity, Http2Settings.DEFAULTS);
    }

    /** Connects to {@code daemon} as {@code identity}, advertising {@code settings} (say, small receive windows). */
    public static TestClient connect(TestDaemon daemon, Identity identity, Http2Settings settings) throws IOException, IdentityException {
        return connect(daemon.address(), caFile(daemon), identity, settings);
    }

    private static TestClient connect(Address address, Path caFile, Identity identity, Http2Settings settings)
            throws IOException, IdentityException {
        X509Certificate ca = PublishedAuthority.read(caFile, null);
        SocketChannel channel = open(address);
        try {
            TlsChannel tls = new TlsChannel(channel, TlsContexts.client(() -> identity, List.of(ca)).newEngine());
            tls.handshake();
            if (!TlsContexts.speaksH2(tls.engine())) {
                throw new IOException("the daemon did not select ALPN " + TlsContexts.ALPN_H2);
            }
            return new TestClient(channel, tls, settings);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** A client over {@code tls}, whose handshake on {@code channel} is over and selected ALPN {@code h2}. */
    public static TestClient over(SocketChannel channel, TlsChannel tls) {
        return new TestClient(channel, tls, Http2Settings.DEFAULTS);
    }

    /** The TLS connection to {@code daemon} after its handshake, before any HTTP/2 byte: for raw bytes. */
    public static TlsChannel handshake(TestDaemon daemon, Identity identity) throws IOException, IdentityException {
        return handshake(daemon.address(), caFile(daemon), identity);
    }

    /** The TLS connection to {@code address} after its handshake (ALPN {@code h2} offered), before any HTTP/2 byte. */
    public static TlsChannel handshake(Address address, Path caFile, Identity identity) throws IOException, IdentityException {
        X509Certificate ca = PublishedAuthority.read(caFile, null);
        SocketChannel channel = open(address);
        try {
            TlsChannel tls = new TlsChannel(channel, TlsContexts.client(() -> identity, List.of(ca)).newEngine());
            tls.handshake();
            return tls;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** A connected socket to {@code address}, nothing sent. */
    public static SocketChannel open(Address address) throws IOException {
        SocketChannel channel = address instanceof Address.Unix ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        try {
            channel.connect(address.socketAddress());
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Path caFile(TestDaemon daemon) {
        return daemon.address() instanceof Address.Unix
                ? PublishedAuthority.forSocket(daemon.socket())
                : PublishedAuthority.forTcpPort(daemon.rendezvousDir(), ((Address.Tcp) daemon.address()).port());
    }

    /** Sends {@code request} as its method's call and returns the reply, its records gathered, its log lines dropped. */
    public Reply call(Request request) throws IOException {
        return call(request, new ArrayList<>());
    }

    /**
     * Sends {@code request} as its method's call; adds the log lines to {@code logLines} and
     * returns the reply: for OK every record of its messages (or the last message's result, as
     * the CLI reads it), for an error the record its trailers carry.
     */
    public Reply call(Request request, List<String> logLines) throws IOException {
        RpcMethod method = RpcMethods.byCommand(request.command());
        RawResult raw = callRaw(method.path(), method.encodeRequest(request));
        try {
            List<Map<String, String>> records = new ArrayList<>();
            byte[] last = null;
            for (byte[] message : raw.messages()) {
                last = message;
                RpcMethod.Decoded decoded = method.decodeReply(message);
                if (decoded.logLine() != null) {
                    logLines.add(decoded.logLine());
                }
                records.addAll(decoded.records());
            }
            CallResult result = raw.result();
            if (result.status() != Status.OK) {
                return new Reply(result.status(), result.message(), recordOf(result.trailers()));
            }
            return Reply.ok(records.isEmpty() ? method.resultOf(last) : records);
        } catch (ProtoException e) {
            throw new IOException("the daemon sent a reply that cannot be read: " + e.getMessage(), e);
        }
    }

    /** Calls {@code path} with {@code message} as it is; returns the status and every reply message. */
    public RawResult callRaw(String path, byte[] message) throws IOException {
        List<byte[]> messages = new ArrayList<>();
        CallResult result = grpc.call(path, message, null, messages::add);
        return new RawResult(result, messages);
    }

    /** Calls {@code path} with {@code message} as it is, handing each reply message to {@code sink} as it comes. */
    public CallResult callRaw(String path, byte[] message, ReplySink sink) throws IOException {
        return grpc.call(path, message, null, sink);
    }

    private static List<Map<String, String>> recordOf(List<HeaderField> trailers) {
        Map<String, String> record = new LinkedHashMap<>();
        for (HeaderField field : trailers) {
            if (field.name().startsWith(RpcMethods.RECORD_METADATA_PREFIX)) {
                record.put(field.name().substring(RpcMethods.RECORD_METADATA_PREFIX.length()), PercentEncoding.decode(field.value()));
            }
        }
        return record.isEmpty() ? List.of() : List.of(record);
    }

    /**
     * Opens a gRPC call's stream to {@code path} and sends {@code data} as its DATA, exactly as
     * given (no gRPC framing added), ending the stream; returns every header field the daemon
     * answers with (response headers and trailers) once the stream has ended or been reset
     * (then a last field {@code reset: <code>}). Waits at most 20 s.
     */
    public List<HeaderField> rawStream(String path, byte[] data) throws IOException, InterruptedException {
        List<HeaderField> answer = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ended = new CountDownLatch(1);
        Http2Stream stream = http2.openStream(callHeaders(path), false, new StreamListener() {
            @Override
            public void onHeaders(List<HeaderField> fields, boolean endStream) {
                answer.addAll(fields);
                if (endStream) {
                    ended.countDown();
                }
            }

            @Override
            public void onData(ByteBuffer bytes, boolean endStream) {
                if (endStream) {
                    ended.countDown();
                }
            }

            @Override
            public void onReset(ErrorCode code) {
                answer.add(new HeaderField("reset", code.name()));
                ended.countDown();
            }
        });
        try {
            stream.writeData(ByteBuffer.wrap(data), true);
        } catch (IOException e) {
            // The daemon may answer and reset the stream before taking all of it: its answer tells.
            answer.add(new HeaderField("write-failed", String.valueOf(e.getMessage())));
        }
        if (!ended.await(20, TimeUnit.SECONDS)) {
            throw new IOException("the stream did not end within 20 s; received " + answer);
        }
        return List.copyOf(answer);
    }

    /**
     * Starts a call to {@code path} with {@code message} (framed as gRPC frames it) and, at the
     * first DATA of the answer, drops the connection without a word and without returning any
     * flow-control credit: the daemon is then in the middle of its reply. Returns the DATA bytes
     * seen by then. Waits at most 20 s.
     */
    public int abandonAtFirstData(String path, byte[] message) throws IOException, InterruptedException {
        CountDownLatch dropped = new CountDownLatch(1);
        int[] seen = {0};
        Http2Stream stream = http2.openStream(callHeaders(path), false, new StreamListener() {
            @Override
            public void onData(ByteBuffer data, boolean endStream) {
                seen[0] = data.remaining();
                try {
                    channel.close();
                } catch (IOException e) {
                    // Closed all the same.
                }
                dropped.countDown();
            }

            @Override
            public void onReset(ErrorCode code) {
                dropped.countDown();
            }
        });
        stream.writeData(ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).flip(), true);
        if (!dropped.await(20, TimeUnit.SECONDS)) {
            throw new IOException("no DATA came within 20 s");
        }
        return seen[0];
    }

    /** A gRPC call's request headers. */
    private static List<HeaderField> callHeaders(String path) {
        return List.of(new HeaderField(":method", "POST"), new HeaderField(":scheme", "https"),
                new HeaderField(":path", path), new HeaderField(":authority", RpcMethods.AUTHORITY), new HeaderField("te", "trailers"),
                new HeaderField("content-type", "application/grpc"));
    }

    /** The value of the first field named {@code name} in {@code fields}; null when none. */
    public static String valueOf(List<HeaderField> fields, String name) {
        for (HeaderField field : fields) {
            if (field.name().equals(name)) {
                return field.value();
            }
        }
        return null;
    }

    /** The HTTP/2 connection, for tests that open streams themselves. */
    public Http2Connection http2() {
        return http2;
    }

    /** Drops the connection without a word (no GOAWAY, no close_notify), as a client that vanishes does. */
    public void abandon() throws IOException {
        channel.close();
    }

    @Override
    public void close() {
        http2.close();
    }
}
