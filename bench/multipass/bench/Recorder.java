// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import java.util.Arrays;

/**
 * One load thread's record of completed operations: when each ended and how long it took
 * (both {@code System.nanoTime} nanoseconds). Written by its own thread only, read after that
 * thread has been joined.
 */
final class Recorder {
    private long[] ends = new long[1024];
    private long[] latencies = new long[1024];
    private int count;
    private long failures;

    void record(long start, long end) {
        if (count == ends.length) {
            ends = Arrays.copyOf(ends, count * 2);
            latencies = Arrays.copyOf(latencies, count * 2);
        }
        ends[count] = end;
        latencies[count] = end - start;
        count++;
    }

    /** An operation that failed (refused connection, error reply, broken connection). */
    void failed() {
        failures++;
    }

    long failures() {
        return failures;
    }

    int count() {
        return count;
    }

    long end(int i) {
        return ends[i];
    }

    long latency(int i) {
        return latencies[i];
    }
}
