package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.spi.ConversionContext;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Output;

/**
 * ONNX Conv in 2 and 3 spatial dimensions (1-D through {@link OneDimensional}), and the
 * channels-last helpers it shares with pooling and transposed convolution. ONNX's channels-first
 * layout is transposed to TensorFlow's channels-last around the op, since TensorFlow's CPU kernels
 * want it. Only ops with a gradient in TensorFlow's C++ registry are used, so that models train:
 * Conv3D has none there, so a 3-D convolution is a sum of 2-D ones, one per depth tap of the kernel.
 */
final class Convolution {
    private Convolution() {
    }

    /** Conv; with groups, each group of input channels convolved by its own filters, the results joined. */
    static List<Output<?>> conv(ConversionContext c) {
        Output<?> x = c.input(0);
        Output<?> w = c.input(1);
        int n = spatialRank(c, x);
        long[] kernel = kernel(c, w, n);
        long[] strides = ints(c, "strides", n, 1);
        long[] dilations = ints(c, "dilations", n, 1);
        long[] pads = pads(c, x, kernel, strides, dilations);
        long groups = c.node().intAttribute("group", 1);
        Output<?> y;
        if (groups == 1) {
            y = convolve(c, x, w, strides, dilations, pads);
        } else {
            y = perGroup(c, groups, x, 1, w, 0, (xg, wg) -> convolve(c, xg, wg, strides, dilations, pads));
        }
        return List.of(c.hasInput(2) ? addBias(c, y, c.input(2)) : y);
    }

