// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.serve.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CallLanes}: a party whose calls all block holds its own lane's threads only; another
 * party, and the same user with another trusted certificate, still runs at once; the blocked
 * party's further calls wait in order and run when a thread comes free; past the queue they
 * are refused; a stopped pool refuses everything and says so.
 */
class CallLanesTest {
    private static final Peer.Credentials ALICE = new Peer.Credentials("alice", 1000, Peer.Source.UNIX_SOCKET);
    private final CallLanes lanes = new CallLanes();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        lanes.shutdownNow();
    }

    private Runnable blocked(CountDownLatch started) {
        return () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Test
    @Timeout(10)
    void aPartyWhoseCallsAllBlockStarvesOnlyItself() throws Exception {
        ExecutorService strangers = lanes.laneOf(new Peer(new byte[] {1}, ALICE), false);
        assertSame(strangers, lanes.laneOf(new Peer(null, ALICE), false), "every untrusted connection of a user shares one lane");
        ExecutorService trusted = lanes.laneOf(new Peer(new byte[] {2}, ALICE), true);
        ExecutorService otherTrusted = lanes.laneOf(new Peer(new byte[] {3}, ALICE), true);
        assertNotSame(trusted, otherTrusted, "each trusted certificate has a lane");
        assertNotSame(strangers, trusted);

        CountDownLatch started = new CountDownLatch(CallLanes.THREADS_PER_LANE);
        for (int i = 0; i < CallLanes.THREADS_PER_LANE; i++) {
            strangers.execute(blocked(started));
        }
        assertTrue(started.await(5, TimeUnit.SECONDS), "the lane's threads all run");
        CountDownLatch queued = new CountDownLatch(1);
        strangers.execute(queued::countDown);
        assertFalse(queued.await(200, TimeUnit.MILLISECONDS), "one more waits for a thread of its lane");

        CountDownLatch served = new CountDownLatch(2);
        trusted.execute(served::countDown);
        otherTrusted.execute(served::countDown);
        assertTrue(served.await(5, TimeUnit.SECONDS), "other parties run at once");

        release.countDown();
        assertTrue(queued.await(5, TimeUnit.SECONDS), "the waiting call runs once a thread of its lane is free");
    }

    @Test
    @Timeout(10)
    void pastItsQueueALaneRefusesAndAStoppedPoolSaysItIsStopping() throws Exception {
        ExecutorService lane = lanes.laneOf(new Peer(null, ALICE), false);
        CountDownLatch started = new CountDownLatch(CallLanes.THREADS_PER_LANE);
        for (int i = 0; i < CallLanes.THREADS_PER_LANE; i++) {
            lane.execute(blocked(started));
        }
        assertTrue(started.await(5, TimeUnit.SECONDS));
        for (int i = 0; i < CallLanes.QUEUED_PER_LANE; i++) {
            lane.execute(() -> { });
        }
        assertThrows(RejectedExecutionException.class, () -> lane.execute(() -> { }), "past the queue: busy");
        assertFalse(lane.isShutdown());
        lanes.shutdownNow();
        assertTrue(lane.isShutdown(), "the lane reports the pool stopped, so that calls are refused as 'stopping'");
        assertThrows(RejectedExecutionException.class, () -> lane.execute(() -> { }));
    }
}
