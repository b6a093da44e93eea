// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Thins out a log line that an outsider can make the daemon repeat at will, such as a refusal:
 * of the occurrences of one key, at most one per {@link #INTERVAL} is logged, and it carries the
 * count of those skipped since. So a flood neither fills the disk nor pushes the audit trail out
 * of a rate-limited journal. Tracks at most {@link #MAX_TRACKED} keys, then starts afresh.
 * Thread-safe.
 */
public final class LogThrottle {
    /** What {@link #occurrence} returns for an occurrence not to be logged. */
    public static final int NOT_NOW = -1;
    static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_TRACKED = 10_000;

    private final Clock clock;
    private final Map<String, Instant> lastLogged = new HashMap<>();
    private final Map<String, Integer> skipped = new HashMap<>();

    public LogThrottle(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records one occurrence of {@code key}: {@link #NOT_NOW} when it is not to be logged,
     * otherwise how many occurrences were skipped since the last one logged.
     */
    public synchronized int occurrence(String key) {
        Instant now = clock.instant();
        Instant last = lastLogged.get(key);
        if (last != null && now.isBefore(last.plus(INTERVAL))) {
            skipped.merge(key, 1, Integer::sum);
            return NOT_NOW;
        }
        if (lastLogged.size() >= MAX_TRACKED) {
            lastLogged.clear();
            skipped.clear();
        }
        lastLogged.put(key, now);
        Integer count = skipped.remove(key);
        return count == null ? 0 : count;
    }
}
