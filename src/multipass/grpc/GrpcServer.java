// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.http2.Http2Connection;
import multipass.http2.Http2Stream;
import multipass.http2.StreamListener;
import multipass.api.Status;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server side of gRPC over one HTTP/2 connection (grpc's doc/PROTOCOL-HTTP2.md): checks
 * each stream's Request-Headers (POST, a gRPC content-type, {@code /<service>/<method>}, an
 * encoding we speak, a well-formed {@code grpc-timeout}), answers a request that fails them
 * with Trailers-Only, and hands the others to the {@link CallHandler} through a
 * {@link CallDispatcher}. Arms each call's deadline on the timer. One per connection: the
 * {@link GrpcLimits#maxBuffered()} budget is the connection's. {@link #accept} runs on the
 * reader thread and does not block.
 */
public final class GrpcServer implements Http2Connection.Acceptor {
    /** The HTTP status for a request that is not POST. */
    static final int HTTP_METHOD_NOT_ALLOWED = 405;
    /** The HTTP status for a content-type that is not gRPC, as the spec asks. */
    static final int HTTP_UNSUPPORTED_MEDIA_TYPE = 415;

    /** The listener of a stream already answered: its data is returned to flow control unread. */
    private static final class Discard implements StreamListener {
        private final Http2Stream stream;

        Discard(Http2Stream stream) {
            this.stream = stream;
        }

        @Override
        public void onData(ByteBuffer data, boolean endStream) {
            stream.consumed(data.remaining());
        }
    }

    private final CallHandler handler;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final GrpcLimits limits;
    private final MemoryBudget budget;

    /** A server with {@link GrpcLimits#DEFAULTS}. */
    public GrpcServer(CallHandler handler, Executor executor, ScheduledExecutorService timer) {
        this(handler, executor, timer, GrpcLimits.DEFAULTS);
    }

    /**
     * @param handler  starts each call
     * @param executor runs the handler and the listeners (a rejected task fails the call:
     *                 UNAVAILABLE when the executor is shut down, else RESOURCE_EXHAUSTED)
     * @param timer    runs the deadlines
     * @param limits   the message limit and the connection's buffer budget
     */
    public GrpcServer(CallHandler handler, Executor executor, ScheduledExecutorService timer, GrpcLimits limits) {
        this.handler = handler;
        this.executor = executor;
        this.timer = timer;
        this.limits = limits;
        this.budget = new MemoryBudget(limits.maxBuffered());
    }

    /** The bytes the connection's budget holds now: queued DATA and incomplete messages. */
    long buffered() {
        return budget.used();
    }

    @Override
    public StreamListener accept(Http2Stream stream, List<HeaderField> requestHeaders, boolean endStream) {
        Refusal refusal = Refusal.of(requestHeaders);
        Duration timeout = null;
        String timeoutValue = GrpcHeaders.get(requestHeaders, GrpcTimeout.HEADER);
        if (refusal == null && timeoutValue != null) {
            try {
                timeout = GrpcTimeout.parse(timeoutValue);
            } catch (GrpcException e) {
                refusal = new Refusal(200, e.status(), e.getMessage(), List.of());
            }
        }
        if (refusal != null) {
            refusal.send(stream, endStream);
            return new Discard(stream);
        }
        return start(stream, requestHeaders, endStream, timeout);
    }

    private StreamListener start(Http2Stream stream, List<HeaderField> requestHeaders, boolean endStream, Duration timeout) {
        String path = GrpcHeaders.get(requestHeaders, ":path");
        Instant deadline = timeout == null ? null : Instant.now().plus(timeout);
        Deadline timing = new Deadline();
        MessageReader reader = new MessageReader(limits.maxReceiveMessage(), budget);
        ServerCall call = new ServerCall(stream, path, requestHeaders, deadline, timing::cancel);
        CallDispatcher dispatcher = new CallDispatcher(stream, call, handler, executor, reader, budget);
        if (timeout != null) {
            try {
                timing.set(timer.schedule(() -> dispatcher.cancelled(Status.DEADLINE_EXCEEDED),
                        GrpcTimeout.saturatedNanos(timeout), TimeUnit.NANOSECONDS));
            } catch (RejectedExecutionException e) {
                new Refusal(200, Status.UNAVAILABLE, "the daemon is stopping", List.of()).send(stream, endStream);
                return new Discard(stream);
            }
        }
        dispatcher.start(endStream);
        return dispatcher;
    }

    /** A call's deadline task, cancelled when the call ends first (the call may end before it is set). */
    private static final class Deadline {
        private ScheduledFuture<?> task;
        private boolean over;

        synchronized void set(ScheduledFuture<?> scheduled) {
            task = scheduled;
            if (over) {
                task.cancel(false);
            }
        }

        synchronized void cancel() {
            over = true;
            if (task != null) {
                task.cancel(false);
            }
        }
    }
}
