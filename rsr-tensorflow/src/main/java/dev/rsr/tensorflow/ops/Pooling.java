package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.spi.ConversionContext;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Output;

/**
 * ONNX MaxPool, AveragePool and LpPool in 2 and 3 spatial dimensions (1-D through
 * {@link OneDimensional}), channels-last inside. The padding is a Pad op (−∞ for MaxPool) so that TensorFlow's pools run
 * unpadded; ceil_mode pads the end further. Without dilation TensorFlow's MaxPool, AvgPool,
 * MaxPool3D and AvgPool3D (all differentiable) do the pooling; TensorFlow's pools have no
 * dilation, so a dilated one is the maximum or sum of one strided slice per kernel tap.
 * MaxPool's Indices output is the input position of the window's first maximum. LpPool is a sum
 * pool of {@code |x|^p}: the zero-padded average pool times the window size.
 */
final class Pooling {
    private Pooling() {
    }

    /** What a pool does with its window: ONNX's padding is −∞ for the maximum and zeros for the sum. */
    private enum Kind { MAX, AVERAGE, SUM }

    static List<Output<?>> convert(ConversionContext c, boolean max) {
        return convert(c, c.input(0), max ? Kind.MAX : Kind.AVERAGE);
    }

    /** LpPool: {@code (Σ |x|^p)^(1/p)} over each window, padding counting as zeros. */
    static List<Output<?>> lpPool(ConversionContext c) {
        Output<?> x = c.input(0);
        long p = c.node().intAttribute("p", 2);
        if (p < 1) {
            throw c.error("attribute p must be at least 1, got " + p);
        }
        DataType type = c.typeOf(x);
        // Square and Sqrt for the common p = 2: simpler kernels and gradients than Pow's.
        Output<?> powered = p == 1 ? op(c, "Abs", x) : p == 2 ? op(c, "Square", x) : op(c, "Pow", op(c, "Abs", x), c.scalar(p, type));
        Output<?> sum = convert(c, powered, Kind.SUM).get(0);
        return List.of(p == 1 ? sum : p == 2 ? op(c, "Sqrt", sum) : op(c, "Pow", sum, c.scalar(1.0 / p, type)));
    }

