// SPDX-License-Identifier: Apache-2.0
package multipass.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The global cap on concurrent passphrase hashing. */
@Timeout(30)
class HashGateTest {
    @Test
    void atMostTheCapRunsAndTheQueueIsBounded() throws Exception {
        HashGate gate = new HashGate(1, 1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Thread holder = new Thread(() -> run(gate, () -> {
            peak.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            running.countDown();
            await(release);
            concurrent.decrementAndGet();
        }));
        holder.start();
        running.await();
        Thread waiter = new Thread(() -> run(gate, () -> peak.accumulateAndGet(concurrent.incrementAndGet(), Math::max)));
        waiter.start();
        while (waiter.getState() != Thread.State.TIMED_WAITING && waiter.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        assertThrows(HashGate.BusyException.class, () -> gate.run(() -> 1), "a third attempt finds the queue full");
        release.countDown();
        holder.join();
        waiter.join();
        assertEquals(1, peak.get(), "never two hashes at once");
        assertEquals(42, gate.run(() -> 42), "free again afterwards");
    }

    private static void run(HashGate gate, Runnable work) {
        try {
            gate.run(() -> {
                work.run();
                return null;
            });
        } catch (HashGate.BusyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
