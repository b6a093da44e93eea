// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes one connection may hold in messages not yet complete, across all its streams
 * (a peer that opens many streams and leaves a large message half-sent on each must not grow
 * the daemon's heap without bound). A {@link MessageReader} reserves before it buffers and
 * releases when the message is complete or the call ends. Thread-safe.
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

    /** The bytes reserved now. */
    long used() {
        return used.get();
    }

    /** The cap. */
    long capacity() {
        return capacity;
    }
}
