// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.trust.TrustEntry;
import multipass.util.LogThrottle;

import java.time.Clock;

/**
 * Logs refusals of untrusted certificates at info level, at most once per certificate per
 * {@link LogThrottle#INTERVAL}, with a count of the refusals not logged since, so a client
 * stuck in a loop cannot flood the log. Thread-safe.
 */
public final class RefusalAudit {
    private static final System.Logger LOG = System.getLogger(RefusalAudit.class.getName());

    private final LogThrottle throttle;

    public RefusalAudit(Clock clock) {
        this.throttle = new LogThrottle(clock);
    }

    /** Records that {@code command} from {@code peer} was refused; true when the line was logged. */
    boolean refused(String command, Peer peer) {
        String fingerprint = peer.certificate() == null ? "none" : TrustEntry.fingerprint(peer.certificate());
        int skipped = throttle.occurrence(fingerprint);
        if (skipped == LogThrottle.NOT_NOW) {
            return false;
        }
        LOG.log(System.Logger.Level.INFO, "refused {0} from untrusted certificate {1} of user {2} (uid {3}){4}", command, fingerprint,
                peer.userName(), peer.uid(), skipped == 0 ? "" : " (" + skipped + " more refusal(s) not logged)");
        return true;
    }
}
