// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.http2.ErrorCode;
import multipass.http2.Http2Connection;
import multipass.http2.Http2Stream;
import multipass.http2.StreamListener;
import multipass.api.Status;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One client call on its own stream (grpc's doc/PROTOCOL-HTTP2.md): sends Request-Headers
 * and Length-Prefixed-Messages, and receives the response. The connection's reader thread
 * only queues what arrives (a copy of each DATA payload, unconsumed); the caller's thread
 * assembles the messages and returns their bytes to flow control as it takes them, so the
 * stream's window bounds what waits for a slow caller. Sending is thread-safe; receiving is
 * for one thread, the caller's.
 */
final class ClientCall implements StreamListener {
    /** Queued: a header block. */
    private record Headers(List<HeaderField> fields, boolean endStream) {
    }

    /** Queued: the stream ended abnormally; {@code connectionOpen} tells a reset stream from a lost connection. */
    private record Reset(ErrorCode code, boolean connectionOpen) {
    }

    /** Queued: END_STREAM on a DATA frame (a response without trailers). */
    private static final Object END = new Object();

    private final Http2Connection connection;
    private final MessageReader reader;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private volatile Http2Stream stream;
    private volatile boolean done;
    private List<HeaderField> responseHeaders;

    private ClientCall(Http2Connection connection, int maxReceiveMessage) {
        this.connection = connection;
        this.reader = new MessageReader(maxReceiveMessage, MemoryBudget.UNLIMITED);
    }

    /** Opens a stream with {@code requestHeaders}; blocks while the server's concurrent-stream limit is reached. */
    static ClientCall start(Http2Connection connection, List<HeaderField> requestHeaders, int maxReceiveMessage) throws IOException {
        ClientCall call = new ClientCall(connection, maxReceiveMessage);
        call.stream = connection.openStream(requestHeaders, false, call);
        return call;
    }

    /** Sends one request message; {@code last} ends our side of the stream with it. */
    void sendMessage(byte[] message, boolean last) throws IOException {
        stream.writeData(MessageFraming.frame(message), last);
    }

    /** Ends our side of the stream without a message. */
    void halfClose() throws IOException {
        stream.writeData(ByteBuffer.allocate(0), true);
    }

    /**
     * Hands each reply message to {@code sink} and returns the status.
     *
     * @param deadline the {@link System#nanoTime()} at which the call is abandoned with
     *                 DEADLINE_EXCEEDED (and the stream reset), or null for none
     * @throws IOException the connection failed before the status came, the sink threw, or the thread was interrupted
     */
    CallResult receive(ReplySink sink, Long deadline) throws IOException {
        try {
            CallResult result = null;
            while (result == null) {
                Object event = next(deadline);
                result = event == null ? expired() : handle(event, sink);
            }
            return result;
        } catch (IOException | RuntimeException e) {
            cancel();
            throw e;
        } finally {
            finish();
        }
    }

    /** Resets the stream (CANCEL) unless it is over; what is queued is returned to flow control. */
    void cancel() {
        if (!done) {
            stream.reset(ErrorCode.CANCEL);
            finish();
        }
    }

    private Object next(Long deadline) throws InterruptedIOException {
        try {
            if (deadline == null) {
                return events.take();
            }
            long left = deadline - System.nanoTime();
            return left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS); // checked even while replies keep coming
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the reply of a call");
        }
    }

    private CallResult expired() {
        cancel();
        return CallResult.local(Status.DEADLINE_EXCEEDED, "deadline exceeded");
    }

    /** One event: the status when it ends the call, null when more is to come. */
    private CallResult handle(Object event, ReplySink sink) throws IOException {
        if (event instanceof byte[] chunk) {
            return responseHeaders == null ? abandon(Status.INTERNAL, "the server sent DATA before its response headers")
                    : deliver(ByteBuffer.wrap(chunk), sink);
        }
        if (event instanceof Headers headers) {
            return onResponseBlock(headers);
        }
        if (event instanceof Reset reset) {
            if (reset.code() == ErrorCode.REFUSED_STREAM) { // whether the connection stays or goes away
                return CallResult.refused();
            }
            if (!reset.connectionOpen()) {
                throw new IOException("the connection ended before the call's status (" + reset.code() + ")");
            }
            return CallResult.local(StatusCodes.fromReset(reset.code()), "the server reset the stream (" + reset.code() + ")");
        }
        return CallResult.local(Status.INTERNAL, "the server ended the stream without trailers");
    }

    private CallResult onResponseBlock(Headers headers) {
        if (responseHeaders == null && !headers.endStream()) {
            responseHeaders = headers.fields();
            CallResult notGrpc = ResponseStatus.notGrpc(headers.fields());
            return notGrpc == null ? null : abandon(notGrpc.status(), notGrpc.message());
        }
        if (!headers.endStream()) {
            return abandon(Status.INTERNAL, "the server sent trailers that do not end the stream");
        }
        CallResult result = ResponseStatus.fromTrailers(responseHeaders, headers.fields());
        if (result.isOk() && reader.midMessage()) {
            return CallResult.local(Status.INTERNAL, "the server ended the stream in the middle of a message");
        }
        return result;
    }

    /** Assembles the messages in {@code chunk}, returning its bytes to flow control as they are taken. */
    private CallResult deliver(ByteBuffer chunk, ReplySink sink) throws IOException {
        try {
            while (chunk.hasRemaining()) {
                int before = chunk.position();
                byte[] message = reader.read(chunk);
                stream.consumed(chunk.position() - before);
                if (message != null) {
                    sink.accept(message);
                }
            }
            return null;
        } catch (GrpcException e) {
            stream.consumed(chunk.remaining());
            // doc/compression.md: a client that cannot decompress a message reports INTERNAL.
            return abandon(e.status() == Status.UNIMPLEMENTED ? Status.INTERNAL : e.status(), e.getMessage());
        }
    }

    private CallResult abandon(Status status, String message) {
        cancel();
        return CallResult.local(status, message);
    }

    /** The call is over: later events are returned to flow control as they come. */
    private void finish() {
        done = true;
        for (Object event = events.poll(); event != null; event = events.poll()) {
            if (event instanceof byte[] chunk) {
                stream.consumed(chunk.length);
            }
        }
    }

    @Override
    public void onHeaders(List<HeaderField> fields, boolean endStream) {
        events.add(new Headers(fields, endStream));
    }

    @Override
    public void onData(ByteBuffer data, boolean endStream) {
        if (done) {
            stream.consumed(data.remaining());
        } else if (data.hasRemaining()) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            events.add(copy);
            if (done) { // finished while we copied: finish() may have missed it
                finish();
            }
        }
        if (endStream) {
            events.add(END);
        }
    }

    @Override
    public void onReset(ErrorCode code) {
        events.add(new Reset(code, connection.isOpen()));
    }
}
