// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.http2.ErrorCode;
import multipass.http2.Http2Stream;
import multipass.http2.StreamListener;
import multipass.api.Status;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Carries one server call's events from the connection's reader thread to its
 * {@link MessageListener} on the executor: the reader thread copies each DATA payload into a
 * queue and returns; one drain at a time (per call) starts the handler, assembles the
 * Length-Prefixed-Messages of grpc's doc/PROTOCOL-HTTP2.md and delivers each as soon as it is
 * complete, without waiting for END_STREAM. Received bytes are returned to flow control as the
 * drain takes them into a message buffer or discards them, so a slow listener backs the
 * client off through the stream's window. Queued DATA, like incomplete messages, counts against
 * the connection's {@link MemoryBudget} (the windows alone would let a connection of strangers
 * queue megabytes while the calls wait for a thread): a chunk past it is returned to flow
 * control unread and the call ends RESOURCE_EXHAUSTED, as for a message past it.
 */
final class CallDispatcher implements StreamListener, Runnable {
    private static final System.Logger LOG = System.getLogger(CallDispatcher.class.getName());

    /** A queued event that is not DATA: the client's END_STREAM, or a cancellation and its reason. */
    private record Signal(Status cancelReason) {
    }

    private static final Signal HALF_CLOSE = new Signal(null);
    /** Queued DATA passed the connection's budget: the call ends RESOURCE_EXHAUSTED. */
    private static final Signal OVER_BUDGET = new Signal(null);

    private final Http2Stream stream;
    private final ServerCall call;
    private final CallHandler handler;
    private final Executor executor;
    private final MessageReader reader;
    private final MemoryBudget budget;
    private final Queue<Object> events = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Reader thread only: a chunk was refused by the budget, so the rest of the stream is discarded. */
    private boolean overBudget;
    private boolean started;
    private MessageListener listener;

    /** {@code budget}: the connection's, which {@code reader} reserves from too. */
    CallDispatcher(Http2Stream stream, ServerCall call, CallHandler handler, Executor executor, MessageReader reader,
                   MemoryBudget budget) {
        this.stream = stream;
        this.call = call;
        this.handler = handler;
        this.executor = executor;
        this.reader = reader;
        this.budget = budget;
    }

    /** Queues the handler's start, and the half-close when the request headers ended the stream. */
    void start(boolean endStream) {
        if (endStream) {
            call.clientDone();
            events.add(HALF_CLOSE);
        }
        schedule();
    }

    @Override
    public void onData(ByteBuffer data, boolean endStream) {
        if (endStream) {
            call.clientDone();
        }
        if (call.isFinished() || overBudget) {
            stream.consumed(data.remaining());
        } else if (!budget.reserve(data.remaining())) {
            overBudget = true;
            stream.consumed(data.remaining());
            events.add(OVER_BUDGET);
        } else if (data.hasRemaining()) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            events.add(copy);
        }
        if (endStream) {
            events.add(HALF_CLOSE);
        }
        schedule();
    }

    @Override
    public void onHeaders(List<HeaderField> fields, boolean endStream) {
        if (endStream) { // request trailers: gRPC sends none, but they end the client's side
            call.clientDone();
            events.add(HALF_CLOSE);
            schedule();
        }
    }

    @Override
    public void onReset(ErrorCode code) {
        cancelled(Status.CANCELLED);
    }

    /** The call was cancelled (peer reset, connection lost) or its deadline passed: tell the listener. */
    void cancelled(Status reason) {
        boolean first = reason == Status.DEADLINE_EXCEEDED ? call.expire() : call.cancel();
        if (first) {
            events.add(new Signal(reason));
            schedule();
        }
    }

    private void schedule() {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this);
        } catch (RejectedExecutionException e) {
            boolean stopping = executor instanceof ExecutorService service && service.isShutdown();
            call.close(stopping ? Status.UNAVAILABLE : Status.RESOURCE_EXHAUSTED, stopping ? "the daemon is stopping" : "the daemon is busy");
            discardAll();
            scheduled.set(false);
        }
    }

    /** The drain: handles every queued event, then lets the next event schedule another drain. */
    @Override
    public void run() {
        do {
            if (!started) {
                started = true;
                startHandler();
            }
            for (Object event = events.poll(); event != null; event = events.poll()) {
                handle(event);
            }
            if (call.isFinished()) {
                reader.release(); // closed from another thread in the middle of a message
            }
            scheduled.set(false);
        } while (!events.isEmpty() && scheduled.compareAndSet(false, true));
    }

    private void startHandler() {
        if (call.isFinished()) {
            return;
        }
        try {
            listener = handler.start(call.path(), call);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        if (listener == null) {
            call.close(Status.UNIMPLEMENTED, "Method not found: " + call.path());
        }
    }

    private void handle(Object event) {
        if (event instanceof byte[] chunk) {
            budget.release(chunk.length); // the reader reserves what it keeps of it
            deliver(ByteBuffer.wrap(chunk));
            return;
        }
        try {
            signal((Signal) event);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** The half-close or a cancellation, for the listener. */
    private void signal(Signal event) {
        if (event == OVER_BUDGET) {
            reader.release();
            GrpcException exhausted = budget.exhausted();
            call.close(exhausted.status(), exhausted.getMessage());
        } else if (event.cancelReason() != null) {
            reader.release();
            if (listener != null) {
                listener.onCancel(event.cancelReason());
            }
        } else if (!call.isFinished()) {
            if (reader.midMessage()) {
                call.close(Status.INTERNAL, "the client ended the stream in the middle of a message");
            } else {
                listener.onHalfClose();
            }
        }
    }

    /** Assembles and delivers the messages in {@code chunk}, returning its bytes to flow control as they are taken. */
    private void deliver(ByteBuffer chunk) {
        try {
            while (chunk.hasRemaining() && !call.isFinished()) {
                int before = chunk.position();
                byte[] message = reader.read(chunk);
                stream.consumed(chunk.position() - before);
                if (message != null) {
                    listener.onMessage(message);
                }
            }
        } catch (GrpcException e) {
            reader.release();
            call.close(e.status(), e.getMessage());
        } catch (RuntimeException e) {
            fail(e);
        }
        if (chunk.hasRemaining()) {
            stream.consumed(chunk.remaining());
        }
    }

    private void fail(RuntimeException e) {
        LOG.log(Level.WARNING, "call " + call.path() + " failed", e);
        reader.release();
        call.close(Status.INTERNAL, "the server failed: " + e.getClass().getSimpleName());
    }

    /** Returns every queued byte to flow control: nothing will run to take them. */
    private void discardAll() {
        for (Object event = events.poll(); event != null; event = events.poll()) {
            if (event instanceof byte[] chunk) {
                budget.release(chunk.length);
                stream.consumed(chunk.length);
            }
        }
        reader.release();
    }
}
