// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.serve.Peer;
import multipass.util.LogThrottle;

import java.time.Clock;

/**
 * Logs, at error level, each reply the daemon could not send in full, with the command, the
 * user and the cause: a client gone or too slow to read, a record too big for a frame, a
 * failure while the records were read. Any client can make a reply fail (by hanging up), so at
 * most one line per user and command is logged per {@link LogThrottle#INTERVAL}, with the count
 * of those not logged. Thread-safe.
 */
final class ReplyFailures {
    private static final System.Logger LOG = System.getLogger(ReplyFailures.class.getName());

    private final LogThrottle throttle;

    ReplyFailures(Clock clock) {
        this.throttle = new LogThrottle(clock);
    }

    /** Records that the reply to {@code command} for {@code peer} failed because of {@code cause}; true when logged. */
    boolean failed(String command, Peer peer, String cause) {
        String who = peer.knownName();
        int skipped = throttle.occurrence(who + "\u0000" + command);
        if (skipped == LogThrottle.NOT_NOW) {
            return false;
        }
        LOG.log(System.Logger.Level.ERROR, "cannot send the reply to {0} for {1}: {2}{3}", command, who, cause,
                skipped == 0 ? "" : " (" + skipped + " more such failure(s) not logged)");
        return true;
    }
}
