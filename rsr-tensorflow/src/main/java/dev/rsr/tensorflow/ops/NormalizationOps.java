package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.DataType;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Output;

/**
 * Normalizations over NC… inputs, written out from means and variances so TensorFlow
 * differentiates them: InstanceNormalization, GroupNormalization, LRN and MeanVarianceNormalization.
 */
public final class NormalizationOps implements OpConverterProvider {
    public static final String NAME = "rsr-normalization-ops";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        Map<String, OpConverter> m = new LinkedHashMap<>();
        m.put("InstanceNormalization", NormalizationOps::instanceNormalization);
        m.put("GroupNormalization", NormalizationOps::groupNormalization);
        m.put("LRN", NormalizationOps::localResponseNormalization);
        m.put("MeanVarianceNormalization", NormalizationOps::meanVarianceNormalization);
        return Collections.unmodifiableMap(m);
    }

    /** Each (sample, channel) normalized over its spatial axes, then scaled and shifted per channel. */
    private static List<Output<?>> instanceNormalization(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        if (rank < 3) {
            throw c.error("InstanceNormalization takes an input of rank 3 or more (N, C, spatial…), got rank " + rank);
        }
        Output<?> normalized = standardized(c, x, c.int32s(Tf.range(2, rank)));
        return List.of(op(c, "AddV2", op(c, "Mul", perChannel(c, c.input(1), rank), normalized), perChannel(c, c.input(2), rank)));
    }

    /**
     * Channels split into {@code num_groups} groups, each normalized over its channels and spatial
     * axes; scale and bias are per channel from opset 21, per group before.
     */
    private static List<Output<?>> groupNormalization(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        long groups = c.node().intAttribute("num_groups", 0);
        if (groups < 1 || rank < 3) {
            throw c.error("GroupNormalization needs num_groups >= 1 and an input of rank 3 or more, got " + groups + " and rank " + rank);
        }
        Output<?> shape = Tf.shape(c, x);
        Output<?> grouped = Tf.reshape(c, x, Tf.concat(c, List.of(Tf.slice1d(c, shape, 0, 1L), c.longs(groups, -1))));
        Output<?> normalized = Tf.reshape(c, standardized(c, grouped, c.int32s(2)), shape);
        Output<?> scale = c.input(1), bias = c.input(2);
        if (c.opset() < 21) {
            // One value per group, repeated over the group's channels.
            // int32 target shape: BroadcastTo's gradient compares it with an int32 Shape.
            Output<?> perGroup = c.longs(-1, 1);
            Output<?> channels = Tf.cast(c, Tf.concat(c, List.of(c.longs(groups), op(c, "FloorDiv", Tf.slice1d(c, shape, 1, 2L), c.longs(groups)))),
                    DataType.INT32);
            scale = Tf.reshape(c, op(c, "BroadcastTo", Tf.reshape(c, scale, perGroup), channels), c.longs(-1));
            bias = Tf.reshape(c, op(c, "BroadcastTo", Tf.reshape(c, bias, perGroup), channels), c.longs(-1));
        }
        return List.of(op(c, "AddV2", op(c, "Mul", perChannel(c, scale, rank), normalized), perChannel(c, bias, rank)));
    }

    /** {@code (x − mean) / √(variance + epsilon)} over {@code axes}. */
    private static Output<?> standardized(ConversionContext c, Output<?> x, Output<?> axes) {
        DataType type = c.typeOf(x);
        Output<?> centered = op(c, "Sub", x, Tf.reduce(c, "Mean", x, axes, true));
        Output<?> variance = Tf.reduce(c, "Mean", op(c, "Square", centered), axes, true);
        Output<?> epsilon = c.scalar(c.node().floatAttribute("epsilon", 1e-5f), type);
        return op(c, "Mul", centered, op(c, "Rsqrt", op(c, "AddV2", variance, epsilon)));
    }

    /**
     * MeanVarianceNormalization: {@code (x − mean) / (√variance + 1e-9)} over {@code axes} (default
     * 0, 2, 3), the epsilon of ONNX's function body.
     */
    private static List<Output<?>> meanVarianceNormalization(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        long[] axes = c.node().attribute("axes").map(dev.rsr.ir.Attribute::asInts).orElse(new long[] {0, 2, 3}).clone();
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < -rank || axes[i] >= rank) {
                throw c.error("attribute axes holds " + axes[i] + ", outside an input of rank " + rank);
            }
            axes[i] = Tf.axis(axes[i], rank);
        }
        Output<?> centered = op(c, "Sub", x, Tf.reduce(c, "Mean", x, c.int32s(axes), true));
        Output<?> deviation = op(c, "Sqrt", Tf.reduce(c, "Mean", op(c, "Square", centered), c.int32s(axes), true));
        return List.of(op(c, "RealDiv", centered, op(c, "AddV2", deviation, c.scalar(1e-9, c.typeOf(x)))));
    }

    /** A per-channel vector shaped {@code [C, 1, …]} to broadcast over NC… of {@code rank}. */
    private static Output<?> perChannel(ConversionContext c, Output<?> v, int rank) {
        long[] shape = new long[rank - 1];
        java.util.Arrays.fill(shape, 1);
        shape[0] = -1;
        return Tf.reshape(c, v, c.longs(shape));
    }

    /**
     * LRN: {@code x / (bias + alpha / size · Σ x²)^beta}, the sum over the {@code size} channels
     * around each one (⌊(size − 1)/2⌋ before, ⌈(size − 1)/2⌉ after), as shifted slices of the
     * zero-padded squares.
     */
    private static List<Output<?>> localResponseNormalization(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        long size = c.node().intAttribute("size", 0);
        if (size < 1 || rank < 3) {
            throw c.error("LRN needs size >= 1 and an input of rank 3 or more, got size " + size + " and rank " + rank);
        }
        DataType type = c.typeOf(x);
        long before = (size - 1) / 2, after = size - 1 - before;
        int[] paddings = new int[2 * rank];
        paddings[2] = (int) before;
        paddings[3] = (int) after;
        Output<?> padded = op(c, "Pad", op(c, "Square", x), c.constant(dev.rsr.ir.TensorData.ofInts(new long[] {rank, 2}, paddings)));
        Output<?> channels = Tf.cast(c, Tf.slice1d(c, Tf.shape(c, x), 1, 2L), DataType.INT32);
        List<Output<?>> windowSize = new ArrayList<>(List.of(c.int32s(-1), channels));
        for (int d = 2; d < rank; d++) {
            windowSize.add(c.int32s(-1));
        }
        Output<?> sizes = Tf.concat(c, windowSize);
        Output<?> sum = null;
        for (int shift = 0; shift < size; shift++) {
            long[] begin = new long[rank];
            begin[1] = shift;
            Output<?> window = op(c, "Slice", padded, c.int32s(begin), sizes);
            sum = sum == null ? window : op(c, "AddV2", sum, window);
        }
        float alpha = c.node().floatAttribute("alpha", 1e-4f), beta = c.node().floatAttribute("beta", 0.75f);
        Output<?> base = op(c, "AddV2", c.scalar(c.node().floatAttribute("bias", 1f), type), op(c, "Mul", c.scalar(alpha / size, type), sum));
        return List.of(op(c, "Mul", x, op(c, "Pow", base, c.scalar(-beta, type))));
    }
}
