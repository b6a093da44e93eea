// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The daemon's call threads, shared fairly among local users: each user's calls run on the
 * pool at most {@link #PER_USER} at a time, and the rest of that user's wait in a queue of
 * their own (at most {@link #QUEUED_PER_USER}, then refused as busy). A call can hold its
 * thread for a long time: waiting for a peer that does not open its flow-control window, or
 * does not read its socket, until the write deadline. Without a share, one user's few dozen
 * such calls would take every thread and stop the daemon serving anyone else; with it, they
 * only hold back that user's own calls. Peers whose user is unknown (TCP where the kernel
 * names no one) share one lane. Each trusted certificate has a lane of its own, whoever holds
 * it ({@link #forCertificate}: its user need not be looked up), and every connection of a user
 * that was not trusted when it started shares that user's lane of strangers ({@link #forUser}):
 * a peer without a certificate, or a second certificate of the same user, holding calls open
 * cannot starve that user's trusted client either (issue 20, CallStarvationIntegrationTest).
 * Thread-safe.
 */
final class FairCalls {
    private static final System.Logger LOG = System.getLogger(FairCalls.class.getName());
    /** The calls one user may have running at once: a quarter of {@link Daemon#CALL_THREADS}. */
    static final int PER_USER = 8;
    /** The calls one user may have waiting for a thread. */
    static final int QUEUED_PER_USER = 512;
    /** The lane of the peers whose user the kernel did not name. */
    private static final long UNKNOWN = -1;

    /** Whose calls share a lane: a uid and a trusted certificate's bytes, or null for the uid's strangers. */
    private record Party(long uid, ByteBuffer certificate) {
    }

    /** One party's calls: how many run, and those waiting. */
    private static final class Lane {
        int running;
        final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    }

    private final Executor pool;
    private final Map<Party, Lane> lanes = new HashMap<>();

    FairCalls(Executor pool) {
        this.pool = pool;
    }

    /** Where the calls of user {@code uid} (negative: unknown) run. */
    Executor forUser(long uid) {
        return forParty(uid, null);
    }

    /**
     * Where the calls that came with {@code trustedCertificate}, trusted when the connection
     * started, run: its lane, whoever holds it (so that its user need not be looked up).
     */
    Executor forCertificate(byte[] trustedCertificate) {
        return forParty(UNKNOWN, trustedCertificate);
    }

    /**
     * Where the calls of user {@code uid} (negative: unknown) run that came with
     * {@code trustedCertificate}, the certificate trusted when the connection started (null: not
     * trusted then). Each trusted certificate of a user has a lane; the user's other connections
     * share one.
     */
    Executor forParty(long uid, byte[] trustedCertificate) {
        Party key = new Party(uid < 0 ? UNKNOWN : uid, trustedCertificate == null ? null : ByteBuffer.wrap(trustedCertificate.clone()));
        return task -> submit(key, task);
    }

    private synchronized void submit(Party key, Runnable task) {
        Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
        if (lane.running < PER_USER) {
            lane.running++;
            try {
                pool.execute(() -> runThenNext(key, lane, task));
            } catch (RejectedExecutionException e) {
                finished(key, lane);
                throw e;
            }
        } else if (lane.waiting.size() < QUEUED_PER_USER) {
            lane.waiting.add(task);
        } else {
            throw new RejectedExecutionException("user " + key.uid() + " has " + QUEUED_PER_USER + " calls waiting in one lane");
        }
    }

    /** Runs {@code task}, then this user's next waiting call on the same thread, until none waits. */
    private void runThenNext(Party key, Lane lane, Runnable task) {
        Runnable next = task;
        while (next != null) {
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                // Whatever one call did, the next of this party's calls still runs and the lane's count stays right.
                LOG.log(System.Logger.Level.ERROR, "a call failed on its thread: {0}", e.toString());
            }
            next = nextOrFinish(key, lane);
        }
    }

    private synchronized Runnable nextOrFinish(Party key, Lane lane) {
        Runnable next = lane.waiting.poll();
        if (next == null) {
            finished(key, lane);
        }
        return next;
    }

    private void finished(Party key, Lane lane) {
        lane.running--;
        if (lane.running == 0 && lane.waiting.isEmpty()) {
            lanes.remove(key);
        }
    }
}
