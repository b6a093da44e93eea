// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One user's (or one party's) calls that block take at most their share of the pool; another's still run. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FairCallsTest {
    @Test
    void aUserWhoseCallsAllBlockLeavesThreadsForOthers() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(FairCalls.PER_USER + 2);
        try {
            FairCalls calls = new FairCalls(pool);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger ran = new AtomicInteger();
            for (int i = 0; i < FairCalls.PER_USER * 3; i++) {
                calls.forUser(1000).execute(() -> {
                    running.incrementAndGet();
                    await(release);
                    ran.incrementAndGet();
                });
            }
            CountDownLatch other = new CountDownLatch(1);
            calls.forUser(1001).execute(other::countDown);
            assertTrue(other.await(10, TimeUnit.SECONDS), "another user's call ran while the first user's blocked");
            Thread.sleep(100);
            assertEquals(FairCalls.PER_USER, running.get(), "the blocked user runs at most its share at once");
            release.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            assertEquals(FairCalls.PER_USER * 3, ran.get(), "every waiting call ran in the end");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pastItsQueueAUsersCallIsRefused() {
        ExecutorService pool = Executors.newFixedThreadPool(FairCalls.PER_USER);
        CountDownLatch release = new CountDownLatch(1);
        try {
            FairCalls calls = new FairCalls(pool);
            for (int i = 0; i < FairCalls.PER_USER + FairCalls.QUEUED_PER_USER; i++) {
                calls.forUser(-5).execute(() -> await(release));
            }
            assertThrows(RejectedExecutionException.class, () -> calls.forUser(-1).execute(() -> { }),
                    "the peers whose user is unknown share one lane");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void withinAUserEachTrustedCertificateAndTheStrangersHaveTheirOwnLane() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(FairCalls.PER_USER * 2 + 2);
        CountDownLatch release = new CountDownLatch(1);
        try {
            FairCalls calls = new FairCalls(pool);
            AtomicInteger running = new AtomicInteger();
            for (int i = 0; i < FairCalls.PER_USER * 2; i++) {
                calls.forParty(0, null).execute(() -> { // root's strangers
                    running.incrementAndGet();
                    await(release);
                });
                calls.forParty(0, new byte[] {1}).execute(() -> { // root with one trusted certificate
                    running.incrementAndGet();
                    await(release);
                });
            }
            CountDownLatch other = new CountDownLatch(2);
            calls.forParty(0, new byte[] {2}).execute(other::countDown); // the same user, another trusted certificate
            calls.forParty(0, new byte[] {2}.clone()).execute(other::countDown);
            assertTrue(other.await(10, TimeUnit.SECONDS), "another certificate of the same user runs while two lanes block");
            Thread.sleep(100);
            assertEquals(FairCalls.PER_USER * 2, running.get(), "each blocked lane runs at most its share");
        } finally {
            release.countDown();
            pool.shutdownNow();
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
