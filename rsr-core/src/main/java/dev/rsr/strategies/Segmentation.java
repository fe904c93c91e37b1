package dev.rsr.strategies;

/** Optimal cutting of a sequence of vectors into contiguous segments of least within-segment squared error. */
final class Segmentation {
    private Segmentation() {
    }

    /**
     * The boundaries {@code 0 = c0 < c1 < … < ck = n} of {@code k} non-empty segments of the rows
     * of {@code x} that minimise the summed squared distance of each row to its segment's mean.
     * Dynamic programming in O(k·n²) with prefix sums.
     */
    static int[] cuts(double[][] x, int k) {
        int n = x.length;
        if (n == 0) {
            return new int[] {0};
        }
        k = Math.max(1, Math.min(k, n));
        int d = x[0].length;
        double[][] sum = new double[n + 1][d];
        double[] sq = new double[n + 1];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                sum[i + 1][j] = sum[i][j] + x[i][j];
                s += x[i][j] * x[i][j];
            }
            sq[i + 1] = sq[i] + s;
        }
        double[][] best = new double[k + 1][n + 1];
        int[][] from = new int[k + 1][n + 1];
        for (double[] row : best) {
            java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        best[0][0] = 0;
        for (int s = 1; s <= k; s++) {
            for (int end = s; end <= n; end++) {
                for (int start = s - 1; start < end; start++) {
                    if (best[s - 1][start] == Double.POSITIVE_INFINITY) {
                        continue;
                    }
                    double cost = best[s - 1][start] + error(sum, sq, start, end);
                    if (cost < best[s][end]) {
                        best[s][end] = cost;
                        from[s][end] = start;
                    }
                }
            }
        }
        int[] cuts = new int[k + 1];
        cuts[k] = n;
        for (int s = k; s > 0; s--) {
            cuts[s - 1] = from[s][cuts[s]];
        }
        return cuts;
    }

    /** Σ‖x_i − mean‖² over rows [start, end). */
    private static double error(double[][] sum, double[] sq, int start, int end) {
        int len = end - start;
        double norm = 0;
        for (int j = 0; j < sum[0].length; j++) {
            double s = sum[end][j] - sum[start][j];
            norm += s * s;
        }
        return sq[end] - sq[start] - norm / len;
    }
}
