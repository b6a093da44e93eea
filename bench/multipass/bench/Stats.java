// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import java.util.Arrays;

/**
 * Order statistics of one set of samples (milliseconds, requests per second, ...): median,
 * quartiles, tail percentiles, and a distribution-free 95% confidence interval of the median,
 * which {@link ColdStarts} uses to decide when it has run enough. Immutable.
 */
final class Stats {
    private final double[] sorted;

    private Stats(double[] sorted) {
        this.sorted = sorted;
    }

    /** Statistics of {@code samples} (copied). */
    static Stats of(double[] samples) {
        double[] copy = samples.clone();
        Arrays.sort(copy);
        return new Stats(copy);
    }

    /** Statistics of durations in nanoseconds, expressed in milliseconds. */
    static Stats ofNanosAsMillis(long[] nanos, int count) {
        double[] millis = new double[count];
        for (int i = 0; i < count; i++) {
            millis[i] = nanos[i] / 1e6;
        }
        return of(millis);
    }

    int count() {
        return sorted.length;
    }

    boolean isEmpty() {
        return sorted.length == 0;
    }

    /** The {@code p}-th percentile (0 to 100), nearest rank; NaN when empty. */
    double percentile(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    double median() {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    double min() {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    /**
     * Half the width of the 95% confidence interval of the median, relative to the median:
     * the interval runs between the order statistics at ranks n/2 -+ 0.98 sqrt(n) (the normal
     * approximation of the binomial), so it assumes nothing about the distribution.
     */
    double medianUncertainty() {
        int n = sorted.length;
        if (n < 6) {
            return Double.POSITIVE_INFINITY;
        }
        int low = (int) Math.floor(n / 2.0 - 0.98 * Math.sqrt(n));
        int high = (int) Math.ceil(n / 2.0 + 0.98 * Math.sqrt(n));
        double width = sorted[Math.min(n - 1, high)] - sorted[Math.max(0, low)];
        return width / 2 / median();
    }
}
