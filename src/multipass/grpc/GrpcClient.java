// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.http2.Http2Connection;
import multipass.http2.StreamRefusedException;
import multipass.api.BuildInfo;
import multipass.api.Status;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of gRPC over one HTTP/2 connection (grpc's doc/PROTOCOL-HTTP2.md), which
 * some other thread runs ({@link Http2Connection#run()}). Each {@link #call} is a stream of its
 * own, blocking on the caller's thread; calls from several threads run at once. Thread-safe.
 */
public final class GrpcClient {
    /** The default largest reply message: 4 MiB, as grpc's own clients. */
    public static final int MAX_RECEIVE_MESSAGE = GrpcLimits.MAX_RECEIVE_MESSAGE;
    /** User-Agent, in the spec's form {@code grpc-<language>-<variant>/<version>}. */
    public static final String USER_AGENT = "grpc-java-multipass/" + BuildInfo.VERSION;

    private final Http2Connection connection;
    private final String authority;
    private final int maxReceiveMessage;
    private final List<HeaderField> metadata;

    /** A client for {@code authority} (e.g. {@code localhost}) with the 4 MiB reply limit. */
    public GrpcClient(Http2Connection connection, String authority) {
        this(connection, authority, MAX_RECEIVE_MESSAGE, List.of());
    }

    /** A client that sends {@code metadata} (Custom-Metadata) with each of its calls, with the 4 MiB reply limit. */
    public GrpcClient(Http2Connection connection, String authority, List<HeaderField> metadata) {
        this(connection, authority, MAX_RECEIVE_MESSAGE, metadata);
    }

    /** A client whose calls accept reply messages up to {@code maxReceiveMessage} bytes. */
    public GrpcClient(Http2Connection connection, String authority, int maxReceiveMessage) {
        this(connection, authority, maxReceiveMessage, List.of());
    }

    private GrpcClient(Http2Connection connection, String authority, int maxReceiveMessage, List<HeaderField> metadata) {
        if (maxReceiveMessage < 0) {
            throw new IllegalArgumentException("negative message limit " + maxReceiveMessage);
        }
        for (HeaderField field : metadata) {
            GrpcHeaders.checkMetadata(field);
        }
        this.connection = connection;
        this.authority = authority;
        this.maxReceiveMessage = maxReceiveMessage;
        this.metadata = List.copyOf(metadata);
    }

    /**
     * Calls {@code path} ({@code /<service>/<method>}) with one request message, ending our
     * side with it, and hands each reply message to {@code sink} on this thread, in order.
     * With a timeout, the server is told (grpc-timeout) and the call is abandoned here with
     * DEADLINE_EXCEEDED when it passes. A reply over the limit ends the call with
     * RESOURCE_EXHAUSTED (the stream is reset). A call the server refused unprocessed, also
     * by a GOAWAY, ends UNAVAILABLE with {@link CallResult#REFUSED}'s message: it may be retried.
     *
     * @throws IOException the connection failed before the status came, the sink threw, or the thread was interrupted
     */
    public CallResult call(String path, byte[] request, Duration timeoutOrNull, ReplySink sink) throws IOException {
        if (timeoutOrNull != null && (timeoutOrNull.isNegative() || timeoutOrNull.isZero())) {
            return CallResult.local(Status.DEADLINE_EXCEEDED, "deadline exceeded before the call started");
        }
        Long deadline = timeoutOrNull == null ? null : System.nanoTime() + GrpcTimeout.saturatedNanos(timeoutOrNull);
        ClientCall call = ClientCall.start(connection, requestHeaders(path, timeoutOrNull), maxReceiveMessage);
        try {
            call.sendMessage(request, true);
        } catch (IOException e) {
            if (!connection.isOpen() && !(e instanceof StreamRefusedException)) {
                call.cancel();
                throw e;
            }
            // The server answered and reset the stream before taking the request (a refusal
            // sends Trailers-Only, then RST_STREAM NO_ERROR), or refused the stream unprocessed
            // (REFUSED_STREAM, or a GOAWAY below it): what it said is in the queue.
        }
        return call.receive(sink, deadline);
    }

    /** Request-Headers: the Call-Definition of the spec, in its order, then the client's Custom-Metadata. */
    List<HeaderField> requestHeaders(String path, Duration timeoutOrNull) {
        List<HeaderField> headers = new ArrayList<>(10 + metadata.size());
        headers.add(new HeaderField(":method", "POST"));
        headers.add(new HeaderField(":scheme", "https"));
        headers.add(new HeaderField(":path", path));
        headers.add(new HeaderField(":authority", authority));
        headers.add(new HeaderField("te", "trailers"));
        if (timeoutOrNull != null) {
            headers.add(new HeaderField(GrpcTimeout.HEADER, GrpcTimeout.format(timeoutOrNull)));
        }
        headers.add(new HeaderField(GrpcHeaders.CONTENT_TYPE, GrpcHeaders.GRPC_CONTENT_TYPE));
        headers.add(new HeaderField(GrpcHeaders.ACCEPT_ENCODING, GrpcHeaders.IDENTITY));
        headers.add(new HeaderField("user-agent", USER_AGENT));
        headers.addAll(metadata);
        return headers;
    }
}
