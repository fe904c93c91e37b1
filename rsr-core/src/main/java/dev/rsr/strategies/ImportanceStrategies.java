package dev.rsr.strategies;

import dev.rsr.spi.ImportanceStrategy;
import dev.rsr.spi.ParameterView;
import dev.rsr.spi.Settings;
import dev.rsr.training.Statistic;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/** The built-in importance strategies. */
public final class ImportanceStrategies {
    private ImportanceStrategies() {
    }

    /** A scorer with no settings: a fixed set of statistics and an element-wise score. */
    private record Elementwise(Set<Statistic> statistics, ScoreFunction function) implements ImportanceStrategy.Scorer {
        @Override
        public float[] score(ParameterView parameter) {
            return function.score(parameter);
        }
    }

    @FunctionalInterface
    private interface ScoreFunction {
        float[] score(ParameterView p);
    }

    private static ImportanceStrategy.Scorer elementwise(Set<Statistic> statistics, ScoreFunction f) {
        return new Elementwise(statistics.isEmpty() ? Set.of() : EnumSet.copyOf(statistics), f);
    }

    /** Every element equally important: for methods whose masks and selection ignore importance. */
    public static final class Uniform implements ImportanceStrategy {
        @Override
        public String name() {
            return "uniform";
        }

        @Override
        public Scorer create(Settings settings) {
            return elementwise(Set.of(), p -> {
                float[] ones = new float[p.elementCount()];
                Arrays.fill(ones, 1f);
                return ones;
            });
        }
    }

    /** {@code |w|}: large weights matter. Needs no gradient. */
    public static final class Magnitude implements ImportanceStrategy {
        @Override
        public String name() {
            return "magnitude";
        }

        @Override
        public Scorer create(Settings settings) {
            return elementwise(Set.of(), p -> abs(p.weights()));
        }
    }

    /** Moving average of {@code |g|}: elements the task pushes on. */
    public static final class Gradient implements ImportanceStrategy {
        @Override
        public String name() {
            return "gradient";
        }

        @Override
        public Scorer create(Settings settings) {
            return elementwise(Set.of(Statistic.ABSOLUTE_GRADIENT), p -> p.statistic(Statistic.ABSOLUTE_GRADIENT));
        }
    }

    /** Moving average of {@code |w·g|}: the first-order estimate of the loss change if the element were zeroed. */
    public static final class Taylor implements ImportanceStrategy {
        @Override
        public String name() {
            return "taylor";
        }

        @Override
        public Scorer create(Settings settings) {
            return elementwise(Set.of(Statistic.SALIENCY), p -> p.statistic(Statistic.SALIENCY));
        }
    }

    /** Moving average of {@code g²}: the diagonal empirical Fisher information (as FISH masks use). */
    public static final class Fisher implements ImportanceStrategy {
        @Override
        public String name() {
            return "fisher";
        }

        @Override
        public Scorer create(Settings settings) {
            return elementwise(Set.of(Statistic.SQUARED_GRADIENT), p -> p.statistic(Statistic.SQUARED_GRADIENT));
        }
    }

    /** {@code −Σ w·g} over the steps so far: movement pruning's score, high for weights moving away from zero. */
    public static final class Movement implements ImportanceStrategy {
        @Override
        public String name() {
            return "movement";
        }

        @Override
        public Scorer create(Settings settings) {
            return elementwise(Set.of(Statistic.MOVEMENT), p -> p.statistic(Statistic.MOVEMENT));
        }
    }

    /**
     * AdaLoRA's sensitivity: the smoothed saliency {@code |w·g|} times its smoothed deviation, so an
     * element scores high when it matters and its importance is still uncertain.
     */
    public static final class Sensitivity implements ImportanceStrategy {
        @Override
        public String name() {
            return "sensitivity";
        }

        @Override
        public Scorer create(Settings settings) {
            return elementwise(Set.of(Statistic.SALIENCY, Statistic.SALIENCY_DEVIATION), p -> {
                float[] s = p.statistic(Statistic.SALIENCY), u = p.statistic(Statistic.SALIENCY_DEVIATION);
                float[] out = new float[s.length];
                for (int i = 0; i < s.length; i++) {
                    out[i] = s[i] * u[i];
                }
                return out;
            });
        }
    }

    private static float[] abs(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.abs(x[i]);
        }
        return out;
    }
}
