// SPDX-License-Identifier: Apache-2.0
package multipass.auth;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A global cap on concurrent passphrase-hash computations. PBKDF2 at 600,000 iterations costs
 * a core for a noticeable fraction of a second, so a flood of {@code authenticate} attempts
 * could otherwise take every core from trusted users. At most {@code concurrent} hashes run;
 * up to {@code queued} more wait their turn; beyond that attempts are refused at once.
 * Thread-safe.
 */
public final class HashGate {
    private static final long MAX_WAIT_SECONDS = 60;

    private final Semaphore running;
    private final int maxQueued;
    private final AtomicInteger queued = new AtomicInteger();

    public HashGate(int concurrent, int maxQueued) {
        this.running = new Semaphore(concurrent, true);
        this.maxQueued = maxQueued;
    }

    /** Something that computes a hash. */
    @FunctionalInterface
    public interface Work<T> {
        T run();
    }

    /** Runs {@code work} within the cap, or throws {@link BusyException} when the queue is full or the wait too long. */
    public <T> T run(Work<T> work) throws BusyException {
        if (!running.tryAcquire()) {
            waitForTurn();
        }
        try {
            return work.run();
        } finally {
            running.release();
        }
    }

    /** Queues for a permit (at most {@code maxQueued} wait); returns holding one. */
    private void waitForTurn() throws BusyException {
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            throw new BusyException();
        }
        try {
            if (!running.tryAcquire(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new BusyException();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusyException();
        } finally {
            queued.decrementAndGet();
        }
    }

    /** Too many passphrase checks are waiting already. */
    public static final class BusyException extends Exception {
        private static final long serialVersionUID = 1L;

        BusyException() {
            super("The daemon is busy checking other passphrases. Try again in a moment.");
        }
    }
}
