package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operation;
import org.tensorflow.Output;

/**
 * ONNX's GridSample, in any spatial rank, and AffineGrid, which makes its grids. GridSample gathers
 * the neighbouring input values of every sampling point in one gather and sums them with weights
 * computed from the grid, so TensorFlow differentiates it with respect to both the input and the
 * grid; the integer tap positions carry no gradient. AffineGrid is a product of theta with a
 * base grid built from the size input at run time.
 */
public final class SamplingOps implements OpConverterProvider {
    public static final String NAME = "rsr-sampling-ops";

    private static final Set<DataType> FLOAT_TYPES = Set.of(DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16);
    /** Keys' cubic convolution coefficient, fixed by the GridSample specification. */
    private static final double CUBIC_A = -0.75;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        Map<String, OpConverter> m = new LinkedHashMap<>();
        m.put("GridSample", c -> List.of(gridSample(c)));
        m.put("AffineGrid", c -> List.of(affineGrid(c)));
        return Collections.unmodifiableMap(m);
    }

    private enum Mode { NEAREST, LINEAR, CUBIC }

    private enum Padding { ZEROS, BORDER, REFLECTION }

    /** The taps of one spatial axis: int64 indices {@code [N, out…, K]} and their float weights (null when every weight is 1). */
    private record Taps(Output<?> index, Output<?> weight) {
    }

    // ------------------------------------------------------------------------------------------ GridSample

    private static Output<?> gridSample(ConversionContext c) {
        Output<?> x = c.input(0);
        Output<?> grid = c.input(1);
        int rank = c.rank(x);
        int spatial = rank - 2;
        if (spatial < 1) {
            throw c.error("input X has rank " + rank + "; GridSample needs (N, C, d1, ..., dr) with at least one spatial axis");
        }
        if (c.rank(grid) != rank) {
            throw c.error("input grid has rank " + c.rank(grid) + " but X has rank " + rank + "; grid must be (N, D1_out, ..., Dr_out, " + spatial + ")");
        }
        long last = grid.shape().size(rank - 1);
        if (last >= 0 && last != spatial) {
            throw c.error("input grid's last axis has length " + last + ", not X's spatial rank " + spatial);
        }
        requireFloat(c, x, "X");
        requireFloat(c, grid, "grid");
        Mode mode = mode(c);
        Padding padding = padding(c);
        boolean alignCorners = c.node().intAttribute("align_corners", 0) != 0;

        // grid[..., 0] is the position along the last spatial axis (x, the width), grid[..., 1] along the one before, and so on.
        Operation components = builder(c, "Unpack", grid).setAttr("num", (long) spatial).setAttr("axis", -1L).build();
        List<Output<?>> lengths = new ArrayList<>();
        List<Taps> taps = new ArrayList<>();
        for (int k = 0; k < spatial; k++) {
            Output<?> length = Tf.dim(c, x, 2 + k);
            lengths.add(length);
            Output<?> position = denormalize(c, components.output(spatial - 1 - k), length, alignCorners);
            taps.add(padded(c, taps(c, position, mode), length, padding, alignCorners));
        }

        // One flat index and one weight per (sampling point, combination of taps): the taps of axis k
        // spread along tap axis k, the products of weights over the axes.
        Output<?> flat = null;
        Output<?> weight = null;
        Output<?> stride = c.scalar(1, DataType.INT64);
        for (int k = spatial - 1; k >= 0; k--) {
            Taps t = taps.get(k);
            Output<?> scaled = spread(c, op(c, "Mul", t.index(), stride), k, spatial);
            flat = flat == null ? scaled : op(c, "AddV2", flat, scaled);
            if (t.weight() != null) {
                Output<?> w = spread(c, t.weight(), k, spatial);
                weight = weight == null ? w : op(c, "Mul", weight, w);
            }
            stride = op(c, "Mul", stride, lengths.get(k));
        }
        // stride is now the number of input positions per batch entry.
        long[] batchShape = new long[1 + 2 * spatial];
        java.util.Arrays.fill(batchShape, 1);
        batchShape[0] = -1;
        Output<?> batchOffset = Tf.reshape(c, op(c, "Mul", Tf.iota(c, Tf.dim(c, x, 0)), stride), c.longs(batchShape));
        flat = op(c, "AddV2", flat, batchOffset);
        Output<?> pointShape = Tf.slice1d(c, Tf.shape(c, grid), 0, (long) rank - 1);
        Output<?> tapsShape = Tf.concat(c, List.of(pointShape, c.longs(-1)));
        flat = Tf.reshape(c, flat, tapsShape);

        // X as [N·d1·…·dr, C]: one gather reads every tap of every point, [N, out…, T, C].
        long[] channelsLast = new long[rank];
        channelsLast[0] = 0;
        for (int i = 1; i < rank - 1; i++) {
            channelsLast[i] = i + 1;
        }
        channelsLast[rank - 1] = 1;
        Output<?> rows = Tf.reshape(c, Tf.transpose(c, x, channelsLast),
                Tf.concat(c, List.of(c.longs(-1), Tf.reshape(c, Tf.dim(c, x, 1), c.longs(1)))));
        Output<?> gathered = builder(c, "GatherV2", rows, flat, c.scalar(0, DataType.INT32)).build().output(0);
        if (weight != null) {
            Output<?> w = Tf.reshape(c, Tf.cast(c, weight, c.typeOf(x)), tapsShape);
            gathered = op(c, "Mul", gathered, op(c, "ExpandDims", w, c.scalar(-1, DataType.INT32)));
        }
        Output<?> sampled = Tf.reduce(c, "Sum", gathered, c.int32s(rank - 1), false);
        long[] channelsFirst = new long[rank];
        channelsFirst[0] = 0;
        channelsFirst[1] = rank - 1;
        for (int i = 2; i < rank; i++) {
            channelsFirst[i] = i - 1;
        }
        return Tf.transpose(c, sampled, channelsFirst);
    }

    /** The input position of a normalized grid coordinate, in the grid's type and in the reference's order of operations. */
    private static Output<?> denormalize(ConversionContext c, Output<?> n, Output<?> length, boolean alignCorners) {
        DataType t = c.typeOf(n);
        Output<?> d = Tf.cast(c, length, t);
        Output<?> one = c.scalar(1, t);
        Output<?> two = c.scalar(2, t);
        Output<?> shifted = op(c, "AddV2", n, one);
        if (alignCorners) {
            // -1 and 1 are the centres of the first and last positions.
            return op(c, "Mul", op(c, "RealDiv", shifted, two), op(c, "Sub", d, one));
        }
        // -1 and 1 are the outer edges of the first and last positions.
        return op(c, "RealDiv", op(c, "Sub", op(c, "Mul", shifted, d), one), two);
    }

    /** The taps around {@code position} along one axis and their weights, before padding. */
    private static Taps taps(ConversionContext c, Output<?> position, Mode mode) {
        DataType t = c.typeOf(position);
        if (mode == Mode.NEAREST) {
            // Rint rounds half to even, as the reference's nearbyint does.
            Output<?> nearest = op(c, "StopGradient", op(c, "Rint", position));
            return new Taps(op(c, "ExpandDims", Tf.cast(c, nearest, DataType.INT64), c.scalar(-1, DataType.INT32)), null);
        }
        Output<?> base = op(c, "StopGradient", op(c, "Floor", position));
        // The gradient with respect to the grid flows through the fraction, not through the tap indices.
        Output<?> fraction = op(c, "Sub", position, base);
        Output<?> baseIndex = op(c, "ExpandDims", Tf.cast(c, base, DataType.INT64), c.scalar(-1, DataType.INT32));
        List<Output<?>> weights;
        long[] offsets;
        if (mode == Mode.LINEAR) {
            offsets = new long[] {0, 1};
            weights = List.of(op(c, "Sub", c.scalar(1, t), fraction), fraction);
        } else {
            offsets = new long[] {-1, 0, 1, 2};
            weights = cubicWeights(c, fraction);
        }
        Output<?> index = op(c, "AddV2", baseIndex, c.longs(offsets));
        Output<?> weight = builder(c, "Pack").addInputList(weights.toArray(new Output<?>[0])).setAttr("axis", -1L).build().output(0);
        return new Taps(index, weight);
    }

    /**
     * Keys' kernel at the distances {@code 1 + f, f, 1 − f, 2 − f} of the four taps from a point
     * {@code f} (in [0, 1)) past the second tap.
     */
    private static List<Output<?>> cubicWeights(ConversionContext c, Output<?> f) {
        DataType t = c.typeOf(f);
        Output<?> one = c.scalar(1, t);
        Output<?> two = c.scalar(2, t);
        return List.of(farKernel(c, op(c, "AddV2", f, one)), nearKernel(c, f), nearKernel(c, op(c, "Sub", one, f)),
                farKernel(c, op(c, "Sub", two, f)));
    }

    /** {@code ((a + 2)·d − (a + 3))·d² + 1}, the kernel for distances up to 1. */
    private static Output<?> nearKernel(ConversionContext c, Output<?> d) {
        DataType t = c.typeOf(d);
        Output<?> inner = op(c, "Sub", op(c, "Mul", c.scalar(CUBIC_A + 2, t), d), c.scalar(CUBIC_A + 3, t));
        return op(c, "AddV2", op(c, "Mul", op(c, "Mul", inner, d), d), c.scalar(1, t));
    }

    /** {@code ((a·d − 5a)·d + 8a)·d − 4a}, the kernel for distances from 1 to 2. */
    private static Output<?> farKernel(ConversionContext c, Output<?> d) {
        DataType t = c.typeOf(d);
        Output<?> inner = op(c, "Sub", op(c, "Mul", c.scalar(CUBIC_A, t), d), c.scalar(5 * CUBIC_A, t));
        Output<?> middle = op(c, "AddV2", op(c, "Mul", inner, d), c.scalar(8 * CUBIC_A, t));
        return op(c, "Sub", op(c, "Mul", middle, d), c.scalar(4 * CUBIC_A, t));
    }

    /**
     * Taps brought inside the axis per padding_mode, each on its own (as the reference reads
     * every tap through its padding): a tap outside reads zero, the nearest edge, or its mirror
     * image about the axis' borders.
     */
    private static Taps padded(ConversionContext c, Taps taps, Output<?> length, Padding padding, boolean alignCorners) {
        Output<?> index = taps.index();
        Output<?> lastIndex = op(c, "Sub", length, c.scalar(1, DataType.INT64));
        switch (padding) {
            case ZEROS -> {
                Output<?> inside = op(c, "LogicalAnd", op(c, "GreaterEqual", index, c.scalar(0, DataType.INT64)), op(c, "Less", index, length));
                DataType t = taps.weight() == null ? DataType.FLOAT : c.typeOf(taps.weight());
                Output<?> mask = Tf.cast(c, inside, t);
                Output<?> weight = taps.weight() == null ? mask : op(c, "Mul", taps.weight(), mask);
                return new Taps(clamp(c, index, lastIndex), weight);
            }
            case BORDER -> {
                return new Taps(clamp(c, index, lastIndex), taps.weight());
            }
            default -> {
                Output<?> reflected = reflect(c, index, length, alignCorners);
                // Clamped too: an axis of length 1 with align_corners has no room to reflect in.
                return new Taps(clamp(c, reflected, lastIndex), taps.weight());
            }
        }
    }

    /**
     * Integer positions mirrored about the borders (the outer edges, or the first and last centres
     * with align_corners) until they fall inside; exact in double precision for these positions.
     */
    private static Output<?> reflect(ConversionContext c, Output<?> index, Output<?> length, boolean alignCorners) {
        DataType t = DataType.DOUBLE;
        Output<?> p = Tf.cast(c, index, t);
        Output<?> d = Tf.cast(c, length, t);
        Output<?> low = alignCorners ? c.scalar(0, t) : c.scalar(-0.5, t);
        Output<?> high = alignCorners ? op(c, "Sub", d, c.scalar(1, t)) : op(c, "Sub", d, c.scalar(0.5, t));
        Output<?> range = op(c, "Sub", high, low);
        Output<?> safeRange = op(c, "SelectV2", op(c, "Greater", range, c.scalar(0, t)), range, c.scalar(1, t));
        Output<?> below = op(c, "Less", p, low);
        Output<?> above = op(c, "Greater", p, high);
        Output<?> beyond = op(c, "SelectV2", below, op(c, "Sub", low, p), op(c, "Sub", p, high));
        Output<?> turns = op(c, "Floor", op(c, "RealDiv", beyond, safeRange));
        Output<?> rest = op(c, "Sub", beyond, op(c, "Mul", turns, safeRange));
        Output<?> even = op(c, "Equal", op(c, "FloorMod", turns, c.scalar(2, t)), c.scalar(0, t));
        Output<?> fromLow = op(c, "AddV2", low, rest);
        Output<?> fromHigh = op(c, "Sub", high, rest);
        Output<?> whenBelow = op(c, "SelectV2", even, fromLow, fromHigh);
        Output<?> whenAbove = op(c, "SelectV2", even, fromHigh, fromLow);
        Output<?> mirrored = op(c, "SelectV2", below, whenBelow, op(c, "SelectV2", above, whenAbove, p));
        return Tf.cast(c, op(c, "Floor", mirrored), DataType.INT64);
    }

    /**
     * A per-point, per-tap tensor {@code [N, out…, K]} of axis {@code k} with size-1 axes inserted
     * so that its taps lie along tap axis {@code k} of {@code [N, out…, K_0, …, K_{r−1}]}.
     */
    private static Output<?> spread(ConversionContext c, Output<?> perTap, int k, int spatial) {
        Output<?> out = perTap;
        for (int j = 0; j < k; j++) {
            out = op(c, "ExpandDims", out, c.scalar(1 + spatial, DataType.INT32));
        }
        for (int j = k + 1; j < spatial; j++) {
            out = op(c, "ExpandDims", out, c.scalar(-1, DataType.INT32));
        }
        return out;
    }

    private static Output<?> clamp(ConversionContext c, Output<?> index, Output<?> lastIndex) {
        return op(c, "Minimum", op(c, "Maximum", index, c.scalar(0, DataType.INT64)), lastIndex);
    }

    private static Mode mode(ConversionContext c) {
        String mode = text(c, "mode", "linear");
        return switch (mode) {
            case "nearest" -> Mode.NEAREST;
            // Opset 16 names them bilinear and bicubic; opset 20 linear and cubic.
            case "linear", "bilinear" -> Mode.LINEAR;
            case "cubic", "bicubic" -> Mode.CUBIC;
            default -> throw c.error("mode '" + mode + "' is not one of linear (bilinear), nearest, cubic (bicubic)");
        };
    }

    private static Padding padding(ConversionContext c) {
        String padding = text(c, "padding_mode", "zeros");
        return switch (padding) {
            case "zeros" -> Padding.ZEROS;
            case "border" -> Padding.BORDER;
            case "reflection" -> Padding.REFLECTION;
            default -> throw c.error("padding_mode '" + padding + "' is not one of zeros, border, reflection");
        };
    }

    // ------------------------------------------------------------------------------------------ AffineGrid

    /**
     * The grid {@code theta · (x, y, …, 1)} over the base grid of normalized positions of the size
     * input ({@code (N, C, d1, …, dr)}, read at run time); theta is {@code (N, r, r + 1)}.
     */
    private static Output<?> affineGrid(ConversionContext c) {
        Output<?> theta = c.input(0);
        Output<?> size = c.input(1);
        if (c.rank(theta) != 3) {
            throw c.error("input theta has rank " + c.rank(theta) + "; it must be (N, r, r + 1)");
        }
        requireFloat(c, theta, "theta");
        int spatial = spatialRank(c, theta, size);
        boolean alignCorners = c.node().intAttribute("align_corners", 0) != 0;
        DataType t = c.typeOf(theta);
        Output<?> sizes = op(c, "StopGradient", Tf.cast(c, size, DataType.INT64));
        Output<?> outShape = Tf.slice1d(c, sizes, 2, (long) spatial + 2);

        // Component j of a base point is the position along spatial axis r − 1 − j (x first); the last is 1.
        List<Output<?>> components = new ArrayList<>();
        for (int j = 0; j < spatial; j++) {
            int axis = spatial - 1 - j;
            Output<?> positions = positions(c, Tf.reshape(c, Tf.slice1d(c, sizes, 2L + axis, 3L + axis), c.longs()), t, alignCorners);
            long[] along = new long[spatial];
            java.util.Arrays.fill(along, 1);
            along[axis] = -1;
            components.add(op(c, "BroadcastTo", Tf.reshape(c, positions, c.longs(along)), outShape));
        }
        components.add(op(c, "Fill", outShape, c.scalar(1, t)));
        Output<?> base = builder(c, "Pack").addInputList(components.toArray(new Output<?>[0])).setAttr("axis", -1L).build().output(0);

        // theta as [N, 1…, r, r + 1] against the base as [d1, …, dr, 1, r + 1]: a product and a sum over the last axis.
        long[] thetaShape = new long[spatial + 3];
        java.util.Arrays.fill(thetaShape, 1);
        thetaShape[0] = -1;
        thetaShape[spatial + 1] = spatial;
        thetaShape[spatial + 2] = spatial + 1;
        Output<?> wideTheta = Tf.reshape(c, theta, c.longs(thetaShape));
        Output<?> wideBase = op(c, "ExpandDims", base, c.scalar(-2, DataType.INT32));
        return Tf.reduce(c, "Sum", op(c, "Mul", wideTheta, wideBase), c.int32s(spatial + 2), false);
    }

    /** The r of theta's (N, r, r + 1), from its static shape or else from the length of size. */
    private static int spatialRank(ConversionContext c, Output<?> theta, Output<?> size) {
        long rows = theta.shape().size(1);
        long columns = theta.shape().size(2);
        if (rows >= 0 && columns >= 0 && columns != rows + 1) {
            throw c.error("input theta is (N, " + rows + ", " + columns + "); it must be (N, r, r + 1)");
        }
        long fromSize = c.rank(size) == 1 && size.shape().size(0) >= 0 ? size.shape().size(0) - 2 : -1;
        long r = rows >= 0 ? rows : columns >= 0 ? columns - 1 : fromSize;
        if (r != 2 && r != 3) {
            throw c.error(r < 0 ? "the spatial rank is unknown: neither theta's shape nor the length of input size is static"
                    : "input theta is for " + r + " spatial axes; AffineGrid makes 2-D and 3-D grids");
        }
        if (fromSize >= 0 && fromSize != r) {
            throw c.error("input size has " + (fromSize + 2) + " entries but theta is for " + r + " spatial axes (size must have " + (r + 2) + ")");
        }
        return (int) r;
    }

    /**
     * The normalized positions of an axis of {@code length} positions: their centres from -1 to 1
     * with align_corners (a single one at -1, as the reference has it), else the centres of
     * {@code length} equal cells splitting [-1, 1].
     */
    private static Output<?> positions(ConversionContext c, Output<?> length, DataType t, boolean alignCorners) {
        Output<?> i = Tf.cast(c, Tf.iota(c, length), t);
        Output<?> d = Tf.cast(c, length, t);
        Output<?> one = c.scalar(1, t);
        Output<?> two = c.scalar(2, t);
        if (alignCorners) {
            Output<?> single = op(c, "LessEqual", d, one);
            Output<?> gaps = op(c, "SelectV2", single, one, op(c, "Sub", d, one));
            return op(c, "Sub", op(c, "RealDiv", op(c, "Mul", i, two), gaps), one);
        }
        return op(c, "Sub", op(c, "RealDiv", op(c, "AddV2", op(c, "Mul", i, two), one), d), one);
    }

    private static void requireFloat(ConversionContext c, Output<?> value, String input) {
        DataType t = c.typeOf(value);
        if (!FLOAT_TYPES.contains(t)) {
            throw c.error("input " + input + " is " + t + "; only float, double, float16 and bfloat16 are supported");
        }
    }

    private static String text(ConversionContext c, String name, String fallback) {
        return c.node().attribute(name).map(Attribute::asString).orElse(fallback);
    }
}
