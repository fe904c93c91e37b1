package dev.rsr.strategies;

import java.util.List;
import java.util.SplittableRandom;

/** Choosing the top elements of large score arrays in linear time, with hysteresis for incumbents. */
final class Ranking {
    private Ranking() {
    }

    /**
     * The score an element ranks by: an incumbent (in the current mask) gets {@code hysteresis} of
     * its magnitude on top, so it keeps its place unless a challenger beats it by that margin and
     * masks do not thrash between near-equal elements.
     */
    static float ranked(float score, boolean incumbent, double hysteresis) {
        return incumbent ? (float) (score + hysteresis * Math.abs(score)) : score;
    }

    /**
     * Marks exactly {@code k} elements (the highest {@code values} over all arrays together) in
     * {@code out}; ties at the threshold are taken in element order.
     */
    static void top(List<float[]> values, int k, List<boolean[]> out) {
        long total = 0;
        for (float[] v : values) {
            total += v.length;
        }
        if (k <= 0) {
            out.forEach(m -> java.util.Arrays.fill(m, false));
            return;
        }
        if (k >= total) {
            out.forEach(m -> java.util.Arrays.fill(m, true));
            return;
        }
        float threshold = kthLargest(values, k, total);
        int above = 0;
        for (int a = 0; a < values.size(); a++) {
            float[] v = values.get(a);
            boolean[] m = out.get(a);
            for (int i = 0; i < v.length; i++) {
                m[i] = v[i] > threshold;
                above += m[i] ? 1 : 0;
            }
        }
        for (int a = 0; a < values.size() && above < k; a++) {
            float[] v = values.get(a);
            boolean[] m = out.get(a);
            for (int i = 0; i < v.length && above < k; i++) {
                if (v[i] == threshold) {
                    m[i] = true;
                    above++;
                }
            }
        }
    }

    /** The k-th largest value (1-based) of the concatenated arrays, by quickselect on a copy. */
    private static float kthLargest(List<float[]> values, int k, long total) {
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many elements to rank at once: " + total);
        }
        float[] all = new float[(int) total];
        int at = 0;
        for (float[] v : values) {
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        int target = all.length - k; // the k-th largest is the (n − k)-th smallest, 0-based
        int lo = 0, hi = all.length - 1;
        SplittableRandom random = new SplittableRandom(all.length);
        while (lo < hi) {
            float pivot = all[lo + random.nextInt(hi - lo + 1)];
            int i = lo, lt = lo, gt = hi;
            while (i <= gt) { // three-way partition: < pivot | == pivot | > pivot
                float x = all[i];
                if (x < pivot) {
                    all[i++] = all[lt];
                    all[lt++] = x;
                } else if (x > pivot) {
                    all[i] = all[gt];
                    all[gt--] = x;
                } else {
                    i++;
                }
            }
            if (target < lt) {
                hi = lt - 1;
            } else if (target > gt) {
                lo = gt + 1;
            } else {
                return pivot;
            }
        }
        return all[target];
    }
}
