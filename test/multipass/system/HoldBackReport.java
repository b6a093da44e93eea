// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tells what a series of {@code authenticate} attempts by one user took, for the report of the
 * hold-back measurement: each attempt's wall-clock time as the client saw it (a cold JVM
 * included), and the time between the daemon's verdicts (from its log), next to the hold-back
 * the default limits prescribe (1 s after the first failure, doubling). A verdict comes at
 * the earliest when the hold-back has passed since the previous one, plus the PBKDF2 check;
 * when the client's own start-up takes longer than the hold-back, the hold-back is hidden in it.
 */
final class HoldBackReport {
    private HoldBackReport() {
    }

    /**
     * @param millis      each attempt's wall-clock time; all but the last were wrong, the last right
     * @param log         the daemon's log, holding a "failed authentication" line per wrong
     *                    attempt and a "trusted client certificate" line for the right one
     */
    static String describe(List<Long> millis, DaemonLog log, String user, String fingerprint) {
        List<Instant> verdicts = new ArrayList<>();
        log.with("failed authentication by " + user + " ").forEach(line -> verdicts.add(DaemonLog.time(line)));
        log.with("trusted client certificate " + fingerprint).forEach(line -> verdicts.add(DaemonLog.time(line)));
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-9s %-7s %12s %22s %10s%n",
                "attempt", "given", "client (s)", "daemon, since prev (s)", "due (s)"));
        for (int i = 0; i < millis.size(); i++) {
            String sincePrevious = i > 0 && i < verdicts.size()
                    ? String.format(Locale.ROOT, "%.2f", Duration.between(verdicts.get(i - 1), verdicts.get(i)).toMillis() / 1000.0) : "-";
            long due = i == 0 ? 0 : 1L << (i - 1);
            out.append(String.format(Locale.ROOT, "%-9d %-7s %12.2f %22s %10d%n", i + 1, i == millis.size() - 1 ? "right" : "wrong",
                    millis.get(i) / 1000.0, sincePrevious, due));
        }
        if (verdicts.size() != millis.size()) {
            out.append("(the daemon's log showed ").append(verdicts.size()).append(" verdicts for ").append(millis.size()).append(" attempts)\n");
        }
        return out.toString();
    }
}
