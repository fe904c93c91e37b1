package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.List;
import java.util.Map;
import org.tensorflow.Output;

/**
 * ONNX MaxUnpool: each value of X written at its index (flat over the shape the pooling attributes
 * imply, as MaxPool's Indices give it) in zeros, padded at the end of each axis to output_shape
 * when that is given. A scatter (ScatterNd, which TensorFlow differentiates with respect to the
 * values); an index written twice (overlapping windows sharing a maximum) holds the value once.
 */
public final class UnpoolOps implements OpConverterProvider {
    public static final String NAME = "rsr-unpool-ops";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        return Map.of("MaxUnpool", UnpoolOps::maxUnpool);
    }

    private static List<Output<?>> maxUnpool(ConversionContext c) {
        Output<?> x = c.input(0);
        int spatial = c.rank(x) - 2;
        long[] kernel = c.node().attribute("kernel_shape").map(Attribute::asInts).orElseThrow(() -> c.error("kernel_shape is required"));
        if (kernel.length != spatial) {
            throw c.error("kernel_shape has " + kernel.length + " entries for " + spatial + " spatial axes");
        }
        long[] strides = c.node().attribute("strides").map(Attribute::asInts).orElse(Tf.range(0, 0));
        long[] pads = c.node().attribute("pads").map(Attribute::asInts).orElse(new long[2 * spatial]);
        // The indices are flat over the shape the pooling attributes imply; an output_shape larger
        // than that pads zeros at the end of each axis (as ONNX's reference does), it does not
        // re-index the values.
        long[] stride = new long[spatial], extra = new long[spatial];
        for (int i = 0; i < spatial; i++) {
            stride[i] = strides.length == 0 ? 1 : strides[i];
            extra[i] = kernel[i] - stride[i] - pads[i] - pads[i + spatial];
        }
        // (in − 1)·stride − pad_begin − pad_end + kernel per spatial axis.
        Output<?> in = Tf.shape(c, x);
        Output<?> sizes = op(c, "AddV2", op(c, "Mul", Tf.slice1d(c, in, 2, null), c.longs(stride)), c.longs(extra));
        Output<?> shape = Tf.concat(c, List.of(Tf.slice1d(c, in, 0, 2L), sizes));
        Output<?> total = Tf.reshape(c, Tf.reduce(c, "Prod", shape, c.int32s(0), false), c.longs(1));
        Output<?> at = Tf.reshape(c, Tf.cast(c, c.input(1), DataType.INT64), c.longs(-1, 1));
        Output<?> values = Tf.reshape(c, x, c.longs(-1));
        Output<?> sums = op(c, "ScatterNd", at, values, total);
        // Ones filled to a shape, not OnesLike, which has no gradient and would stop the one of X.
        Output<?> times = op(c, "ScatterNd", at, op(c, "Fill", Tf.shape(c, values), c.scalar(1, c.typeOf(x))), total);
        Output<?> y = op(c, "Div", sums, op(c, "Maximum", times, c.scalar(1, c.typeOf(x))));
        y = Tf.reshape(c, y, shape);
        if (c.hasInput(2)) {
            Output<?> grow = op(c, "Sub", Tf.cast(c, c.input(2), DataType.INT64), shape);
            Output<?> column = c.longs(-1, 1);
            Output<?> paddings = Tf.concat(c, List.of(Tf.reshape(c, op(c, "ZerosLike", grow), column), Tf.reshape(c, grow, column)), 1);
            // int32 paddings: TensorFlow's C++ gradient of Pad slices them with int32 offsets.
            y = op(c, "Pad", y, Tf.cast(c, paddings, DataType.INT32));
        }
        return List.of(y);
    }
}
