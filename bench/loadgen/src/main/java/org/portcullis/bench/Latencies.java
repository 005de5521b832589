package org.portcullis.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Reply latencies of one session, in nanoseconds, kept whole (a run of minutes is a few hundred
 * thousand values), so the percentiles are exact rather than bucketed. Not thread-safe: one per
 * session, merged after the run.
 */
final class Latencies {

    /** Past this many values a session keeps counting but stops storing: memory stays bounded. */
    private static final int MAX_VALUES = 4_000_000;

    private long[] values = new long[4096];
    private int count;

    void add(long nanos) {
        if (count == values.length) {
            if (count >= MAX_VALUES) {
                return;
            }
            values = Arrays.copyOf(values, Math.min(MAX_VALUES, count * 2));
        }
        values[count++] = nanos;
    }

    /** The merged, sorted values of several sessions. */
    static long[] merge(List<Latencies> all) {
        int total = all.stream().mapToInt(l -> l.count).sum();
        long[] merged = new long[total];
        int at = 0;
        for (Latencies l : all) {
            System.arraycopy(l.values, 0, merged, at, l.count);
            at += l.count;
        }
        Arrays.sort(merged);
        return merged;
    }

    /** The value at quantile {@code q} (0..1) of sorted values, in milliseconds; NaN when empty. */
    static double percentileMillis(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
