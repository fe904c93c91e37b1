package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Output;

/**
 * ONNX's Resize (and the older Upsample) in any rank, one resized axis after another: the source
 * coordinate of every output index is computed in the graph (in double precision, as ONNX's
 * reference does), then the neighbouring input slices are gathered and weighted. Gathers and
 * products are what TensorFlow differentiates, so gradients reach the data input; scales, sizes
 * and roi may be computed in the graph.
 */
public final class ResizeOps implements OpConverterProvider {
    public static final String NAME = "rsr-resize-ops";

    private static final Set<String> TRANSFORMS = Set.of("half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
            "asymmetric", "tf_crop_and_resize");
    /** Resize before opset 11 and Upsample round down when enlarging and up when shrinking, as ONNX Runtime does. */
    private static final String LEGACY_NEAREST = "legacy";
    private static final Set<String> NEAREST_MODES = Set.of("round_prefer_floor", "round_prefer_ceil", "floor", "ceil");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        Map<String, OpConverter> m = new LinkedHashMap<>();
        m.put("Resize", c -> List.of(resize(c)));
        m.put("Upsample", c -> List.of(upsample(c)));
        return Collections.unmodifiableMap(m);
    }

    /** How one node samples: the attributes that do not depend on the axis. */
    private record Sampling(String mode, String transform, String nearestMode, double cubicA, boolean excludeOutside,
                            double extrapolation, boolean antialias) {
    }

    /** What one resized axis becomes: output length (int64), scale, and the unrounded output length (doubles). */
    private record AxisSize(Output<?> length, Output<?> scale, Output<?> width) {
    }

    private static Output<?> resize(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        boolean legacy = c.opset() < 11;
        String mode = text(c, "mode", "nearest");
        String transform = legacy ? "asymmetric" : text(c, "coordinate_transformation_mode", "half_pixel");
        String nearestMode = legacy ? LEGACY_NEAREST : text(c, "nearest_mode", "round_prefer_floor");
        if (!TRANSFORMS.contains(transform)) {
            throw c.error("coordinate_transformation_mode '" + transform + "' is not one of " + TRANSFORMS);
        }
        Sampling s = sampling(c, mode, transform, nearestMode);
        int[] axes = axes(c, rank);
        int scalesInput = legacy ? 1 : 2;
        Output<?> sizes = !legacy && given(c, 3) ? control(c, c.input(3)) : null;
        Output<?> scales = sizes == null && given(c, scalesInput) ? control(c, c.input(scalesInput)) : null;
        if (sizes == null && scales == null) {
            throw c.error("neither scales nor sizes is given");
        }
        Output<?> roi = null;
        if (transform.equals("tf_crop_and_resize")) {
            if (!given(c, 1)) {
                throw c.error("coordinate_transformation_mode 'tf_crop_and_resize' needs the roi input");
            }
            roi = control(c, c.input(1));
        }
        String policy = text(c, "keep_aspect_ratio_policy", "stretch");
        if (!Set.of("stretch", "not_larger", "not_smaller").contains(policy)) {
            throw c.error("keep_aspect_ratio_policy '" + policy + "' is not one of stretch, not_larger, not_smaller");
        }
        List<AxisSize> resized = sizes != null ? fromSizes(c, x, axes, sizes, policy) : fromScales(c, x, axes, scales, roi);
        boolean identityPossible = roi == null && (sizes == null || policy.equals("stretch"));
        Output<?> y = x;
        for (int i = 0; i < axes.length; i++) {
            if (identityPossible && unchanged(c, x, axes[i], i, sizes != null ? 3 : scalesInput, sizes != null)) {
                continue;
            }
            Output<?> roiStart = roi == null ? null : element(c, roi, i);
            Output<?> roiEnd = roi == null ? null : element(c, roi, axes.length + i);
            y = resizeAxis(c, y, axes[i], rank, resized.get(i), roiStart, roiEnd, s);
        }
        return y;
    }

    /** Upsample (deprecated): scales for every axis as an attribute (opset 7) or input 1, asymmetric coordinates. */
    private static Output<?> upsample(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        float[] attributeScales = c.hasInput(1) ? null
                : c.node().attribute("scales").map(Attribute::asFloats).orElseThrow(() -> c.error("missing scales"));
        Output<?> scales = control(c, attributeScales == null ? c.input(1)
                : c.constant(TensorData.ofFloats(new long[] {attributeScales.length}, attributeScales)));
        Sampling s = sampling(c, text(c, "mode", "nearest"), "asymmetric", LEGACY_NEAREST);
        int[] axes = new int[rank];
        for (int i = 0; i < rank; i++) {
            axes[i] = i;
        }
        List<AxisSize> resized = fromScales(c, x, axes, scales, null);
        Output<?> y = x;
        for (int i = 0; i < rank; i++) {
            boolean unchanged = attributeScales != null ? attributeScales[i] == 1f : unchanged(c, x, i, i, 1, false);
            if (!unchanged) {
                y = resizeAxis(c, y, i, rank, resized.get(i), null, null, s);
            }
        }
        return y;
    }

    private static Sampling sampling(ConversionContext c, String mode, String transform, String nearestMode) {
        if (!Set.of("nearest", "linear", "cubic").contains(mode)) {
            throw c.error("mode '" + mode + "' is not one of nearest, linear, cubic");
        }
        if (!nearestMode.equals(LEGACY_NEAREST) && !NEAREST_MODES.contains(nearestMode)) {
            throw c.error("nearest_mode '" + nearestMode + "' is not one of " + NEAREST_MODES);
        }
        DataType t = c.typeOf(c.input(0));
        if (!mode.equals("nearest") && t != DataType.FLOAT && t != DataType.DOUBLE && t != DataType.FLOAT16) {
            throw c.error("mode '" + mode + "' on " + t + " data: only float, double and float16 are interpolated");
        }
        return new Sampling(mode, transform, nearestMode, c.node().floatAttribute("cubic_coeff_a", -0.75f),
                c.node().intAttribute("exclude_outside", 0) != 0, c.node().floatAttribute("extrapolation_value", 0f),
                c.node().intAttribute("antialias", 0) != 0);
    }

    /** Output lengths from sizes; with a keep_aspect_ratio_policy, one common scale and lengths rounded half up. */
    private static List<AxisSize> fromSizes(ConversionContext c, Output<?> x, int[] axes, Output<?> sizes, String policy) {
        List<Output<?>> inputLengths = new ArrayList<>();
        List<Output<?>> ratios = new ArrayList<>();
        for (int i = 0; i < axes.length; i++) {
            Output<?> n = length(c, x, axes[i]);
            inputLengths.add(n);
            ratios.add(op(c, "RealDiv", element(c, sizes, i), n));
        }
        List<AxisSize> out = new ArrayList<>();
        if (policy.equals("stretch")) {
            for (int i = 0; i < axes.length; i++) {
                Output<?> size = element(c, sizes, i);
                out.add(new AxisSize(Tf.cast(c, size, DataType.INT64), ratios.get(i), size));
            }
            return out;
        }
        Output<?> common = Tf.reduce(c, policy.equals("not_larger") ? "Min" : "Max", builder(c, "Pack").addInputList(ratios.toArray(new Output<?>[0])).build().output(0),
                c.int32s(0), false);
        for (Output<?> n : inputLengths) {
            Output<?> width = op(c, "Mul", common, n);
            Output<?> rounded = op(c, "Floor", op(c, "AddV2", width, c.scalar(0.5, DataType.DOUBLE)));
            out.add(new AxisSize(Tf.cast(c, rounded, DataType.INT64), common, width));
        }
        return out;
    }

    /** Output lengths {@code floor(length · scale)}, of the roi's part of the axis for tf_crop_and_resize. */
    private static List<AxisSize> fromScales(ConversionContext c, Output<?> x, int[] axes, Output<?> scales, Output<?> roi) {
        List<AxisSize> out = new ArrayList<>();
        for (int i = 0; i < axes.length; i++) {
            Output<?> scale = element(c, scales, i);
            Output<?> width = op(c, "Mul", scale, length(c, x, axes[i]));
            Output<?> cropped = roi == null ? width
                    : op(c, "Mul", width, op(c, "Sub", element(c, roi, axes.length + i), element(c, roi, i)));
            out.add(new AxisSize(Tf.cast(c, op(c, "Floor", cropped), DataType.INT64), scale, width));
        }
        return out;
    }

    /**
     * True when entry {@code i} of a constant scales (or sizes) input leaves {@code axis} as it is: a
     * scale of 1, or a size equal to the static length. Every mode but tf_crop_and_resize then reads
     * each input index once with weight 1, so the axis is skipped, which saves gathers over batch and
     * channels and keeps their static lengths.
     */
    private static boolean unchanged(ConversionContext c, Output<?> x, int axis, int i, int input, boolean isSize) {
        return c.constantInput(input).filter(t -> t.elementCount() > i).map(t -> t.getAsDouble(i))
                .map(v -> isSize ? v == x.shape().size(axis) : v == 1.0).orElse(false);
    }

    /** {@code y} resized along {@code axis}. */
    private static Output<?> resizeAxis(ConversionContext c, Output<?> y, int axis, int rank, AxisSize size, Output<?> roiStart,
                                        Output<?> roiEnd, Sampling s) {
        Output<?> n = length(c, y, axis);
        Output<?> last = op(c, "Sub", n, c.scalar(1, DataType.DOUBLE));
        Output<?> lastIndex = Tf.cast(c, last, DataType.INT64);
        Output<?> source = sourceCoordinates(c, size, n, roiStart, roiEnd, s.transform());
        Output<?> result;
        if (s.mode().equals("nearest")) {
            Output<?> index = clamp(c, Tf.cast(c, nearest(c, source, size.scale(), s.nearestMode()), DataType.INT64), lastIndex);
            result = gather(c, y, index, axis);
        } else {
            result = interpolate(c, y, axis, rank, source, size, n, lastIndex, s);
        }
        if (roiStart != null) {
            // tf_crop_and_resize: outside the input, the extrapolation value, as TensorFlow's CropAndResize does.
            Output<?> outside = op(c, "LogicalOr", op(c, "Less", source, c.scalar(0, DataType.DOUBLE)), op(c, "Greater", source, last));
            Output<?> mask = Tf.reshape(c, outside, trailingOnes(c, List.of(size.length()), rank - 1 - axis));
            result = op(c, "SelectV2", mask, c.scalar(s.extrapolation(), c.typeOf(y)), result);
        }
        return result;
    }

    /** The input coordinate of every output index, per coordinate_transformation_mode. */
    private static Output<?> sourceCoordinates(ConversionContext c, AxisSize size, Output<?> n, Output<?> roiStart, Output<?> roiEnd,
                                               String transform) {
        Output<?> x = Tf.cast(c, Tf.iota(c, size.length()), DataType.DOUBLE);
        Output<?> scale = size.scale();
        Output<?> one = c.scalar(1, DataType.DOUBLE);
        Output<?> half = c.scalar(0.5, DataType.DOUBLE);
        Output<?> halfPixel = op(c, "Sub", op(c, "RealDiv", op(c, "AddV2", x, half), scale), half);
        Output<?> last = op(c, "Sub", n, one);
        return switch (transform) {
            case "half_pixel" -> halfPixel;
            case "half_pixel_symmetric" -> {
                // Centres the rounded-down output on the input: matters where length · scale is not whole.
                Output<?> adjustment = op(c, "RealDiv", Tf.cast(c, size.length(), DataType.DOUBLE), size.width());
                Output<?> offset = op(c, "Mul", op(c, "Mul", n, half), op(c, "Sub", one, adjustment));
                yield op(c, "AddV2", halfPixel, offset);
            }
            case "pytorch_half_pixel" -> op(c, "SelectV2", op(c, "Greater", size.length(), c.scalar(1, DataType.INT64)), halfPixel,
                    op(c, "ZerosLike", halfPixel));
            case "asymmetric" -> op(c, "RealDiv", x, scale);
            case "align_corners" -> {
                // The unrounded output length, as ONNX's reference has it; a single output reads index 0.
                Output<?> single = op(c, "Equal", size.width(), one);
                Output<?> denominator = op(c, "SelectV2", single, one, op(c, "Sub", size.width(), one));
                yield op(c, "SelectV2", single, op(c, "ZerosLike", x), op(c, "RealDiv", op(c, "Mul", x, last), denominator));
            }
            case "tf_crop_and_resize" -> {
                Output<?> m = Tf.cast(c, size.length(), DataType.DOUBLE);
                Output<?> span = op(c, "Mul", op(c, "Sub", roiEnd, roiStart), last);
                Output<?> start = op(c, "Mul", roiStart, last);
                Output<?> single = op(c, "Equal", m, one);
                Output<?> step = op(c, "RealDiv", span, op(c, "SelectV2", single, one, op(c, "Sub", m, one)));
                Output<?> spread = op(c, "AddV2", start, op(c, "Mul", x, step));
                Output<?> centre = op(c, "AddV2", start, op(c, "Mul", span, half));
                yield op(c, "SelectV2", single, op(c, "AddV2", op(c, "ZerosLike", x), centre), spread);
            }
            default -> throw c.error("coordinate_transformation_mode '" + transform + "' is not supported");
        };
    }

    /** The nearest input index (unclamped, as a double) per nearest_mode. */
    private static Output<?> nearest(ConversionContext c, Output<?> source, Output<?> scale, String nearestMode) {
        Output<?> half = c.scalar(0.5, DataType.DOUBLE);
        return switch (nearestMode) {
            case "round_prefer_floor" -> op(c, "Ceil", op(c, "Sub", source, half));
            case "round_prefer_ceil" -> op(c, "Floor", op(c, "AddV2", source, half));
            case "floor" -> op(c, "Floor", source);
            case "ceil" -> op(c, "Ceil", source);
            default -> op(c, "SelectV2", op(c, "Less", scale, c.scalar(1, DataType.DOUBLE)), op(c, "Ceil", source), op(c, "Floor", source));
        };
    }

    /**
     * Linear or cubic interpolation: for every output index the taps {@code floor(source) + k} (clamped
     * to the axis, so the edge repeats) weighted by the kernel at their distance from the source. With
     * antialias, when shrinking, the kernel is stretched by {@code 1 / scale} and covers more taps.
     */
    private static Output<?> interpolate(ConversionContext c, Output<?> y, int axis, int rank, Output<?> source, AxisSize size,
                                         Output<?> n, Output<?> lastIndex, Sampling s) {
        boolean cubic = s.mode().equals("cubic");
        Output<?> one = c.scalar(1, DataType.DOUBLE);
        Output<?> stretch = s.antialias() ? op(c, "Minimum", size.scale(), one) : one;
        double support = cubic ? 2 : 1;
        // The first tap's offset from floor(source), and how many taps: all where the kernel is not zero.
        Output<?> first = op(c, "AddV2", op(c, "Floor", op(c, "RealDiv", c.scalar(-support, DataType.DOUBLE), stretch)), one);
        Output<?> firstOffset = Tf.cast(c, first, DataType.INT64);
        Output<?> taps = op(c, "Sub", c.scalar(2, DataType.INT64), op(c, "Mul", c.scalar(2, DataType.INT64), firstOffset));
        Output<?> offsets = op(c, "Range", firstOffset, op(c, "AddV2", firstOffset, taps), c.scalar(1, DataType.INT64));
        Output<?> base = Tf.cast(c, op(c, "Floor", source), DataType.INT64);
        Output<?> tapIndex = op(c, "AddV2", op(c, "ExpandDims", base, c.scalar(-1, DataType.INT32)),
                op(c, "ExpandDims", offsets, c.scalar(0, DataType.INT32)));
        Output<?> distance = op(c, "Mul", op(c, "Sub", Tf.cast(c, tapIndex, DataType.DOUBLE),
                op(c, "ExpandDims", source, c.scalar(-1, DataType.INT32))), stretch);
        Output<?> weight = cubic ? cubicKernel(c, distance, s.cubicA()) : linearKernel(c, distance);
        if (s.excludeOutside()) {
            Output<?> inside = op(c, "LogicalAnd", op(c, "GreaterEqual", tapIndex, c.scalar(0, DataType.INT64)),
                    op(c, "LessEqual", tapIndex, lastIndex));
            weight = op(c, "Mul", weight, Tf.cast(c, inside, DataType.DOUBLE));
        }
        if (s.excludeOutside() || s.antialias()) {
            weight = op(c, "RealDiv", weight, Tf.reduce(c, "Sum", weight, c.int32s(-1), true));
        }
        Output<?> gathered = gather(c, y, clamp(c, tapIndex, lastIndex), axis);
        Output<?> weightShape = trailingOnes(c, List.of(size.length(), taps), rank - 1 - axis);
        Output<?> weighted = op(c, "Mul", gathered, Tf.reshape(c, Tf.cast(c, weight, c.typeOf(y)), weightShape));
        return Tf.reduce(c, "Sum", weighted, c.int32s(axis + 1), false);
    }

    /** The triangle {@code max(0, 1 − |d|)}. */
    private static Output<?> linearKernel(ConversionContext c, Output<?> distance) {
        Output<?> zero = c.scalar(0, DataType.DOUBLE);
        return op(c, "Maximum", op(c, "Sub", c.scalar(1, DataType.DOUBLE), op(c, "Abs", distance)), zero);
    }

    /** Keys' cubic convolution kernel with coefficient {@code a}. */
    private static Output<?> cubicKernel(ConversionContext c, Output<?> distance, double a) {
        Output<?> d = op(c, "Abs", distance);
        Output<?> d2 = op(c, "Mul", d, d);
        Output<?> d3 = op(c, "Mul", d2, d);
        Output<?> near = op(c, "AddV2", op(c, "Sub", op(c, "Mul", d3, dbl(c, a + 2)), op(c, "Mul", d2, dbl(c, a + 3))), dbl(c, 1));
        Output<?> far = op(c, "Sub", op(c, "AddV2", op(c, "Sub", op(c, "Mul", d3, dbl(c, a)), op(c, "Mul", d2, dbl(c, 5 * a))),
                op(c, "Mul", d, dbl(c, 8 * a))), dbl(c, 4 * a));
        Output<?> value = op(c, "SelectV2", op(c, "LessEqual", d, dbl(c, 1)), near, far);
        return op(c, "SelectV2", op(c, "Less", d, dbl(c, 2)), value, op(c, "ZerosLike", d));
    }

    private static Output<?> gather(ConversionContext c, Output<?> y, Output<?> index, int axis) {
        return builder(c, "GatherV2", y, index, c.scalar(axis, DataType.INT32)).build().output(0);
    }

    private static Output<?> clamp(ConversionContext c, Output<?> index, Output<?> lastIndex) {
        return op(c, "Minimum", op(c, "Maximum", index, c.scalar(0, DataType.INT64)), lastIndex);
    }

    /** The shape {@code [leading…, 1 × ones]}, to broadcast a per-output-index tensor over the axes after the resized one. */
    private static Output<?> trailingOnes(ConversionContext c, List<Output<?>> leading, int ones) {
        List<Output<?>> parts = new ArrayList<>();
        for (Output<?> l : leading) {
            parts.add(Tf.reshape(c, l, c.longs(1)));
        }
        long[] rest = new long[ones];
        java.util.Arrays.fill(rest, 1);
        if (ones > 0) {
            parts.add(c.longs(rest));
        }
        return Tf.concat(c, parts);
    }

    /** A scales, sizes or roi input in double precision; the output is not differentiable in it. */
    private static Output<?> control(ConversionContext c, Output<?> value) {
        return op(c, "StopGradient", Tf.cast(c, value, DataType.DOUBLE));
    }

    /** The length of {@code axis} of {@code x} as a double scalar. */
    private static Output<?> length(ConversionContext c, Output<?> x, int axis) {
        return Tf.cast(c, Tf.dim(c, x, axis), DataType.DOUBLE);
    }

    /** Entry {@code i} of a 1-D tensor, as a scalar. */
    private static Output<?> element(ConversionContext c, Output<?> vector, int i) {
        return Tf.reshape(c, Tf.slice1d(c, vector, i, (long) i + 1), c.longs());
    }

    private static Output<?> dbl(ConversionContext c, double v) {
        return c.scalar(v, DataType.DOUBLE);
    }

    /** The resized axes: the axes attribute (opset 18) normalized, or all of them. */
    private static int[] axes(ConversionContext c, int rank) {
        long[] given = c.node().attribute("axes").map(Attribute::asInts).orElse(Tf.range(0, rank));
        int[] out = new int[given.length];
        for (int i = 0; i < given.length; i++) {
            if (given[i] < -rank || given[i] >= rank) {
                throw c.error("axes " + java.util.Arrays.toString(given) + " out of range for rank " + rank);
            }
            out[i] = Tf.axis(given[i], rank);
        }
        return out;
    }

    /** True when input {@code i} is given and not an empty constant (opset 11 to 13 pass empty roi and scales). */
    private static boolean given(ConversionContext c, int i) {
        return c.hasInput(i) && c.constantInput(i).map(t -> t.elementCount() > 0).orElse(true);
    }

    private static String text(ConversionContext c, String name, String fallback) {
        return c.node().attribute(name).map(Attribute::asString).orElse(fallback);
    }
}