    /** One convolution of channels-first {@code x} by {@code [out, in, spatial...]} {@code w}, without bias, channels-first out. */
    /**
     * A grouped convolution: the input split into {@code groups} along {@code inputAxis}, the
     * weights along {@code weightAxis}, each pair convolved, the results joined along the input's axis.
     */
    static Output<?> perGroup(ConversionContext c, long groups, Output<?> x, int inputAxis, Output<?> w, int weightAxis,
                              java.util.function.BinaryOperator<Output<?>> convolve) {
        var xs = builder(c, "Split", c.scalar(inputAxis, DataType.INT32), x).setAttr("num_split", groups).build();
        var ws = builder(c, "Split", c.scalar(weightAxis, DataType.INT32), w).setAttr("num_split", groups).build();
        List<Output<?>> parts = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            parts.add(convolve.apply(xs.output(g), ws.output(g)));
        }
        return Tf.concat(c, parts, inputAxis);
    }

    private static Output<?> convolve(ConversionContext c, Output<?> x, Output<?> w, long[] strides, long[] dilations, long[] pads) {
        int n = strides.length;
        Output<?> filter = Tf.transpose(c, w, spatialFirst(n));
        if (pads == null) {
            // SAME_UPPER with spatial sizes unknown while compiling: TensorFlow's SAME is the same padding.
            if (n != 2) {
                throw c.error("auto_pad needs the spatial sizes known while compiling in the TensorFlow backend");
            }
            Output<?> y = builder(c, "Conv2D", channelsLast(c, x), filter).setAttr("strides", new long[] {1, strides[0], strides[1], 1})
                    .setAttr("padding", "SAME").setAttr("data_format", "NHWC").build().output(0);
            return channelsFirst(c, y);
        }
        return channelsFirst(c, valid(c, pad(c, channelsLast(c, x), pads, null), filter, strides, dilations));
    }

    /** Channels-first {@code y} plus one bias per channel. */
    static Output<?> addBias(ConversionContext c, Output<?> y, Output<?> bias) {
        long[] shape = new long[c.rank(y) - 1];
        Arrays.fill(shape, 1);
        shape[0] = -1;
        return op(c, "AddV2", y, op(c, "Reshape", bias, c.longs(shape)));
    }

    /**
     * The unpadded convolution of channels-last {@code x} by a {@code [spatial..., in, out]} filter.
     * A 3-D one sums, over the kernel's depth taps, 2-D convolutions of the matching depth slices
     * (strided by the depth stride) folded into the batch.
     */
    static Output<?> valid(ConversionContext c, Output<?> x, Output<?> filter, long[] strides, long[] dilations) {
        if (strides.length == 2) {
            return valid2d(c, x, filter, strides, dilations);
        }
        long taps = filter.shape().get(0);
        if (taps < 0) {
            throw c.error("3-D Conv needs the kernel's depth known while compiling in the TensorFlow backend");
        }
        long[] planeStrides = Arrays.copyOfRange(strides, 1, 3);
        long[] planeDilations = Arrays.copyOfRange(dilations, 1, 3);
        Output<?> sum = null;
        for (int t = 0; t < taps; t++) {
            Output<?> slice = taps(c, x, 1, t, taps, dilations[0], strides[0]);
            Output<?> shape = Tf.shape(c, slice);
            Output<?> planes = Tf.reshape(c, slice, Tf.concat(c, List.of(c.longs(-1), Tf.slice1d(c, shape, 2, null))));
            Output<?> tapFilter = builder(c, "StridedSlice", filter, c.int32s(t), c.int32s(t + 1), c.int32s(1))
                    .setAttr("shrink_axis_mask", 1L).build().output(0);
            Output<?> y = valid2d(c, planes, tapFilter, planeStrides, planeDilations);
            y = Tf.reshape(c, y, Tf.concat(c, List.of(Tf.slice1d(c, shape, 0, 2L), Tf.slice1d(c, Tf.shape(c, y), 1, null))));
            sum = sum == null ? y : op(c, "AddV2", sum, y);
        }
        return sum;
    }

    private static Output<?> valid2d(ConversionContext c, Output<?> nhwc, Output<?> filter, long[] strides, long[] dilations) {
        if (dilations[0] == 1 && dilations[1] == 1) {
            boolean strided = strides[0] != 1 || strides[1] != 1;
            if (strided && nhwc.shape().numDimensions() == 4 && nhwc.shape().get(3) == 1) {
                // With one input channel TensorFlow's strided Conv2D gives a wrong input gradient
                // (zeros where finite differences give the slope; found by the gradient checks, also
                // through depthwise groups): a second, zero channel, with zero weights, avoids it.
                nhwc = Tf.concat(c, List.of(nhwc, op(c, "ZerosLike", nhwc)), 3);
                filter = Tf.concat(c, List.of(filter, op(c, "ZerosLike", filter)), 2);
            }
            return builder(c, "Conv2D", nhwc, filter).setAttr("strides", new long[] {1, strides[0], strides[1], 1})
                    .setAttr("padding", "VALID").setAttr("data_format", "NHWC").build().output(0);
        }
        // TensorFlow's dilated Conv2D gradient crashes in oneDNN; convolve the dilation phases
        // separately instead (SpaceToBatchND -> Conv2D -> BatchToSpaceND), as tf.nn.convolution does,
        // then keep every stride-th output.
        org.tensorflow.ndarray.Shape s = nhwc.shape();
        if (s.isUnknown() || s.get(1) < 0 || s.get(2) < 0) {
            throw c.error("dilated Conv needs static spatial dimensions in the TensorFlow backend");
        }
        Output<?> extra = c.constant(TensorData.ofInts(new long[] {2, 2},
                0, (int) Math.floorMod(-s.get(1), dilations[0]), 0, (int) Math.floorMod(-s.get(2), dilations[1])));
        Output<?> phases = op(c, "SpaceToBatchND", nhwc, c.int32s(dilations[0], dilations[1]), extra);
        Output<?> y = builder(c, "Conv2D", phases, filter).setAttr("strides", new long[] {1, 1, 1, 1})
                .setAttr("padding", "VALID").setAttr("data_format", "NHWC").build().output(0);
        y = op(c, "BatchToSpaceND", y, c.int32s(dilations[0], dilations[1]), extra);
        if (strides[0] != 1 || strides[1] != 1) {
            y = builder(c, "StridedSlice", y, Tf.filled(c, 4, 0), Tf.filled(c, 4, 0), c.int32s(1, strides[0], strides[1], 1))
                    .setAttr("begin_mask", 15L).setAttr("end_mask", 15L).build().output(0);
        }
        return y;
    }

    /**
     * Along channels-last {@code axis}, the inputs that kernel tap {@code t} (of {@code taps}, spaced
     * {@code dilation}) sees at each output position, {@code stride} apart: a strided slice that
     * stops where the last tap would run past the end.
     */
    static Output<?> taps(ConversionContext c, Output<?> x, int axis, long t, long taps, long dilation, long stride) {
        return taps(c, x, new int[] {axis}, new long[] {t}, new long[] {taps}, new long[] {dilation}, new long[] {stride});
    }

    /** {@link #taps} along several axes at once. */
    static Output<?> taps(ConversionContext c, Output<?> x, int[] axes, long[] t, long[] taps, long[] dilations, long[] strides) {
        int rank = c.rank(x);
        long[] begin = new long[rank], end = new long[rank], step = new long[rank];
        Arrays.fill(step, 1);
        long endMask = 0;
        for (int d = 0; d < rank; d++) {
            endMask |= 1L << d;
        }
        for (int i = 0; i < axes.length; i++) {
            int a = axes[i];
            begin[a] = t[i] * dilations[i];
            end[a] = -(taps[i] - 1 - t[i]) * dilations[i];
            step[a] = strides[i];
            if (end[a] != 0) {
                endMask &= ~(1L << a);
            }
        }
        // int32 bounds: TensorFlow's StridedSlice gradient takes int32 ones.
        return builder(c, "StridedSlice", x, c.int32s(begin), c.int32s(end), c.int32s(step)).setAttr("end_mask", endMask).build().output(0);
    }

    /**
     * ONNX pads {@code [begins..., ends...]} from the attribute or auto_pad; null means TensorFlow's
     * SAME, for SAME_UPPER without dilation when the spatial sizes are unknown while compiling.
     */
    static long[] pads(ConversionContext c, Output<?> x, long[] kernel, long[] strides, long[] dilations) {
        int n = kernel.length;
        String autoPad = c.node().attribute("auto_pad").map(Attribute::asString).orElse("NOTSET");
        if (autoPad.equals("NOTSET")) {
            return ints(c, "pads", 2 * n, 0);
        }
        if (autoPad.equals("VALID")) {
            return new long[2 * n];
        }
        if (!autoPad.equals("SAME_UPPER") && !autoPad.equals("SAME_LOWER")) {
            throw c.error("auto_pad " + autoPad + " is not supported by the TensorFlow backend");
        }
        long[] in = spatialSizes(x);
        if (in == null) {
            if (autoPad.equals("SAME_UPPER") && Arrays.stream(dilations).allMatch(d -> d == 1)) {
                return null;
            }
            throw c.error("auto_pad " + autoPad + " needs the spatial sizes known while compiling in the TensorFlow backend");
        }
        long[] pads = new long[2 * n];
        for (int i = 0; i < n; i++) {
            // ONNX: the output is ceil(in / stride) long; SAME_LOWER puts the odd padding element first.
            long out = (in[i] + strides[i] - 1) / strides[i];
            long total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in[i]);
            pads[i] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
            pads[n + i] = total - pads[i];
        }
        return pads;
    }

    /** Channels-last {@code x} padded by ONNX {@code pads} on its spatial axes, with {@code value} (null: zeros). */
    static Output<?> pad(ConversionContext c, Output<?> x, long[] pads, Output<?> value) {
        if (Arrays.stream(pads).allMatch(p -> p == 0)) {
            return x;
        }
        int n = pads.length / 2;
        int[] paddings = new int[2 * (n + 2)];
        for (int i = 0; i < n; i++) {
            paddings[2 * (i + 1)] = (int) pads[i];
            paddings[2 * (i + 1) + 1] = (int) pads[n + i];
        }
        // A Pad op, not Conv2D's EXPLICIT padding: TensorFlow's Conv2D gradient loses explicit paddings.
        // int32 paddings: TensorFlow's Pad gradient takes int32 ones.
        Output<?> matrix = c.constant(TensorData.ofInts(new long[] {n + 2, 2}, paddings));
        return value == null ? op(c, "Pad", x, matrix) : op(c, "PadV2", x, matrix, value);
    }

    /** The number of spatial axes of channels-first {@code x}: 2 or 3 (1-D is lifted to 2-D before). */
    static int spatialRank(ConversionContext c, Output<?> x) {
        int n = c.rank(x) - 2;
        if (n != 2 && n != 3) {
            throw c.error("only 1-D, 2-D and 3-D inputs (rank 3 to 5) are supported by the TensorFlow backend");
        }
        return n;
    }

    /** The spatial sizes of channels-first {@code x}, or null when some are unknown while compiling. */
    static long[] spatialSizes(Output<?> x) {
        org.tensorflow.ndarray.Shape s = x.shape();
        if (s.isUnknown()) {
            return null;
        }
        long[] sizes = new long[s.numDimensions() - 2];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = s.get(2 + i);
            if (sizes[i] < 0) {
                return null;
            }
        }
        return sizes;
    }

    /** The kernel's spatial size, from the weight's static shape or kernel_shape. */
    static long[] kernel(ConversionContext c, Output<?> w, int n) {
        long[] fromShape = spatialSizes(w);
        long[] kernel = fromShape != null && fromShape.length == n ? fromShape : c.node().attribute("kernel_shape").map(Attribute::asInts).orElse(null);
        if (kernel == null) {
            throw c.error("the kernel's spatial size must be known while compiling (a static weight shape or kernel_shape)");
        }
        return kernel;
    }

    /** An ints attribute, or {@code size} copies of {@code fill}. */
    static long[] ints(ConversionContext c, String name, int size, long fill) {
        return c.node().attribute(name).map(Attribute::asInts).orElseGet(() -> {
            long[] v = new long[size];
            Arrays.fill(v, fill);
            return v;
        });
    }

    static Output<?> channelsLast(ConversionContext c, Output<?> x) {
        int rank = c.rank(x);
        long[] perm = new long[rank];
        for (int d = 1; d < rank - 1; d++) {
            perm[d] = d + 1;
        }
        perm[rank - 1] = 1;
        return Tf.transpose(c, x, perm);
    }

    static Output<?> channelsFirst(ConversionContext c, Output<?> x) {
        int rank = c.rank(x);
        long[] perm = new long[rank];
        perm[1] = rank - 1;
        for (int d = 2; d < rank; d++) {
            perm[d] = d - 1;
        }
        return Tf.transpose(c, x, perm);
    }

    /** The permutation of {@code [a, b, spatial...]} to {@code [spatial..., b, a]}. */
    static long[] spatialFirst(int n) {
        long[] perm = new long[n + 2];
        for (int i = 0; i < n; i++) {
            perm[i] = i + 2;
        }
        perm[n] = 1;
        perm[n + 1] = 0;
        return perm;
    }
}
