package dev.rsr.strategies;

import dev.rsr.spi.GradientBooster;
import dev.rsr.spi.ParameterView;
import dev.rsr.spi.Settings;
import java.util.Arrays;

/** The built-in boosters. */
public final class GradientBoosters {
    private GradientBoosters() {
    }

    /** Leaves every step as it is. */
    public static final class None implements GradientBooster {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public Booster create(Settings settings) {
            return (p, scores, mask) -> ones(p);
        }
    }

    /**
     * {@code 1 + β·ŝ}, where {@code ŝ} is the element's score over the largest score among the
     * tensor's trained elements (negative scores count as 0): the most important element's step is
     * {@code 1 + β} times as large.
     */
    public static final class Linear implements GradientBooster {
        @Override
        public String name() {
            return "linear";
        }

        @Override
        public Booster create(Settings settings) {
            double beta = settings.decimal("beta", 1.0, 0, 100);
            return (p, scores, mask) -> {
                float max = 0;
                for (int i = 0; i < scores.length; i++) {
                    if (mask[i] && scores[i] > max) {
                        max = scores[i];
                    }
                }
                float[] out = new float[scores.length];
                for (int i = 0; i < scores.length; i++) {
                    double s = max > 0 ? Math.max(0, scores[i]) / max : 0;
                    out[i] = (float) (1 + beta * s);
                }
                return out;
            };
        }
    }

    /** {@code factor} for the top {@code fraction} of each tensor's trained elements, 1 for the rest. */
    public static final class TopK implements GradientBooster {
        @Override
        public String name() {
            return "top-k";
        }

        @Override
        public Booster create(Settings settings) {
            double fraction = settings.positiveDecimal("fraction", 0.1, 1);
            double factor = settings.decimal("factor", 2.0, 0, 100);
            return (p, scores, mask) -> {
                int trained = 0;
                for (boolean m : mask) {
                    trained += m ? 1 : 0;
                }
                float[] candidates = new float[scores.length];
                for (int i = 0; i < scores.length; i++) {
                    candidates[i] = mask[i] ? scores[i] : Float.NEGATIVE_INFINITY;
                }
                boolean[] top = new boolean[scores.length];
                Ranking.top(java.util.List.of(candidates), (int) Math.max(trained > 0 ? 1 : 0, Math.round(fraction * trained)),
                        java.util.List.of(top));
                float[] out = new float[scores.length];
                for (int i = 0; i < scores.length; i++) {
                    out[i] = top[i] && mask[i] ? (float) factor : 1f;
                }
                return out;
            };
        }
    }

    static float[] ones(ParameterView p) {
        float[] ones = new float[p.elementCount()];
        Arrays.fill(ones, 1f);
        return ones;
    }
}
