package multipass.daemon;

import multipass.auth.Peer;
import multipass.trust.TrustEntry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Logs refusals of untrusted certificates at info level, at most once per certificate per
 * {@link #INTERVAL}, with a count of the refusals not logged since, so a client stuck in a
 * loop cannot flood the log. Thread-safe.
 */
final class RefusalAudit {
    static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_TRACKED = 10_000;
    private static final System.Logger LOG = System.getLogger(RefusalAudit.class.getName());

    private final Clock clock;
    private final Map<String, Instant> lastLogged = new HashMap<>();
    private final Map<String, Integer> suppressed = new HashMap<>();

    RefusalAudit(Clock clock) {
        this.clock = clock;
    }

    /** Records that {@code command} from {@code peer} was refused; true when the line was logged. */
    synchronized boolean refused(String command, Peer peer) {
        String fingerprint = peer.certificate() == null ? "none" : TrustEntry.fingerprint(peer.certificate());
        Instant now = clock.instant();
        Instant last = lastLogged.get(fingerprint);
        if (last != null && now.isBefore(last.plus(INTERVAL))) {
            suppressed.merge(fingerprint, 1, Integer::sum);
            return false;
        }
        if (lastLogged.size() >= MAX_TRACKED) {
            lastLogged.clear();
            suppressed.clear();
        }
        lastLogged.put(fingerprint, now);
        Integer skipped = suppressed.remove(fingerprint);
        LOG.log(System.Logger.Level.INFO, "refused {0} from untrusted certificate {1} of user {2} (uid {3}){4}", command, fingerprint,
                peer.userName(), peer.uid(), skipped == null ? "" : " (" + skipped + " more refusal(s) not logged)");
        return true;
    }
}
