// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.grpc.CallResult;
import multipass.grpc.GrpcClient;
import multipass.grpc.PercentEncoding;
import multipass.hpack.HeaderField;
import multipass.http2.Http2Connection;
import multipass.proto.ProtoException;
import multipass.platform.Address;
import multipass.api.LogLevel;
import multipass.api.LogLine;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.RpcMethod;
import multipass.api.RpcMethods;
import multipass.api.Status;
import multipass.tls.ClientIdentity;
import multipass.warm.WarmRoute;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The client's verified connection to the daemon, as gRPC over HTTP/2: directly over mutual TLS
 * (made by {@link DaemonDial}), or through the user's warm client, which holds that TLS
 * connection for it. A request, possibly holding a passphrase, is sent only over one of these.
 * One command makes one call, as Multipass's client does. The connection's frames are read on
 * a thread of its own; the call's replies are handed over on the caller's thread. A call the
 * warm client refuses (it relayed nothing) is made again the direct way.
 */
final class DaemonConnection implements AutoCloseable {
    private final Http2Connection http2;
    private final GrpcClient grpc;
    private final String address;
    private final Path identityDir;
    private final DaemonConnector direct;

    private DaemonConnection(Http2Connection http2, GrpcClient grpc, String address, Path identityDir, DaemonConnector direct) {
        this.http2 = http2;
        this.grpc = grpc;
        this.address = address;
        this.identityDir = identityDir;
        this.direct = direct;
    }

    /** A direct connection to the daemon at {@code address}, as the identity kept in {@code identityDir}: starts reading its frames. */
    static DaemonConnection direct(Http2Connection http2, String address, Path identityDir) {
        DaemonConnection connection = new DaemonConnection(http2, new GrpcClient(http2, RpcMethods.AUTHORITY), address, identityDir, null);
        Thread reader = new Thread(connection::readFrames, "http2-reader");
        reader.setDaemon(true);
        reader.start();
        return connection;
    }

    /**
     * A connection through the user's warm client (package {@code warm}), whose frames are
     * already being read, making its call with {@code grpc} (which sends the hello); a call the
     * warm client refuses is made again on a connection from {@code direct}.
     */
    static DaemonConnection relayed(Http2Connection http2, GrpcClient grpc, String address, Path identityDir, DaemonConnector direct) {
        return new DaemonConnection(http2, grpc, address, identityDir, direct);
    }

    /**
     * Connects to {@code address} as the identity kept in {@code identityDir}; for TCP the
     * daemon's CA is looked up in {@code rendezvousDirs}.
     */
    static DaemonConnection open(Address address, Path identityDir, List<Path> rendezvousDirs) throws ClientFailure {
        return DaemonDial.open(address, identityDir, rendezvousDirs);
    }

    /** The running HTTP/2 connection, for the warm client to make its calls on. */
    Http2Connection http2() {
        return http2;
    }

    private void readFrames() {
        try {
            http2.run();
        } catch (IOException e) {
            // The call in progress, if any, fails with the connection and says so.
            return;
        }
    }

    /** The daemon's address, as {@code MULTIPASS_SERVER_ADDRESS} spells it. */
    String address() {
        return address;
    }

    /** The certificate file of the identity this connection presents. */
    Path certificateFile() {
        return identityDir.resolve(ClientIdentity.CERT_FILE);
    }

    /**
     * Sends {@code request} as the call of its method, passes log lines to {@code logs} and the
     * records of reply messages to {@code batches} as they arrive; returns the status, its
     * message and, for an error, the record the daemon attached to it.
     */
    Reply call(Request request, Consumer<LogLine> logs, Consumer<List<Map<String, String>>> batches) throws ClientFailure {
        RpcMethod method = RpcMethods.byCommand(request.command());
        ReplyCollector replies = new ReplyCollector(method, logs, batches);
        CallResult result;
        try {
            result = grpc.call(method.path(), method.encodeRequest(request), null, replies::accept);
        } catch (IOException e) {
            if (!http2.isOpen()) {
                // The connection ended under the call: say so as plainly as before gRPC, not in HTTP/2's terms.
                throw new ClientFailure("the daemon closed the connection without replying", null, e);
            }
            throw new ClientFailure("connection to the daemon failed: " + e.getMessage(), null, e);
        }
        if (direct != null && WarmRoute.refused(result)) {
            http2.close();
            try (DaemonConnection connection = direct.connect()) {
                return connection.call(request, logs, batches);
            }
        }
        if (replies.failure != null) {
            throw new ClientFailure("the daemon sent a reply that cannot be read: " + replies.failure.getMessage(), null, replies.failure);
        }
        if (result.status() == Status.UNIMPLEMENTED && method.ours()) {
            throw new ClientFailure("the daemon at '" + address + "' does not offer '" + method.command().replace('-', ' ')
                    + "': it is not a multipass-java daemon (Multipass's own daemon has no such command)", null, null);
        }
        if (result.status() == Status.OK) {
            replies.finish();
            return Reply.ok();
        }
        return new Reply(result.status(), result.message(), recordOf(result.trailers()));
    }

    /** The record an error's trailers carry ({@link RpcMethods#RECORD_METADATA_PREFIX} fields): none or one. */
    private static List<Map<String, String>> recordOf(List<HeaderField> trailers) {
        Map<String, String> record = new LinkedHashMap<>();
        for (HeaderField field : trailers) {
            if (field.name().startsWith(RpcMethods.RECORD_METADATA_PREFIX)) {
                record.put(field.name().substring(RpcMethods.RECORD_METADATA_PREFIX.length()), PercentEncoding.decode(field.value()));
            }
        }
        return record.isEmpty() ? List.of() : List.of(record);
    }

    /** Turns reply messages into log lines and records, keeping Multipass's rule that the last message is the result. */
    private static final class ReplyCollector {
        private final RpcMethod method;
        private final Consumer<LogLine> logs;
        private final Consumer<List<Map<String, String>>> batches;
        private byte[] last;
        private boolean anyRecords;
        private ProtoException failure;

        ReplyCollector(RpcMethod method, Consumer<LogLine> logs, Consumer<List<Map<String, String>>> batches) {
            this.method = method;
            this.logs = logs;
            this.batches = batches;
        }

        void accept(byte[] message) {
            if (failure != null) {
                return;
            }
            last = message;
            try {
                RpcMethod.Decoded decoded = method.decodeReply(message);
                if (decoded.logLine() != null) {
                    logs.accept(new LogLine(LogLevel.ERROR, decoded.logLine()));
                }
                if (!decoded.records().isEmpty()) {
                    anyRecords = true;
                    batches.accept(decoded.records());
                }
            } catch (ProtoException e) {
                failure = e;
            }
        }

        /** An OK call whose messages held no record: the last message is the result, even if empty (a value of ""). */
        void finish() throws ClientFailure {
            if (anyRecords) {
                return;
            }
            try {
                List<Map<String, String>> records = new ArrayList<>(method.resultOf(last));
                if (!records.isEmpty()) {
                    batches.accept(records);
                }
            } catch (ProtoException e) {
                throw new ClientFailure("the daemon sent a reply that cannot be read: " + e.getMessage(), null, e);
            }
        }
    }

    @Override
    public void close() {
        http2.close();
    }
}
