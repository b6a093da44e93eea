// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.api.Status;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes one connection may hold of requests its calls have not taken yet, across all its
 * streams: DATA queued for a call ({@link CallDispatcher}) and messages not yet complete (a
 * peer that opens many streams and leaves a large message half-sent on each, or sends while
 * its calls wait for a thread, must not grow the daemon's heap past it). Each reserves before
 * it holds and releases when the bytes move on or the call ends. Thread-safe.
 */
final class MemoryBudget {
    /** No cap: the client's reader, whose memory the message limit and the window bound. */
    static final MemoryBudget UNLIMITED = new MemoryBudget(Long.MAX_VALUE);

    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    MemoryBudget(long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("memory budget " + capacity + " is not positive");
        }
        this.capacity = capacity;
    }

    /** Takes {@code bytes} from the budget; false (and nothing taken) when that would pass the cap. */
    boolean reserve(long bytes) {
        long now;
        do {
            now = used.get();
            if (bytes > capacity - now) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    /** Gives back {@code bytes} taken with {@link #reserve}. */
    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** The refusal of a stream whose bytes would pass the cap (queued DATA is of messages not yet assembled). */
    GrpcException exhausted() {
        return new GrpcException(Status.RESOURCE_EXHAUSTED, "the connection holds more than " + capacity
                + " bytes of incomplete messages");
    }

    /** The bytes reserved now. */
    long used() {
        return used.get();
    }

    /** The cap. */
    long capacity() {
        return capacity;
    }
}
