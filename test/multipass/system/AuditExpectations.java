// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks a daemon log for audit lines and reports every missing or unexpected one together
 * (not just the first), with the log, so one run shows everything that is wrong.
 */
final class AuditExpectations {
    private final DaemonLog log;
    private final List<String> problems = new ArrayList<>();

    AuditExpectations(DaemonLog log) {
        this.log = log;
    }

    /** Expects exactly {@code count} lines that contain all of {@code parts}; {@code what} describes them. */
    void expect(int count, String what, String... parts) {
        List<String> found = log.with(parts);
        if (found.size() != count) {
            problems.add(what + ": expected " + count + " line(s) containing all of " + List.of(parts) + ", found " + found.size()
                    + (found.isEmpty() ? "; lines containing the first part: " + log.containing(parts[0]) : ": " + found));
        }
    }

    /** Expects {@code found} to be empty; {@code what} describes what must not be there. */
    void expectAbsent(List<String> found, String what) {
        if (!found.isEmpty()) {
            problems.add(what + ": found " + found);
        }
    }

    /** Fails with every problem found, and the log. */
    void verify() {
        if (!problems.isEmpty()) {
            fail(problems.size() + " audit expectation(s) not met:\n- " + String.join("\n- ", problems) + "\nthe daemon's log:\n" + log);
        }
    }
}
