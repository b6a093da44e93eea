#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: junit-summary.sh REPORTS_DIR LAUNCHER_EXIT_STATUS
# Reads the JUnit console launcher's legacy XML reports (REPORTS_DIR/TEST-*.xml, one per
# engine), prints the skipped count, then as the last line "N passed, N failed", and exits
# non-zero when anything failed. Needs only sh and awk.
#
# In those reports a test is either passed, skipped (disabled, or aborted by a failed
# assumption), a failure (assertion) or an error (any other exception, including a failure
# of its class's @BeforeAll or constructor, reported once per affected test).
# failed = failures + errors; passed = tests - skipped - failed.
set -u
dir=$1
status=${2:-0}

counts=$(awk '
    function attr(line, name,    m) {
        if (match(line, " " name "=\"[0-9]+\"")) {
            m = substr(line, RSTART, RLENGTH)
            gsub(/[^0-9]/, "", m)
            return m + 0
        }
        return 0
    }
    FNR == 1 { seen = 0; files++ }
    !seen && /<testsuite[ >]/ {
        seen = 1
        t += attr($0, "tests"); s += attr($0, "skipped")
        f += attr($0, "failures"); e += attr($0, "errors")
    }
    END { printf "%d %d %d %d %d\n", files, t, s, f, e }
' "$dir"/TEST-*.xml 2>/dev/null) || counts="0 0 0 0 0"
set -- $counts
files=$1 tests=$2 skipped=$3 failures=$4 errors=$5
failed=$((failures + errors))
passed=$((tests - skipped - failed))

if [ "$files" -eq 0 ]; then
    echo "junit-summary: no XML report in $dir (launcher exit status $status)"
fi
echo "tests: $tests run, $skipped skipped, $failures failed assertions, $errors errors"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # E.g. a failing container with no test under it, or a launcher that could not start.
    echo "junit-summary: the JUnit launcher exited with status $status although no test failed; counting that as a failure"
    failed=1
fi
echo "$passed passed, $failed failed"
if [ "$failed" -ne 0 ]; then
    [ "$status" -ne 0 ] && exit "$status"
    exit 1
fi
exit 0
