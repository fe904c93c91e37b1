package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.tensorflow.spi.ConversionContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Output;

/**
 * ONNX ConvTranspose (2-D and 3-D; 1-D through {@link OneDimensional}) from pieces TensorFlow
 * differentiates: zeros inserted between the input's elements (the stride), a padding of
 * {@code (k − 1)·d − pad} each side, and an ordinary convolution by the kernel flipped and dilated.
 * TensorFlow's own Conv2DBackpropInput has no registered gradient in its C++ API, so it cannot train.
 */
final class TransposedConvolution {
    private TransposedConvolution() {
    }

    static List<Output<?>> convert(ConversionContext c) {
        Output<?> x = c.input(0);
        Output<?> w = c.input(1);
        int n = Convolution.spatialRank(c, x);
        long groups = c.node().intAttribute("group", 1);
        long[] kernel = Convolution.kernel(c, w, n);
        long[] strides = Convolution.ints(c, "strides", n, 1);
        long[] dilations = Convolution.ints(c, "dilations", n, 1);
        long[] outputPadding = Convolution.ints(c, "output_padding", n, 0);
        long[] pads = pads(c, x, kernel, strides, dilations, outputPadding);

        Output<?> spread = Convolution.channelsLast(c, x);
        for (int axis = 0; axis < n; axis++) {
            spread = spread(c, spread, 1 + axis, strides[axis]);
        }
        // Each side gets (k − 1)·d minus ONNX's pad (plus output_padding at the end); a negative
        // amount is cropped after the convolution instead.
        long[] padding = new long[2 * n], crop = new long[2 * n];
        for (int axis = 0; axis < n; axis++) {
            long reach = (kernel[axis] - 1) * dilations[axis];
            long before = reach - pads[axis];
            long after = reach - pads[n + axis] + outputPadding[axis];
            padding[axis] = Math.max(0, before);
            padding[n + axis] = Math.max(0, after);
            crop[axis] = Math.max(0, -before);
            crop[n + axis] = Math.max(0, -after);
        }
        spread = Convolution.pad(c, spread, padding, null);

        // W is [in, out / group, spatial...]; the convolution takes [spatial..., in / group, out / group] per group, flipped in space.
        long[] perm = new long[n + 2];
        for (int axis = 0; axis < n; axis++) {
            perm[axis] = axis + 2;
        }
        perm[n] = 0;
        perm[n + 1] = 1;
        Output<?> filters = Tf.transpose(c, w, perm);
        for (int axis = 0; axis < n; axis++) {
            filters = spread(c, filters, axis, dilations[axis]);
        }
        filters = op(c, "ReverseV2", filters, c.int32s(Tf.range(0, n)));
        long[] ones = new long[n];
        Arrays.fill(ones, 1);
        Output<?> y;
        if (groups == 1) {
            y = Convolution.valid(c, spread, filters, ones, ones);
        } else {
            y = Convolution.perGroup(c, groups, spread, n + 1, filters, n, (xg, wg) -> Convolution.valid(c, xg, wg, ones, ones));
        }
        if (Arrays.stream(crop).anyMatch(p -> p > 0)) {
            long[] begin = new long[n + 2], cut = new long[n + 2];
            for (int axis = 0; axis < n; axis++) {
                begin[axis + 1] = crop[axis];
                cut[axis + 1] = crop[n + axis];
            }
            Output<?> size = Tf.cast(c, Tf.shape(c, y), DataType.INT32);
            y = op(c, "StridedSlice", y, c.int32s(begin), op(c, "Sub", size, c.int32s(cut)), Tf.filled(c, n + 2, 1));
        }
        y = Convolution.channelsFirst(c, y);
        return List.of(c.hasInput(2) ? Convolution.addBias(c, y, c.input(2)) : y);
    }

    /** {@code x} with {@code factor − 1} zeros between neighbours along {@code axis} (none after the last). */
    private static Output<?> spread(ConversionContext c, Output<?> x, int axis, long factor) {
        if (factor == 1) {
            return x;
        }
        int rank = c.rank(x);
        // int32 bounds throughout: TensorFlow's Slice and Pad gradients take int32 ones.
        Output<?> shape = Tf.cast(c, Tf.shape(c, x), DataType.INT32);
        // [..., n, ...] -> [..., n, 1, ...] -> padded to [..., n, factor, ...] -> [..., n·factor, ...] -> drop the trailing zeros.
        Output<?> widened = op(c, "ExpandDims", x, c.scalar(axis + 1, DataType.INT32));
        int[] paddings = new int[2 * (rank + 1)];
        paddings[2 * (axis + 1) + 1] = (int) factor - 1;
        widened = op(c, "Pad", widened, c.constant(dev.rsr.ir.TensorData.ofInts(new long[] {rank + 1, 2}, paddings)));
        Output<?> n = Tf.slice1d(c, shape, axis, (long) axis + 1);
        Output<?> spreadLength = op(c, "Mul", n, c.int32s(factor));
        List<Output<?>> merged = new ArrayList<>();
        List<Output<?>> kept = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            merged.add(d == axis ? spreadLength : Tf.slice1d(c, shape, d, (long) d + 1));
            kept.add(d == axis ? op(c, "Sub", spreadLength, c.int32s(factor - 1)) : c.int32s(-1));
        }
        Output<?> flat = Tf.reshape(c, widened, Tf.concat(c, merged));
        return op(c, "Slice", flat, Tf.filled(c, rank, 0), Tf.concat(c, kept));
    }

    /** ONNX pads {@code [begins..., ends...]}, from the attribute, auto_pad or output_shape. */
    private static long[] pads(ConversionContext c, Output<?> x, long[] kernel, long[] strides, long[] dilations, long[] outputPadding) {
        int n = kernel.length;
        String autoPad = c.node().attribute("auto_pad").map(Attribute::asString).orElse("NOTSET");
        long[] outputShape = c.node().attribute("output_shape").map(Attribute::asInts).orElse(null);
        if (outputShape == null && (autoPad.equals("NOTSET") || autoPad.equals("VALID"))) {
            return autoPad.equals("VALID") ? new long[2 * n] : Convolution.ints(c, "pads", 2 * n, 0);
        }
        long[] pads = new long[2 * n];
        for (int axis = 0; axis < n; axis++) {
            long in = x.shape().get(2 + axis);
            if (in < 0) {
                throw c.error("auto_pad and output_shape need the input's spatial size known while compiling");
            }
            long out = outputShape != null ? outputShape[outputShape.length - n + axis] : in * strides[axis];
            long total = strides[axis] * (in - 1) + outputPadding[axis] + (kernel[axis] - 1) * dilations[axis] + 1 - out;
            // ONNX gives SAME_LOWER the larger half at the start; every other case (SAME_UPPER, an
            // explicit output_shape, even one past the natural size: total < 0) at the end.
            boolean upper = !autoPad.equals("SAME_LOWER");
            pads[axis] = upper ? total / 2 : total - total / 2;
            pads[n + axis] = total - pads[axis];
        }
        return pads;
    }
}
