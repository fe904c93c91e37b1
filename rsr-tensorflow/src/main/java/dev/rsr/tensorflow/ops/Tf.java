package dev.rsr.tensorflow.ops;

import dev.rsr.ir.DataType;
import dev.rsr.tensorflow.TfTensors;
import dev.rsr.tensorflow.spi.ConversionContext;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;

/** Small helpers for building raw TensorFlow ops inside a converter. */
final class Tf {
    private Tf() {
    }

    static Output<?> op(ConversionContext c, String type, Output<?>... inputs) {
        OperationBuilder b = c.op(type);
        for (Output<?> in : inputs) {
            b.addInput(in);
        }
        return b.build().output(0);
    }

    static OperationBuilder builder(ConversionContext c, String type, Output<?>... inputs) {
        OperationBuilder b = c.op(type);
        for (Output<?> in : inputs) {
            b.addInput(in);
        }
        return b;
    }

    static Output<?> cast(ConversionContext c, Output<?> x, DataType to) {
        if (c.typeOf(x) == to) {
            return x;
        }
        return builder(c, "Cast", x).setAttr("DstT", TfTensors.tfType(to, "Cast target")).build().output(0);
    }

    /** int64 shape of x. */
    static Output<?> shape(ConversionContext c, Output<?> x) {
        return builder(c, "Shape", x).setAttr("out_type", org.tensorflow.proto.DataType.DT_INT64).build().output(0);
    }

    static Output<?> transpose(ConversionContext c, Output<?> x, long... perm) {
        return op(c, "Transpose", x, c.int32s(perm));
    }

    static Output<?> reshape(ConversionContext c, Output<?> x, Output<?> shape) {
        return op(c, "Reshape", x, shape);
    }

    /** x[begin:end] of a 1-D tensor, with constant bounds; {@code end} null means to the end. */
    static Output<?> slice1d(ConversionContext c, Output<?> x, long begin, Long end) {
        return builder(c, "StridedSlice", x, c.longs(begin), c.longs(end == null ? 0 : end), c.longs(1))
                .setAttr("end_mask", end == null ? 1L : 0L).build().output(0);
    }

    /**
     * Softmax or LogSoftmax over the last axis. TensorFlow's C++ gradient of LogSoftmax sums over
     * axis 1, right only for 2-D inputs (a 3-D one got zero gradients where finite differences
     * gave 0.02 to 0.07): other ranks run on the input seen as [rows, last axis].
     */
    static Output<?> softmaxLast(ConversionContext c, String tfOp, Output<?> x) {
        if (tfOp.equals("Softmax") || c.rank(x) == 2) {
            return op(c, tfOp, x);
        }
        Output<?> shape = shape(c, x);
        Output<?> rows = reshape(c, x, concat(c, java.util.List.of(c.longs(-1), slice1d(c, shape, -1, null))));
        return reshape(c, op(c, tfOp, rows), shape);
    }

    /** The length of axis {@code axis} of {@code x}, an int64 scalar. */
    static Output<?> dim(ConversionContext c, Output<?> x, int axis) {
        return reshape(c, slice1d(c, shape(c, x), axis, (long) axis + 1), c.longs());
    }

    /** An ONNX index, which counts from the end when negative, as TensorFlow's kernels take it: {@code index + size} there. */
    static Output<?> wrapNegative(ConversionContext c, Output<?> index, Output<?> size) {
        return op(c, "SelectV2", op(c, "Less", index, c.scalar(0, c.typeOf(index))), op(c, "AddV2", index, size), index);
    }

    /** {@code 0, 1, …, n − 1} for an int64 scalar {@code n}. */
    static Output<?> iota(ConversionContext c, Output<?> n) {
        return op(c, "Range", c.scalar(0, DataType.INT64), n, c.scalar(1, DataType.INT64));
    }

    /** A reduction ({@code Sum}, {@code Mean}, {@code Max}…) of {@code x} over int32 {@code axes}, keeping them or not. */
    static Output<?> reduce(ConversionContext c, String tfOp, Output<?> x, Output<?> axes, boolean keep) {
        return builder(c, tfOp, x, axes).setAttr("keep_dims", keep).build().output(0);
    }

    /** Tensors joined along their first axis. */
    static Output<?> concat(ConversionContext c, java.util.List<Output<?>> parts) {
        return concat(c, parts, 0);
    }

    /** Tensors joined along {@code axis}. */
    static Output<?> concat(ConversionContext c, java.util.List<Output<?>> parts, int axis) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return builder(c, "ConcatV2").addInputList(parts.toArray(new Output<?>[0])).addInput(c.scalar(axis, DataType.INT32)).build().output(0);
    }

    /**
     * {@code base}, a vector of one entry per axis, with the entries at {@code axes} (a tensor of any
     * integer type, possibly negative) replaced by {@code values}: full-rank bounds or pads built
     * from axes known only at run time.
     */
    static Output<?> atAxes(ConversionContext c, Output<?> base, Output<?> axes, Output<?> values, int rank) {
        Output<?> wrapped = wrapNegative(c, cast(c, axes, DataType.INT64), c.scalar(rank, DataType.INT64));
        Output<?> indices = op(c, "ExpandDims", cast(c, wrapped, DataType.INT32), c.scalar(-1, DataType.INT32));
        return op(c, "TensorScatterUpdate", base, indices, cast(c, values, c.typeOf(base)));
    }

    /** {@code rank} copies of {@code value}, as int32. */
    static Output<?> filled(ConversionContext c, int rank, long value) {
        long[] v = new long[rank];
        java.util.Arrays.fill(v, value);
        return c.int32s(v);
    }

    /** The static rank-normalized axis. */
    static int axis(long axis, int rank) {
        return (int) (axis < 0 ? axis + rank : axis);
    }

    static long[] range(int from, int to) {
        long[] out = new long[Math.max(0, to - from)];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }
}
