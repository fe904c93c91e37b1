package org.example.rsr;

import dev.rsr.spi.ImportanceStrategy;
import dev.rsr.spi.ParameterView;
import dev.rsr.spi.Settings;
import dev.rsr.training.Statistic;
import java.util.List;
import java.util.Set;

/**
 * Relative gradient: {@code |g| / (|w| + ε)}, where {@code |g|} is the moving average of the
 * absolute gradient ({@link Statistic#ABSOLUTE_GRADIENT}) and {@code w} the current weight.
 *
 * <p>A plain gradient magnitude favours elements that are large already: one step of Adam moves
 * every element by about the same amount, which is a large change for a small weight and a
 * negligible one for a large weight. Dividing by the weight scores an element by how much, relative
 * to its own size, the task pulls on it: the fraction by which the next steps would change it.
 * Elements the task wants to rewrite score high even when their weight is small; elements already
 * well placed score low even when their gradient is not. This is the per-element form of the
 * ratio that LARS and LAMB apply per layer ({@code ‖g‖ / ‖w‖}), used here to choose what trains
 * rather than how fast.
 *
 * <p>Settings ({@code --set importance.<field>=<value>}):
 * <ul>
 *   <li>{@code epsilon} (default {@code 1e-3}, in {@code [1e-12, 1]}): added to {@code |w|}, so a
 *       weight at or near zero (a fresh bias, a pruned weight) scores at most {@code |g|/ε} rather
 *       than without bound. Choose it near the smallest weight size that still matters, a few
 *       orders of magnitude below the typical weight.
 *   <li>{@code normalize} ({@code none} by default, or {@code tensor}): {@code tensor} divides each
 *       tensor's scores by their mean, so that every tensor has mean score 1. Use it with a global
 *       mask ({@code mask=top-global}), where otherwise a tensor of zero weights (a fresh head's
 *       bias) could take the whole budget; leave it off when modules are to be compared by their
 *       importance (the selector's {@code η}), which normalising per tensor would flatten.
 * </ul>
 *
 * <p>Scores are finite for all finite inputs (a ratio too large for a float is clamped to the
 * largest float) and do not depend on anything but the parameter's own data.
 */
public final class RelativeGradientImportance implements ImportanceStrategy {
    /** The name configurations use: {@code --set importance=relative-gradient}. */
    public static final String NAME = "relative-gradient";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Scorer create(Settings settings) {
        double epsilon = settings.decimal("epsilon", 1e-3, 1e-12, 1);
        boolean perTensor = settings.choice("normalize", "none", List.of("none", "tensor")).equals("tensor");
        return new RelativeGradient(epsilon, perTensor);
    }

    /** The configured scorer: immutable, so it may be shared. */
    private record RelativeGradient(double epsilon, boolean perTensor) implements Scorer {
        @Override
        public Set<Statistic> statistics() {
            return Set.of(Statistic.ABSOLUTE_GRADIENT);
        }

        @Override
        public float[] score(ParameterView parameter) {
            float[] g = parameter.statistic(Statistic.ABSOLUTE_GRADIENT);
            float[] w = parameter.weights();
            float[] out = new float[g.length];
            double sum = 0;
            for (int i = 0; i < g.length; i++) {
                double ratio = Math.abs((double) g[i]) / (Math.abs((double) w[i]) + epsilon);
                out[i] = (float) Math.min(ratio, Float.MAX_VALUE);
                sum += out[i];
            }
            if (perTensor && sum > 0 && Double.isFinite(sum)) {
                double mean = sum / out.length;
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) (out[i] / mean);
                }
            }
            return out;
        }
    }
}
