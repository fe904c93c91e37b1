package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.DataType;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Output;

/**
 * ONNX ops that find, select or place elements by index: ArgMax, ArgMin, Hardmax, GatherElements,
 * Trilu, CumSum and Pad.
 */
public final class IndexOps implements OpConverterProvider {
    public static final String NAME = "rsr-index-ops";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        Map<String, OpConverter> m = new LinkedHashMap<>();
        m.put("ArgMax", c -> List.of(argExtreme(c, "ArgMax")));
        m.put("ArgMin", c -> List.of(argExtreme(c, "ArgMin")));
        m.put("Hardmax", IndexOps::hardmax);
        m.put("GatherElements", IndexOps::gatherElements);
        m.put("Trilu", IndexOps::trilu);
        m.put("CumSum", c -> List.of(builder(c, "Cumsum", c.input(0), c.input(1))
                .setAttr("exclusive", c.node().intAttribute("exclusive", 0) != 0)
                .setAttr("reverse", c.node().intAttribute("reverse", 0) != 0).build().output(0)));
        m.put("Pad", IndexOps::pad);
        m.put("TopK", IndexOps::topK);
        m.put("ScatterElements", IndexOps::scatterElements);
        m.put("Scatter", IndexOps::scatterElements); // opsets 9 and 10: ScatterElements by its older name
        m.put("ScatterND", c -> List.of(scatter(c, c.input(0), Tf.cast(c, c.input(1), DataType.INT64), c.input(2))));
        m.put("OneHot", IndexOps::oneHot);
        return Collections.unmodifiableMap(m);
    }

    /** The first (or, with select_last_index, the last) index of the extreme along an axis, int64. */
    private static Output<?> argExtreme(ConversionContext c, String tfOp) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        int axis = Tf.axis(c.node().intAttribute("axis", 0), rank);
        boolean last = c.node().intAttribute("select_last_index", 0) != 0;
        Output<?> searched = last ? op(c, "ReverseV2", x, c.int32s(axis)) : x;
        Output<?> index = builder(c, tfOp, searched, c.scalar(axis, DataType.INT32))
                .setAttr("output_type", org.tensorflow.proto.DataType.DT_INT64).build().output(0);
        if (last) {
            // Index i of the reversed axis is n − 1 − i of the original.
            index = op(c, "Sub", op(c, "Sub", Tf.dim(c, x, axis), c.scalar(1, DataType.INT64)), index);
        }
        if (c.node().intAttribute("keepdims", 1) != 0) {
            index = op(c, "ExpandDims", index, c.scalar(axis, DataType.INT32));
        }
        return index;
    }

    /** One-hot of the first maximum along an axis (opset 13: any axis; before, the input seen as 2-D). */
    private static List<Output<?>> hardmax(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        if (c.opset() < 13) {
            throw c.error("Hardmax before opset 13 (over the input flattened to 2-D) is not supported by the TensorFlow backend");
        }
        int axis = Tf.axis(c.node().intAttribute("axis", -1), rank);
        Output<?> index = builder(c, "ArgMax", x, c.scalar(axis, DataType.INT32))
                .setAttr("output_type", org.tensorflow.proto.DataType.DT_INT64).build().output(0);
        Output<?> depth = Tf.cast(c, Tf.dim(c, x, axis), DataType.INT32);
        DataType t = c.typeOf(x);
        return List.of(builder(c, "OneHot", index, depth, c.scalar(1, t), c.scalar(0, t)).setAttr("axis", (long) axis).build().output(0));
    }

    /**
     * {@code out[i][j][k] = data[index[i][j][k]][j][k]} (for axis 0): a GatherNd whose coordinates
     * are each position's own, with the axis's replaced by the index.
     */
    private static List<Output<?>> gatherElements(ConversionContext c) {
        Output<?> data = c.input(0);
        int axis = Tf.axis(c.node().intAttribute("axis", 0), c.rank(data));
        return List.of(op(c, "GatherNd", data, elementCoordinates(c, data, c.input(1), axis)));
    }

    /**
     * ScatterElements: {@code data} with {@code out[index[i][j]][j] = updates[i][j]} (for axis 0),
     * as a scatter by each position's own coordinates, the axis's replaced by the index.
     */
    private static List<Output<?>> scatterElements(ConversionContext c) {
        Output<?> data = c.input(0);
        int axis = Tf.axis(c.node().intAttribute("axis", 0), c.rank(data));
        return List.of(scatter(c, data, elementCoordinates(c, data, c.input(1), axis), c.input(2)));
    }

    /**
     * ScatterND: updates written into (or added to, or compared with) data at the coordinates.
     * Replacing and adding are spelled with ScatterNd, which TensorFlow differentiates; its
     * TensorScatter ops have no C++ gradient, so max and min (with them) do not train.
     */
    private static Output<?> scatter(ConversionContext c, Output<?> data, Output<?> coordinates, Output<?> updates) {
        String reduction = c.node().attribute("reduction").map(dev.rsr.ir.Attribute::asString).orElse("none");
        Output<?> shape = Tf.shape(c, data);
        return switch (reduction) {
            case "none" -> {
                // Where anything is written: ones scattered (of the updates' shape, not values).
                Output<?> ones = op(c, "Fill", Tf.shape(c, updates), c.scalar(1, DataType.FLOAT));
                Output<?> written = op(c, "Greater", op(c, "ScatterNd", coordinates, ones, shape), c.scalar(0, DataType.FLOAT));
                yield op(c, "SelectV2", written, op(c, "ScatterNd", coordinates, updates, shape), data);
            }
            case "add" -> op(c, "AddV2", data, op(c, "ScatterNd", coordinates, updates, shape));
            case "max" -> op(c, "TensorScatterMax", data, coordinates, updates);
            case "min" -> op(c, "TensorScatterMin", data, coordinates, updates);
            default -> throw c.error("reduction '" + reduction + "' is not supported by the TensorFlow backend (none, add, max, min are)");
        };
    }

    /**
     * For each position of {@code index}, its full coordinates in {@code data}: the position's own
     * along every axis but {@code axis}, and the index (negative counted from the end) along it;
     * shape {@code index.shape + [rank]}.
     */
    private static Output<?> elementCoordinates(ConversionContext c, Output<?> data, Output<?> indices, int axis) {
        int rank = c.rank(data);
        Output<?> index = Tf.wrapNegative(c, Tf.cast(c, indices, DataType.INT64), Tf.dim(c, data, axis));
        Output<?> indexShape = Tf.shape(c, index);
        Output<?>[] coordinates = new Output<?>[rank];
        for (int d = 0; d < rank; d++) {
            if (d == axis) {
                coordinates[d] = index;
                continue;
            }
            long[] shape = new long[rank];
            java.util.Arrays.fill(shape, 1);
            shape[d] = -1;
            Output<?> along = op(c, "Reshape", Tf.iota(c, Tf.dim(c, index, d)), c.longs(shape));
            coordinates[d] = op(c, "BroadcastTo", along, indexShape);
        }
        return builder(c, "Pack").addInputList(coordinates).setAttr("axis", (long) rank).build().output(0);
    }

    /** OneHot: {@code values = [off, on]} along a new axis of size {@code depth}; negative indices count from the end. */
    private static List<Output<?>> oneHot(ConversionContext c) {
        Output<?> depth = Tf.cast(c, op(c, "Reshape", c.input(1), c.longs()), DataType.INT64);
        Output<?> index = Tf.cast(c, c.input(0), DataType.INT64);
        index = Tf.wrapNegative(c, index, depth);
        Output<?> values = c.input(2);
        Output<?> off = op(c, "Reshape", Tf.slice1d(c, values, 0, 1L), c.longs());
        Output<?> on = op(c, "Reshape", Tf.slice1d(c, values, 1, 2L), c.longs());
        long axis = c.node().intAttribute("axis", -1);
        if (axis < -1) {
            axis += c.rank(index) + 1; // ONNX counts from the end of the output's axes; TensorFlow takes only −1 so
        }
        Output<?> size = Tf.cast(c, depth, DataType.INT32);
        return List.of(switch (c.typeOf(values)) {
            // off + (on − off)·onehot: TensorFlow's OneHot gives its on and off values no gradient.
            case FLOAT, DOUBLE -> op(c, "AddV2", off, op(c, "Mul", op(c, "Sub", on, off), builder(c, "OneHot", index, size,
                    c.scalar(1, c.typeOf(values)), c.scalar(0, c.typeOf(values))).setAttr("axis", axis).build().output(0)));
            default -> builder(c, "OneHot", index, size, on, off).setAttr("axis", axis).build().output(0);
        });
    }

    /** The upper (or lower) triangle of the last two axes, shifted by the diagonal offset k; zero elsewhere. */
    private static List<Output<?>> trilu(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        if (rank < 2) {
            throw c.error("the input must have at least two axes, has " + rank);
        }
        boolean upper = c.node().intAttribute("upper", 1) != 0;
        Output<?> k = c.hasInput(1) ? op(c, "Reshape", Tf.cast(c, c.input(1), DataType.INT64), c.longs()) : c.scalar(0, DataType.INT64);
        Output<?> i = op(c, "Reshape", Tf.iota(c, Tf.dim(c, x, rank - 2)), c.longs(-1, 1));
        Output<?> j = op(c, "Reshape", Tf.iota(c, Tf.dim(c, x, rank - 1)), c.longs(1, -1));
        Output<?> offset = op(c, "Sub", j, i);
        Output<?> keep = op(c, upper ? "GreaterEqual" : "LessEqual", offset, k);
        return List.of(op(c, "SelectV2", keep, x, op(c, "ZerosLike", x)));
    }

    /**
     * The k largest (or smallest) values along an axis and their int64 indices, in order; equal
     * values in index order. TensorFlow's TopKV2 takes the largest along the last axis: the axis is
     * moved last, and the smallest of x are the largest of −x.
     */
    private static List<Output<?>> topK(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        int axis = Tf.axis(c.node().intAttribute("axis", -1), rank);
        boolean largest = c.node().intAttribute("largest", 1) != 0;
        long[] perm = Tf.range(0, rank);
        perm[axis] = rank - 1;
        perm[rank - 1] = axis;
        Output<?> moved = axis == rank - 1 ? x : Tf.transpose(c, x, perm);
        Output<?> k = Tf.cast(c, op(c, "Reshape", c.input(1), c.longs()), DataType.INT32);
        org.tensorflow.Operation top = builder(c, "TopKV2", largest ? moved : op(c, "Neg", moved), k).setAttr("sorted", true).build();
        Output<?> values = largest ? top.output(0) : op(c, "Neg", top.output(0));
        Output<?> indices = Tf.cast(c, top.output(1), DataType.INT64);
        if (axis != rank - 1) {
            values = Tf.transpose(c, values, perm);
            indices = Tf.transpose(c, indices, perm);
        }
        return List.of(values, indices);
    }

    /** Constant padding (a value, zero by default) or reflection; pads as a tensor [begins…, ends…]. */
    private static List<Output<?>> pad(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        String mode = c.node().attribute("mode").map(dev.rsr.ir.Attribute::asString).orElse("constant");
        Output<?> pads;
        Output<?> value = null;
        long[] known; // the pads when known while compiling, else null
        if (c.opset() < 11) {
            known = c.node().attribute("pads").map(dev.rsr.ir.Attribute::asInts).orElseThrow(() -> c.error("pads are required"));
            pads = c.longs(known);
            value = c.scalar(c.node().floatAttribute("value", 0f), c.typeOf(x));
        } else {
            known = c.constantInput(1).isPresent() ? c.constantLongs(1, "pads") : null;
            pads = Tf.cast(c, c.input(1), DataType.INT64);
            if (c.hasInput(2)) {
                value = op(c, "Reshape", c.input(2), c.longs());
            }
            if (c.hasInput(3)) {
                // Pads for the listed axes only: spread over every axis, zero elsewhere.
                Output<?> halves = op(c, "Reshape", pads, c.longs(2, -1));
                Output<?> zeros = Tf.cast(c, Tf.filled(c, rank, 0), DataType.INT64);
                Output<?> axes = c.input(3);
                Output<?> begins = op(c, "Reshape", Tf.slice1d(c, halves, 0, 1L), c.longs(-1));
                Output<?> ends = op(c, "Reshape", Tf.slice1d(c, halves, 1, 2L), c.longs(-1));
                pads = Tf.concat(c, List.of(Tf.atAxes(c, zeros, axes, begins, rank), Tf.atAxes(c, zeros, axes, ends, rank)));
                known = known == null || c.constantInput(3).isEmpty() ? null : spread(known, c.constantLongs(3, "axes"), rank);
            }
            if (known != null && java.util.Arrays.stream(known).anyMatch(p -> p < 0)) {
                throw c.error("negative pads (cropping) are not supported by the TensorFlow backend");
            }
        }
        // ONNX [b1, b2, …, e1, e2, …] → TensorFlow [[b1, e1], [b2, e2], …], int32: Pad's gradient
        // slices with int32 bounds and rejects int64 paddings.
        Output<?> paddings = Tf.cast(c, Tf.transpose(c, op(c, "Reshape", pads, c.longs(2, rank)), 1, 0), DataType.INT32);
        return List.of(switch (mode) {
            case "constant" -> value == null ? op(c, "Pad", x, paddings) : padWithValue(c, x, paddings, value);
            case "reflect" -> builder(c, "MirrorPad", x, paddings).setAttr("mode", "REFLECT").build().output(0);
            case "edge", "wrap" -> gatherPad(c, x, rank, mode.equals("edge"), known, pads);
            default -> throw c.error("mode '" + mode + "' is not one of constant, reflect, edge, wrap");
        });
    }

    /**
     * Constant padding with a value. A value computed in the graph (it may be a trained parameter)
     * fills the padding through Fill and Select, which TensorFlow differentiates (its PadV2 gives
     * the constant no gradient) and which keep an infinite value (a mask's −∞) exact; a constant
     * value goes to PadV2.
     */
    private static Output<?> padWithValue(ConversionContext c, Output<?> x, Output<?> paddings, Output<?> value) {
        boolean computed = c.hasInput(2) && c.constantInput(2).isEmpty();
        boolean floating = switch (c.typeOf(x)) {
            case FLOAT, DOUBLE, FLOAT16, BFLOAT16 -> true;
            default -> false;
        };
        if (!computed || !floating) {
            return op(c, "PadV2", x, paddings, value);
        }
        Output<?> padded = op(c, "Pad", x, paddings);
        Output<?> inside = Tf.cast(c, op(c, "Pad", op(c, "OnesLike", x), paddings), DataType.BOOL);
        return op(c, "Select", inside, padded, op(c, "Fill", Tf.shape(c, padded), value));
    }

    /** Pads {@code [b…, e…]} for {@code axes} as pads for every one of {@code rank} axes. */
    private static long[] spread(long[] pads, long[] axes, int rank) {
        long[] all = new long[2 * rank];
        for (int i = 0; i < axes.length; i++) {
            int a = Tf.axis(axes[i], rank);
            all[a] = pads[i];
            all[rank + a] = pads[axes.length + i];
        }
        return all;
    }

    /**
     * Edge or wrap padding as a gather along each padded axis: positions −b … n + e − 1 clamped to
     * the axis (edge) or taken modulo its length (wrap). TensorFlow has no such pad; gathers also
     * differentiate. Pads known only at run time ({@code known} null) are read from {@code pads}, an
     * int64 [begins…, ends…], and every axis is gathered.
     */
    private static Output<?> gatherPad(ConversionContext c, Output<?> x, int rank, boolean edge, long[] known, Output<?> pads) {
        Output<?> y = x;
        for (int axis = 0; axis < rank; axis++) {
            if (known != null && known[axis] == 0 && known[axis + rank] == 0) {
                continue;
            }
            Output<?> before = known != null ? c.scalar(known[axis], DataType.INT64)
                    : Tf.reshape(c, Tf.slice1d(c, pads, axis, (long) axis + 1), c.longs());
            Output<?> after = known != null ? c.scalar(known[axis + rank], DataType.INT64)
                    : Tf.reshape(c, Tf.slice1d(c, pads, axis + rank, (long) axis + rank + 1), c.longs());
            Output<?> n = Tf.dim(c, y, axis);
            Output<?> positions = op(c, "Sub", Tf.iota(c, op(c, "AddV2", op(c, "AddV2", n, before), after)), before);
            Output<?> index = edge
                    ? op(c, "Minimum", op(c, "Maximum", positions, c.scalar(0, DataType.INT64)), op(c, "Sub", n, c.scalar(1, DataType.INT64)))
                    : op(c, "FloorMod", positions, n);
            y = op(c, "GatherV2", y, index, c.scalar(axis, DataType.INT32));
        }
        return y;
    }
}
