// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The daemon's deadline watchdog: a session schedules a deadline for its handshake, for each
 * request and for each frame it sends, and cancels nearly all of them. Cancelled deadlines must
 * not stay queued for their whole delay (120 s by default), or the queue, and the memory it
 * holds, would grow with the request rate.
 */
class WatchdogTest {
    @Test
    @Timeout(30)
    void cancelledDeadlinesLeaveTheQueueAtOnce() {
        ScheduledExecutorService watchdog = Daemon.newWatchdog();
        try {
            for (int i = 0; i < 10_000; i++) {
                ScheduledFuture<?> deadline = watchdog.schedule(() -> { }, 120, TimeUnit.SECONDS);
                deadline.cancel(false);
            }
            assertEquals(0, ((ScheduledThreadPoolExecutor) watchdog).getQueue().size(), "cancelled deadlines still queued");
        } finally {
            watchdog.shutdownNow();
        }
    }
}
