package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.DataType;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operation;
import org.tensorflow.Output;

/**
 * ONNX Unique: the distinct elements (or slices along an axis), the index of each one's first
 * occurrence, each input position's unique, and the counts. TensorFlow's UniqueWithCountsV2 gives
 * them in order of first occurrence (ONNX's sorted=0); sorted=1 sorts the uniques ascending
 * (slices lexicographically) and maps the other outputs through that order. Not differentiable.
 */
public final class UniqueOps implements OpConverterProvider {
    public static final String NAME = "rsr-unique-ops";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        return Map.of("Unique", UniqueOps::unique);
    }

    private static List<Output<?>> unique(ConversionContext c) {
        Output<?> x = c.input(0);
        boolean hasAxis = c.node().attribute("axis").isPresent();
        Output<?> data = hasAxis ? x : Tf.reshape(c, x, c.longs(-1));
        int axis = hasAxis ? Tf.axis(c.node().intAttribute("axis", 0), c.rank(x)) : 0;
        Operation u = builder(c, "UniqueWithCountsV2", data, c.longs(axis))
                .setAttr("out_idx", org.tensorflow.proto.DataType.DT_INT64).build();
        Output<?> y = u.output(0), inverse = u.output(1), counts = u.output(2);
        Output<?> m = Tf.dim(c, counts, 0);
        Output<?> first = op(c, "UnsortedSegmentMin", Tf.iota(c, Tf.dim(c, data, axis)), inverse, m);
        if (c.node().intAttribute("sorted", 1) != 0) {
            Output<?> order = hasAxis ? lexicographicOrder(c, y, axis) : ascendingOrder(c, y, m);
            Output<?> rankOf = op(c, "InvertPermutation", order);
            y = op(c, "GatherV2", y, order, c.scalar(axis, DataType.INT32));
            first = op(c, "GatherV2", first, order, c.scalar(0, DataType.INT32));
            counts = op(c, "GatherV2", counts, order, c.scalar(0, DataType.INT32));
            inverse = op(c, "GatherV2", rankOf, inverse, c.scalar(0, DataType.INT32));
        }
        return List.of(y, first, inverse, counts);
    }

    /** Positions of a vector of distinct values in ascending order: TopK's descending order reversed. */
    private static Output<?> ascendingOrder(ConversionContext c, Output<?> y, Output<?> m) {
        Output<?> top = builder(c, "TopKV2", y, Tf.cast(c, m, DataType.INT32)).setAttr("sorted", true).build().output(1);
        return Tf.cast(c, op(c, "ReverseV2", top, c.int32s(0)), DataType.INT64);
    }

    /**
     * Distinct slices along {@code axis} in lexicographic order, by comparing every pair at the
     * first element where they differ: a slice's place is the number of slices below it.
     */
    private static Output<?> lexicographicOrder(ConversionContext c, Output<?> y, int axis) {
        int rank = c.rank(y);
        long[] perm = new long[rank];
        perm[0] = axis;
        for (int i = 1, a = 0; i < rank; i++, a++) {
            perm[i] = a == axis ? ++a : a;
        }
        Output<?> rows = Tf.reshape(c, Tf.transpose(c, y, perm), Tf.concat(c, List.of(Tf.slice1d(c, Tf.shape(c, y), axis, (long) axis + 1),
                c.longs(-1))));
        Output<?> a = op(c, "ExpandDims", rows, c.scalar(1, DataType.INT32));
        Output<?> b = op(c, "ExpandDims", rows, c.scalar(0, DataType.INT32));
        Output<?> differ = Tf.cast(c, op(c, "NotEqual", a, b), DataType.INT32);
        Output<?> at = op(c, "ExpandDims", builder(c, "ArgMax", differ, c.scalar(2, DataType.INT32))
                .setAttr("output_type", org.tensorflow.proto.DataType.DT_INT64).build().output(0), c.scalar(-1, DataType.INT32));
        Output<?> less = Tf.cast(c, op(c, "Less", a, b), DataType.INT64);
        // below[k][j]: slice k sorts before slice j; equal slices (k = j) compare equal at 0.
        Output<?> below = builder(c, "GatherV2", less, at, c.scalar(2, DataType.INT32)).setAttr("batch_dims", 2L).build().output(0);
        Output<?> place = Tf.reshape(c, Tf.reduce(c, "Sum", below, c.int32s(0), false), c.longs(-1));
        return op(c, "InvertPermutation", place);
    }
}
