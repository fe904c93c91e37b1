package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.tensorflow.spi.ConversionContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Output;

/**
 * ONNX ConvTranspose (2-D; 1-D through {@link OneDimensional}) from pieces TensorFlow
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
        if (c.rank(x) != 4) {
            throw c.error("only 1-D and 2-D ConvTranspose (rank-3 or rank-4 inputs) are supported by the TensorFlow backend");
        }
        long groups = c.node().intAttribute("group", 1);
        long[] kernel = w.shape().numDimensions() == 4 && w.shape().get(2) > 0 && w.shape().get(3) > 0
                ? new long[] {w.shape().get(2), w.shape().get(3)} : ints(c, "kernel_shape", null);
        if (kernel == null) {
            throw c.error("the kernel's spatial size must be known while compiling (a static weight shape or kernel_shape)");
        }
        long[] strides = ints(c, "strides", new long[] {1, 1});
        long[] dilations = ints(c, "dilations", new long[] {1, 1});
        long[] outputPadding = ints(c, "output_padding", new long[] {0, 0});
        long[] pads = pads(c, x, kernel, strides, dilations, outputPadding);

        Output<?> nhwc = Tf.transpose(c, x, 0, 2, 3, 1);
        for (int axis = 0; axis < 2; axis++) {
            nhwc = spread(c, nhwc, 1 + axis, strides[axis]);
        }
        // Each side gets (k − 1)·d minus ONNX's pad (plus output_padding at the end); a negative
        // amount is cropped after the convolution instead.
        long[] before = new long[2], after = new long[2];
        for (int axis = 0; axis < 2; axis++) {
            long reach = (kernel[axis] - 1) * dilations[axis];
            before[axis] = reach - pads[axis];
            after[axis] = reach - pads[2 + axis] + outputPadding[axis];
        }
        nhwc = op(c, "Pad", nhwc, c.constant(dev.rsr.ir.TensorData.ofInts(new long[] {4, 2}, 0, 0,
                (int) Math.max(0, before[0]), (int) Math.max(0, after[0]), (int) Math.max(0, before[1]), (int) Math.max(0, after[1]), 0, 0)));

        // W is [in, out / group, kH, kW]; the convolution takes [kH, kW, in / group, out / group] per group, flipped in space.
        Output<?> filters = Tf.transpose(c, w, 2, 3, 0, 1);
        for (int axis = 0; axis < 2; axis++) {
            filters = spread(c, filters, axis, dilations[axis]);
        }
        filters = op(c, "ReverseV2", filters, c.int32s(0, 1));
        Output<?> y;
        if (groups == 1) {
            y = convolve(c, nhwc, filters);
        } else {
            var xs = builder(c, "Split", c.scalar(3, DataType.INT32), nhwc).setAttr("num_split", groups).build();
            var ws = builder(c, "Split", c.scalar(2, DataType.INT32), filters).setAttr("num_split", groups).build();
            List<Output<?>> parts = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                parts.add(convolve(c, xs.output(g), ws.output(g)));
            }
            y = builder(c, "ConcatV2").addInputList(parts.toArray(new Output<?>[0])).addInput(c.scalar(3, DataType.INT32)).build().output(0);
        }
        if (Arrays.stream(before).anyMatch(p -> p < 0) || Arrays.stream(after).anyMatch(p -> p < 0)) {
            Output<?> size = Tf.cast(c, Tf.shape(c, y), DataType.INT32);
            Output<?> begin = c.int32s(0, Math.max(0, -before[0]), Math.max(0, -before[1]), 0);
            Output<?> end = op(c, "Sub", size, c.int32s(0, Math.max(0, -after[0]), Math.max(0, -after[1]), 0));
            y = op(c, "StridedSlice", y, begin, end, c.int32s(1, 1, 1, 1));
        }
        y = Tf.transpose(c, y, 0, 3, 1, 2);
        if (c.hasInput(2)) {
            y = op(c, "AddV2", y, op(c, "Reshape", c.input(2), c.longs(-1, 1, 1)));
        }
        return List.of(y);
    }

    private static Output<?> convolve(ConversionContext c, Output<?> nhwc, Output<?> filter) {
        return builder(c, "Conv2D", nhwc, filter).setAttr("strides", new long[] {1, 1, 1, 1}).setAttr("padding", "VALID")
                .setAttr("data_format", "NHWC").build().output(0);
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

    /** ONNX pads {@code [top, left, bottom, right]}, from the attribute, auto_pad or output_shape. */
    private static long[] pads(ConversionContext c, Output<?> x, long[] kernel, long[] strides, long[] dilations, long[] outputPadding) {
        String autoPad = c.node().attribute("auto_pad").map(Attribute::asString).orElse("NOTSET");
        long[] outputShape = ints(c, "output_shape", null);
        if (outputShape == null && (autoPad.equals("NOTSET") || autoPad.equals("VALID"))) {
            return autoPad.equals("VALID") ? new long[4] : ints(c, "pads", new long[4]);
        }
        long[] pads = new long[4];
        for (int axis = 0; axis < 2; axis++) {
            long in = x.shape().get(2 + axis);
            if (in < 0) {
                throw c.error("auto_pad and output_shape need the input's spatial size known while compiling");
            }
            long out = outputShape != null ? outputShape[outputShape.length - 2 + axis] : in * strides[axis];
            long total = strides[axis] * (in - 1) + outputPadding[axis] + (kernel[axis] - 1) * dilations[axis] + 1 - out;
            // ONNX gives SAME_LOWER the larger half at the start; every other case (SAME_UPPER, an
            // explicit output_shape, even one past the natural size: total < 0) at the end.
            boolean upper = !autoPad.equals("SAME_LOWER");
            pads[axis] = upper ? total / 2 : total - total / 2;
            pads[2 + axis] = total - pads[axis];
        }
        return pads;
    }

    private static long[] ints(ConversionContext c, String name, long[] defaults) {
        return c.node().attribute(name).map(Attribute::asInts).orElse(defaults);
    }
}