    private static List<Output<?>> convert(ConversionContext c, Output<?> x, Kind kind) {
        boolean max = kind == Kind.MAX;
        int n = Convolution.spatialRank(c, x);
        long[] kernel = c.node().attribute("kernel_shape").map(Attribute::asInts).orElseThrow(() -> c.error("kernel_shape is required"));
        long[] strides = Convolution.ints(c, "strides", n, 1);
        long[] dilations = Convolution.ints(c, "dilations", n, 1);
        boolean dilated = Arrays.stream(dilations).anyMatch(d -> d != 1);
        boolean ceil = c.node().intAttribute("ceil_mode", 0) != 0;
        boolean includePad = !max && c.node().intAttribute("count_include_pad", 0) != 0;
        boolean indices = max && c.node().outputs().size() > 1 && !c.node().outputs().get(1).isEmpty();
        long[] pads = Convolution.pads(c, x, kernel, strides, dilations);
        Output<?> channelsLast = Convolution.channelsLast(c, x);
        DataType type = c.typeOf(x);
        String tfOp = (max ? "MaxPool" : "AvgPool") + (n == 3 ? "3D" : "");
        long[] in = Convolution.spatialSizes(x);
        if (pads == null && !indices) {
            // SAME_UPPER with sizes unknown while compiling: TensorFlow's SAME pools only real elements.
            if (includePad || kind == Kind.SUM) {
                throw c.error("auto_pad " + (includePad ? "with count_include_pad " : "")
                        + "needs the spatial sizes known while compiling in the TensorFlow backend");
            }
            return List.of(Convolution.channelsFirst(c, pool(c, tfOp, channelsLast, kernel, strides, "SAME")));
        }
        boolean padded = pads != null && Arrays.stream(pads).anyMatch(p -> p != 0);
        if (in == null && (ceil || dilated || indices || (padded && kind == Kind.AVERAGE && !includePad))) {
            throw c.error("this pooling needs the spatial sizes known while compiling in the TensorFlow backend");
        }
        long[] padsWithCeil = ceil ? ceilPads(in, kernel, strides, dilations, pads) : pads;
        // MaxPool pads with the lowest value: −∞, or for unsigned types zero, Pad's own filling.
        boolean unsigned = List.of(DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64).contains(type);
        boolean filling = max && !unsigned && Arrays.stream(padsWithCeil).anyMatch(p -> p != 0);
        Output<?> filled = Convolution.pad(c, channelsLast, padsWithCeil, filling ? c.scalar(Double.NEGATIVE_INFINITY, type) : null);
        Output<?> y = null;
        Output<?> argmax = null;
        if (!dilated && !indices) {
            y = pool(c, tfOp, filled, kernel, strides, "VALID");
        } else {
            int[] axes = new int[n];
            for (int i = 0; i < n; i++) {
                axes[i] = i + 1;
            }
            // Indices need TensorFlow's MaxPoolWithArgmax remapped around the padding and from its
            // channels-last numbering; tracking the winning tap's input position is simpler.
            Output<?> positions = indices ? c.constant(positions(in, padsWithCeil, c.node().intAttribute("storage_order", 0) != 0)) : null;
            long[] tap = new long[n];
            do {
                Output<?> part = Convolution.taps(c, filled, axes, tap, kernel, dilations, strides);
                Output<?> position = indices ? Convolution.taps(c, positions, axes, tap, kernel, dilations, strides) : null;
                if (y == null) {
                    argmax = position;
                } else if (indices) {
                    // Strictly greater: the first maximum in scan order wins, as in ONNX Runtime.
                    argmax = op(c, "SelectV2", op(c, "Greater", part, y), position, argmax);
                }
                y = y == null ? part : op(c, max ? "Maximum" : "AddV2", y, part);
            } while (next(tap, kernel));
        }
        if (kind == Kind.SUM && !dilated) {
            long window = Arrays.stream(kernel).reduce(1, (a, b) -> a * b);
            y = op(c, "Mul", y, c.scalar(window, type));
        } else if (kind == Kind.AVERAGE) {
            // TensorFlow's AvgPool divides by the window size and a sum by nothing: divide by the
            // ONNX count instead where it differs (computed here: OnesLike has no TensorFlow gradient).
            long window = Arrays.stream(kernel).reduce(1, (a, b) -> a * b);
            long divided = dilated ? 1 : window;
            if (in != null) {
                TensorData factor = rescale(in, kernel, strides, dilations, pads, padsWithCeil, includePad, divided);
                if (factor != null) {
                    y = op(c, "Mul", y, Tf.cast(c, c.constant(factor), type));
                }
            }
        }
        if (!indices) {
            return List.of(Convolution.channelsFirst(c, y));
        }
        return List.of(Convolution.channelsFirst(c, y), Convolution.channelsFirst(c, overWholeTensor(c, x, argmax, in)));
    }

    /** Channels-last positions within one image and channel, as ONNX's indices: over the whole channels-first tensor. */
    private static Output<?> overWholeTensor(ConversionContext c, Output<?> x, Output<?> positions, long[] in) {
        int n = in.length;
        long planeSize = Arrays.stream(in).reduce(1, (a, b) -> a * b);
        long[] channelShape = new long[n + 2];
        Arrays.fill(channelShape, 1);
        channelShape[n + 1] = -1;
        long[] batchShape = channelShape.clone();
        batchShape[n + 1] = 1;
        batchShape[0] = -1;
        Output<?> channels = Tf.dim(c, x, 1);
        Output<?> channelOffsets = op(c, "Mul", Tf.reshape(c, Tf.iota(c, channels), c.longs(channelShape)), c.scalar(planeSize, DataType.INT64));
        Output<?> imageOffsets = op(c, "Mul", Tf.reshape(c, Tf.iota(c, Tf.dim(c, x, 0)), c.longs(batchShape)),
                op(c, "Mul", channels, c.scalar(planeSize, DataType.INT64)));
        return op(c, "AddV2", op(c, "AddV2", positions, channelOffsets), imageOffsets);
    }

