// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.serve.Peer;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's call threads, shared fairly: each party gets a lane of its own, which runs at
 * most {@link #THREADS_PER_LANE} of its calls at once and queues up to {@link #QUEUED_PER_LANE}
 * more. A party is a local user (the kernel's uid; -1 where it names none) together with the
 * trusted certificate its connection presented, or, for every connection of that user that
 * was not trusted when it started, one shared lane of strangers. A call blocked on its peer
 * (a flow-control window kept at zero, or a socket not read until the idle time ends it)
 * holds a thread of its own party's lane only: 1,000 such calls, from strangers or from one
 * trusted certificate, cannot starve anyone else (issue 20). The threads themselves come from
 * one pool that grows as lanes need them and shrinks when idle, so the threads in use are at
 * most {@link #THREADS_PER_LANE} per busy lane, and the lanes are as many as the users that
 * connect times the certificates trusted. Thread-safe.
 */
final class CallLanes {
    private static final System.Logger LOG = System.getLogger(CallLanes.class.getName());
    /** The calls of one party running at once; nearly every command takes well under a millisecond of a thread. */
    static final int THREADS_PER_LANE = 8;
    /** The calls of one party that may wait for one of its threads; past that they are refused as busy. */
    static final int QUEUED_PER_LANE = 4096;
    /** How long an idle call thread is kept. */
    private static final long KEEP_ALIVE_SECONDS = 60;

    /** Who a lane is for: a uid and a trusted certificate's bytes, or null for the user's strangers. */
    private record Party(long uid, ByteBuffer certificate) {
    }

    private final ThreadPoolExecutor threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
            new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "call");
                thread.setDaemon(true);
                return thread;
            });
    private final ConcurrentHashMap<Party, Lane> lanes = new ConcurrentHashMap<>();

    /** The lane of {@code peer}'s calls; {@code trusted}: its certificate was trusted when the connection started. */
    ExecutorService laneOf(Peer peer, boolean trusted) {
        ByteBuffer certificate = trusted && peer.certificate() != null ? ByteBuffer.wrap(peer.certificate().clone()) : null;
        return lanes.computeIfAbsent(new Party(peer.uid(), certificate), party -> new Lane());
    }

    /** Stops every thread; calls not yet started are dropped, and new ones refused (their callers say the daemon is stopping). */
    void shutdownNow() {
        threads.shutdownNow();
    }

    /** One party's calls: at most {@link #THREADS_PER_LANE} at once on the shared threads, the rest in order behind them. */
    private final class Lane extends AbstractExecutorService {
        private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
        private int running;

        @Override
        public void execute(Runnable task) {
            synchronized (this) {
                if (threads.isShutdown()) {
                    throw new RejectedExecutionException("the daemon is stopping");
                }
                if (running >= THREADS_PER_LANE) {
                    if (waiting.size() >= QUEUED_PER_LANE) {
                        throw new RejectedExecutionException(QUEUED_PER_LANE + " calls of one party waiting already");
                    }
                    waiting.add(task);
                    return;
                }
                running++;
            }
            try {
                threads.execute(() -> drain(task));
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    running--;
                }
                throw e;
            }
        }

        /** Runs {@code first}, then whatever waits in this lane, on the thread it was given. */
        private void drain(Runnable first) {
            Runnable task = first;
            while (task != null) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(System.Logger.Level.ERROR, "a call task failed", e);
                }
                synchronized (this) {
                    task = threads.isShutdown() ? null : waiting.poll();
                    if (task == null) {
                        running--;
                    }
                }
            }
        }

        @Override
        public boolean isShutdown() {
            return threads.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return threads.isTerminated();
        }

        @Override
        public void shutdown() {
            throw new UnsupportedOperationException("a lane stops with the daemon's call threads");
        }

        @Override
        public List<Runnable> shutdownNow() {
            throw new UnsupportedOperationException("a lane stops with the daemon's call threads");
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return threads.awaitTermination(timeout, unit);
        }
    }
}
