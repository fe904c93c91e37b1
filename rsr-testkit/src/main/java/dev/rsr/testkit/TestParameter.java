package dev.rsr.testkit;

import dev.rsr.error.ConfigurationException;
import dev.rsr.spi.ParameterView;
import dev.rsr.training.Statistic;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * An in-memory {@link ParameterView}: a name, a module, a shape, weights and every running
 * {@link Statistic}, held in arrays. It behaves as the engine's view does where a plugin can tell:
 * it hands out its own arrays (a plugin must not modify them, and {@link #modified()} tells whether
 * one did), and a copy {@link #restrictedTo restricted} to some statistics refuses to read the
 * others with a {@link ConfigurationException}, as the engine does for statistics a scorer did not
 * ask for.
 *
 * <p>Build one with {@link #random}, {@link #zero}, {@link #wideRange} or {@link #builder}; the
 * contracts use the sets of {@link TestParameters}. Not thread-safe.
 */
public final class TestParameter implements ParameterView {
    private final String name;
    private final String module;
    private final long[] shape;
    private final int elements;
    private final float[] weights;
    private final Map<Statistic, float[]> statistics;
    private final Set<Statistic> readable;
    private final float[] pristineWeights;
    private final Map<Statistic, float[]> pristineStatistics = new EnumMap<>(Statistic.class);
    private final Set<Statistic> read = EnumSet.noneOf(Statistic.class);

    private TestParameter(String name, String module, long[] shape, float[] weights, Map<Statistic, float[]> statistics,
                          Set<Statistic> readable) {
        this.name = Objects.requireNonNull(name, "name");
        this.module = Objects.requireNonNull(module, "module");
        this.shape = shape.clone();
        this.elements = count(shape);
        this.weights = checkLength(weights.clone(), "weights");
        this.statistics = new EnumMap<>(Statistic.class);
        for (Statistic s : Statistic.values()) {
            float[] values = statistics.get(s);
            this.statistics.put(s, values == null ? new float[elements] : checkLength(values.clone(), "statistic " + s));
        }
        this.readable = readable.isEmpty() ? EnumSet.noneOf(Statistic.class) : EnumSet.copyOf(readable);
        this.pristineWeights = this.weights.clone();
        this.statistics.forEach((s, v) -> pristineStatistics.put(s, v.clone()));
    }

    /** A builder for a parameter of {@code shape}, with weights and statistics at zero until set. */
    public static Builder builder(String name, long... shape) {
        return new Builder(name, shape);
    }

    /**
     * A parameter as training leaves it: weights drawn around zero (about one in ten exactly zero, as
     * pruned weights and fresh biases are) and statistics consistent with one per-element gradient
     * {@code g} of widely varying scale (about one in ten exactly zero, as for dead units):
     * {@code |g|}, {@code g²}, {@code |w·g|}, a deviation of at most that, and a movement of either
     * sign. The same arguments give the same parameter.
     */
    public static TestParameter random(String name, String module, long[] shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = count(shape);
        float[] w = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = random.nextInt(10) == 0 ? 0f : (float) (0.05 * random.nextGaussian());
            g[i] = random.nextInt(10) == 0 ? 0f : (float) (random.nextGaussian() * Math.pow(10, random.nextDouble(-4, -1)));
        }
        return consistent(builder(name, shape).module(module).weights(w), g, random).build();
    }

    /**
     * A parameter whose values span many orders of magnitude: weights from about {@code 1e-8} to
     * {@code 1e2} and gradients from about {@code 1e-10} to {@code 1e3} in size, of either sign, so
     * that a ratio, product or logarithm that is fine on typical values can be seen to overflow or
     * divide by almost nothing. The same arguments give the same parameter.
     */
    public static TestParameter wideRange(String name, String module, long[] shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = count(shape);
        float[] w = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) ((random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextDouble(-8, 2)));
            g[i] = (float) ((random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextDouble(-10, 3)));
        }
        return consistent(builder(name, shape).module(module).weights(w), g, random).build();
    }

    /** A parameter with all weights and all statistics zero: what an all-zero gradient on zero weights leaves. */
    public static TestParameter zero(String name, String module, long[] shape) {
        return builder(name, shape).module(module).build();
    }

    private static Builder consistent(Builder b, float[] g, SplittableRandom random) {
        int n = g.length;
        float[] abs = new float[n], sq = new float[n], sal = new float[n], dev = new float[n], mov = new float[n];
        for (int i = 0; i < n; i++) {
            float wg = b.weights[i] * g[i];
            abs[i] = Math.abs(g[i]);
            sq[i] = g[i] * g[i];
            sal[i] = Math.abs(wg);
            dev[i] = (float) (sal[i] * random.nextDouble());
            mov[i] = (float) (-wg * random.nextDouble(0.5, 20));
        }
        return b.statistic(Statistic.ABSOLUTE_GRADIENT, abs).statistic(Statistic.SQUARED_GRADIENT, sq)
                .statistic(Statistic.SALIENCY, sal).statistic(Statistic.SALIENCY_DEVIATION, dev).statistic(Statistic.MOVEMENT, mov);
    }

    /**
     * A copy (of the values as they are now) whose {@link #statistic} reads only {@code allowed} and
     * throws a {@link ConfigurationException} for any other, as the engine's view does for a
     * statistic the scorer's {@code statistics()} did not list.
     */
    public TestParameter restrictedTo(Set<Statistic> allowed) {
        return new TestParameter(name, module, shape, weights, statistics, allowed);
    }

    /** A copy of the values as they are now, every statistic readable. */
    public TestParameter copy() {
        return new TestParameter(name, module, shape, weights, statistics, EnumSet.allOf(Statistic.class));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String module() {
        return module;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public int elementCount() {
        return elements;
    }

    /** The parameter's own array, as the engine hands out its cached copy; must not be modified. */
    @Override
    public float[] weights() {
        return weights;
    }

    /**
     * The parameter's own array of {@code statistic}; must not be modified.
     *
     * @throws ConfigurationException when this copy is {@link #restrictedTo restricted} and
     *                                {@code statistic} is not among the allowed ones
     */
    @Override
    public float[] statistic(Statistic statistic) {
        if (!readable.contains(statistic)) {
            throw new ConfigurationException("parameter '" + name + "': statistic " + statistic + " was read but not asked for; "
                    + "list it in the scorer's statistics() (asked for: " + readable + ")");
        }
        read.add(statistic);
        return statistics.get(statistic);
    }

    /** The statistics read so far. */
    public Set<Statistic> statisticsRead() {
        return Collections.unmodifiableSet(EnumSet.copyOf(read));
    }

    /** What a plugin changed in the arrays it was handed: {@code weights} and {@code statistic X} entries; empty when nothing. */
    public List<String> modified() {
        List<String> out = new ArrayList<>();
        if (!Arrays.equals(weights, pristineWeights)) {
            out.add("weights");
        }
        statistics.forEach((s, v) -> {
            if (!Arrays.equals(v, pristineStatistics.get(s))) {
                out.add("statistic " + s);
            }
        });
        return out;
    }

    @Override
    public String toString() {
        return "parameter '" + name + "' of module '" + module + "', shape " + Arrays.toString(shape);
    }

    private float[] checkLength(float[] values, String what) {
        if (values.length != elements) {
            throw new IllegalArgumentException(this.name + ": " + what + " has " + values.length + " values for shape "
                    + Arrays.toString(shape) + " (" + elements + " elements)");
        }
        return values;
    }

    private static int count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return Math.toIntExact(n);
    }

    /** Builds a {@link TestParameter}; values not set are zero, and every statistic is readable. */
    public static final class Builder {
        private final String name;
        private final long[] shape;
        private String module = "module";
        private float[] weights;
        private final Map<Statistic, float[]> statistics = new EnumMap<>(Statistic.class);

        private Builder(String name, long[] shape) {
            this.name = Objects.requireNonNull(name, "name");
            this.shape = shape.clone();
            this.weights = new float[count(shape)];
        }

        /** The task module it belongs to ({@code module} by default). */
        public Builder module(String moduleName) {
            this.module = Objects.requireNonNull(moduleName, "module");
            return this;
        }

        /** The weights, one per element in row-major order (copied). */
        public Builder weights(float... values) {
            this.weights = values.clone();
            return this;
        }

        /** One running statistic, one value per element (copied). */
        public Builder statistic(Statistic statistic, float... values) {
            statistics.put(statistic, values.clone());
            return this;
        }

        public TestParameter build() {
            return new TestParameter(name, module, shape, weights, statistics, EnumSet.allOf(Statistic.class));
        }
    }
}
