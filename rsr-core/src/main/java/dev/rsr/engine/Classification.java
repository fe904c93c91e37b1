package dev.rsr.engine;

import dev.rsr.ir.TensorData;

/** Counting argmax agreement of class scores. */
public final class Classification {
    private Classification() {
    }

    /** Row-wise argmax of a {@code [batch, classes]} tensor. */
    public static int[] argmax(TensorData scores) {
        int rows = (int) scores.dim(0), classes = (int) scores.dim(1);
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (scores.getAsDouble(r * classes + c) > scores.getAsDouble(r * classes + best)) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /** How many rows' argmax equals their label. */
    public static long correct(TensorData logits, TensorData labels) {
        int[] predicted = argmax(logits);
        long[] y = labels.longs();
        long n = 0;
        for (int i = 0; i < y.length; i++) {
            n += predicted[i] == y[i] ? 1 : 0;
        }
        return n;
    }

    /** Row-wise softmax of {@code [batch, classes]} scores, computed in double precision. */
    public static TensorData softmax(TensorData scores) {
        int rows = (int) scores.dim(0), classes = (int) scores.dim(1);
        float[] out = new float[rows * classes];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, scores.getAsDouble(r * classes + c));
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(scores.getAsDouble(r * classes + c) - max);
            }
            for (int c = 0; c < classes; c++) {
                out[r * classes + c] = (float) (Math.exp(scores.getAsDouble(r * classes + c) - max) / sum);
            }
        }
        return TensorData.ofFloats(new long[] {rows, classes}, out);
    }
}