    /**
     * {@code [1, padded spatial..., 1]}: each real element's flat position in its image and channel
     * (row-major, or column-major with storage_order 1), −1 in the padding.
     */
    private static TensorData positions(long[] in, long[] pads, boolean columnMajor) {
        int n = in.length;
        long[] shape = new long[n + 2];
        shape[0] = shape[n + 1] = 1;
        for (int i = 0; i < n; i++) {
            shape[i + 1] = in[i] + pads[i] + pads[n + i];
        }
        long[] values = new long[(int) TensorData.elementCount(shape)];
        long[] at = new long[n];
        int k = 0;
        do {
            long position = 0;
            boolean real = true;
            for (int j = 0; j < n; j++) {
                int i = columnMajor ? n - 1 - j : j;
                long p = at[i] - pads[i];
                real &= p >= 0 && p < in[i];
                position = position * in[i] + p;
            }
            values[k++] = real ? position : -1;
        } while (next(at, Arrays.copyOfRange(shape, 1, n + 1)));
        return TensorData.ofLongs(shape, values);
    }

    /**
     * The pads with the end padding grown to fit ceil_mode's last windows, of which ONNX drops any
     * that would start in the end padding.
     */
    private static long[] ceilPads(long[] in, long[] kernel, long[] strides, long[] dilations, long[] pads) {
        int n = kernel.length;
        long[] grown = pads.clone();
        for (int i = 0; i < n; i++) {
            long span = (kernel[i] - 1) * dilations[i] + 1;
            long length = in[i] + pads[i] + pads[n + i];
            long out = Math.floorDiv(length - span + strides[i] - 1, strides[i]) + 1;
            if ((out - 1) * strides[i] >= in[i] + pads[i]) {
                out--;
            }
            grown[n + i] += Math.max(0, (out - 1) * strides[i] + span - length);
        }
        return grown;
    }

    /**
     * {@code [1, out..., 1]}: {@code divided} / the number of elements ONNX averages over in each
     * window (real ones, and with count_include_pad also the pads, though never ceil_mode's extra
     * end padding); null when that is {@code divided} everywhere.
     */
    private static TensorData rescale(long[] in, long[] kernel, long[] strides, long[] dilations, long[] pads, long[] padsWithCeil,
                                      boolean includePad, long divided) {
        int n = kernel.length;
        long[][] counts = new long[n][];
        long[] outShape = new long[n + 2];
        outShape[0] = 1;
        outShape[n + 1] = 1;
        for (int i = 0; i < n; i++) {
            long span = (kernel[i] - 1) * dilations[i] + 1;
            int out = (int) ((in[i] + padsWithCeil[i] + padsWithCeil[n + i] - span) / strides[i] + 1);
            outShape[i + 1] = out;
            long low = includePad ? -pads[i] : 0;
            long high = includePad ? in[i] + pads[n + i] : in[i];
            counts[i] = new long[out];
            for (int o = 0; o < out; o++) {
                for (long t = 0; t < kernel[i]; t++) {
                    long at = o * strides[i] - pads[i] + t * dilations[i];
                    if (at >= low && at < high) {
                        counts[i][o]++;
                    }
                }
            }
        }
        float[] factor = new float[(int) TensorData.elementCount(outShape)];
        boolean uniform = true;
        long[] position = new long[n];
        long[] outs = Arrays.copyOfRange(outShape, 1, n + 1);
        int k = 0;
        do {
            long count = 1;
            for (int i = 0; i < n; i++) {
                count *= counts[i][(int) position[i]];
            }
            factor[k++] = (float) divided / count;
            uniform &= count == divided;
        } while (next(position, outs));
        return uniform ? null : TensorData.ofFloats(outShape, factor);
    }

    /** Steps a multi-index through {@code [0, limits)} in row-major order; false once past the end. */
    private static boolean next(long[] index, long[] limits) {
        for (int i = index.length - 1; i >= 0; i--) {
            if (++index[i] < limits[i]) {
                return true;
            }
            index[i] = 0;
        }
        return false;
    }

    private static Output<?> pool(ConversionContext c, String tfOp, Output<?> x, long[] kernel, long[] strides, String padding) {
        int n = kernel.length;
        long[] ksize = new long[n + 2], step = new long[n + 2];
        ksize[0] = ksize[n + 1] = step[0] = step[n + 1] = 1;
        for (int i = 0; i < n; i++) {
            ksize[i + 1] = kernel[i];
            step[i + 1] = strides[i];
        }
        return builder(c, tfOp, x).setAttr("ksize", ksize).setAttr("strides", step)
                .setAttr("padding", padding).setAttr("data_format", n == 3 ? "NDHWC" : "NHWC").build().output(0);
    }
}
