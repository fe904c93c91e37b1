package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.DataType;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Output;

/**
 * Ops that rearrange or select elements: EyeLike, GatherND, Compress, DepthToSpace, SpaceToDepth,
 * ReverseSequence, Col2Im, NonZero. Each is a gather, a reshape and transpose, or a TensorFlow op with a gradient,
 * so the data input trains through all of them.
 */
public final class ArrayOps implements OpConverterProvider {
    public static final String NAME = "rsr-array-ops";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        Map<String, OpConverter> m = new LinkedHashMap<>();
        m.put("EyeLike", ArrayOps::eyeLike);
        m.put("GatherND", ArrayOps::gatherNd);
        m.put("Compress", ArrayOps::compress);
        m.put("DepthToSpace", ArrayOps::depthToSpace);
        m.put("SpaceToDepth", ArrayOps::spaceToDepth);
        m.put("CenterCropPad", ArrayOps::centerCropPad);
        m.put("Col2Im", ArrayOps::col2Im);
        // TensorFlow's Where lists the coordinates of non-zero elements as [count, rank], ONNX as [rank, count].
        m.put("NonZero", c -> List.of(Tf.transpose(c, op(c, "Where", c.input(0)), 1, 0)));
        m.put("ReverseSequence", c -> List.of(builder(c, "ReverseSequence", c.input(0), Tf.cast(c, c.input(1), DataType.INT64))
                .setAttr("seq_dim", c.node().intAttribute("time_axis", 0))
                .setAttr("batch_dim", c.node().intAttribute("batch_axis", 1)).build().output(0)));
        return Collections.unmodifiableMap(m);
    }

    /** Ones where the column minus the row is {@code k}, in the input's 2-D shape. */
    private static List<Output<?>> eyeLike(ConversionContext c) {
        Output<?> x = c.input(0);
        if (c.rank(x) != 2) {
            throw c.error("EyeLike takes a 2-D input, got rank " + c.rank(x));
        }
        DataType type = c.node().attribute("dtype").map(a -> DataType.fromOnnxCode((int) a.asInt())
                .orElseThrow(() -> c.error("dtype " + a.asInt() + " is not an element type"))).orElse(c.typeOf(x));
        Output<?> rows = op(c, "ExpandDims", Tf.iota(c, Tf.dim(c, x, 0)), c.scalar(1, DataType.INT32));
        Output<?> cols = op(c, "ExpandDims", Tf.iota(c, Tf.dim(c, x, 1)), c.scalar(0, DataType.INT32));
        Output<?> diagonal = op(c, "Equal", op(c, "Sub", cols, rows), c.scalar(c.node().intAttribute("k", 0), DataType.INT64));
        return List.of(Tf.cast(c, diagonal, type));
    }

    /**
     * GatherND: TensorFlow's GatherNd, with the leading {@code batch_dims} axes of data and indices
     * paired by prefixing every index tuple with its own batch coordinates.
     */
    private static List<Output<?>> gatherNd(ConversionContext c) {
        Output<?> data = c.input(0);
        Output<?> indices = Tf.cast(c, c.input(1), DataType.INT64);
        int batchDims = (int) c.node().intAttribute("batch_dims", 0);
        int indexRank = c.rank(indices);
        Output<?> dataShape = Tf.shape(c, data);
        // Negative indices count from the end of the axis they index.
        long tuple = indices.shape().get(indexRank - 1);
        if (tuple < 0) {
            throw c.error("the last axis of indices (the index tuple) must have a static length");
        }
        Output<?> bounds = Tf.slice1d(c, dataShape, batchDims, batchDims + tuple);
        indices = Tf.wrapNegative(c, indices, bounds);
        if (batchDims > 0) {
            Output<?> indexShape = Tf.shape(c, indices);
            Output<?> leading = Tf.slice1d(c, indexShape, 0, (long) indexRank - 1);
            List<Output<?>> columns = new ArrayList<>();
            for (int b = 0; b < batchDims; b++) {
                // Batch axis b's coordinate at every index position: iota shaped to broadcast along axis b only.
                long[] shape = new long[indexRank - 1];
                java.util.Arrays.fill(shape, 1);
                shape[b] = -1;
                Output<?> coordinate = op(c, "Reshape", Tf.iota(c, Tf.dim(c, indices, b)), c.longs(shape));
                columns.add(op(c, "ExpandDims", op(c, "BroadcastTo", coordinate, leading), c.scalar(-1, DataType.INT32)));
            }
            columns.add(indices);
            indices = Tf.concat(c, columns, indexRank - 1);
        }
        return List.of(op(c, "GatherNd", data, indices));
    }

    /** The slices along {@code axis} (or elements of the flattened input) where the condition holds. */
    private static List<Output<?>> compress(ConversionContext c) {
        Output<?> x = c.input(0);
        Output<?> kept = op(c, "Reshape", op(c, "Where", Tf.cast(c, c.input(1), DataType.BOOL)), c.longs(-1));
        var axisAttribute = c.node().attribute("axis");
        if (axisAttribute.isEmpty()) {
            return List.of(op(c, "GatherV2", Tf.reshape(c, x, c.longs(-1)), kept, c.scalar(0, DataType.INT32)));
        }
        int axis = Tf.axis(axisAttribute.get().asInt(), c.rank(x));
        return List.of(op(c, "GatherV2", x, kept, c.scalar(axis, DataType.INT32)));
    }

    /**
     * CenterCropPad: each listed axis (all by default) cropped or zero-padded to its target length
     * about its centre, the odd element going to the end.
     */
    private static List<Output<?>> centerCropPad(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        Output<?> size = Tf.cast(c, Tf.shape(c, x), DataType.INT32);
        Output<?> axes = c.longs(c.node().attribute("axes").map(dev.rsr.ir.Attribute::asInts).orElse(Tf.range(0, rank)));
        Output<?> target = Tf.atAxes(c, size, axes, c.input(1), rank);
        Output<?> excess = op(c, "Sub", size, target);
        Output<?> zero = c.scalar(0, DataType.INT32), two = c.scalar(2, DataType.INT32);
        // Crop what is too long from its middle, then pad what is too short on both sides.
        Output<?> begin = op(c, "FloorDiv", op(c, "Maximum", excess, zero), two);
        Output<?> cropped = op(c, "Slice", x, begin, op(c, "Minimum", size, target));
        Output<?> missing = op(c, "Maximum", op(c, "Neg", excess), zero);
        Output<?> before = op(c, "FloorDiv", missing, two);
        Output<?> paddings = builder(c, "Pack").addInputList(new Output<?>[] {before, op(c, "Sub", missing, before)}).setAttr("axis", 1L)
                .build().output(0);
        return List.of(op(c, "Pad", cropped, paddings));
    }

    /**
     * ONNX's definition as a reshape, transpose and reshape of NCHW: DCR takes the depth as
     * {@code [block, block, C']}, CRD as {@code [C', block, block]}.
     */
    private static List<Output<?>> depthToSpace(ConversionContext c) {
        Output<?> x = c.input(0);
        requireRank4(c, x);
        long b = c.node().intAttribute("blocksize", 0);
        boolean crd = c.node().attribute("mode").map(dev.rsr.ir.Attribute::asString).orElse("DCR").equals("CRD");
        Output<?> n = axis(c, x, 0), channels = axis(c, x, 1), h = axis(c, x, 2), w = axis(c, x, 3);
        Output<?> depth = op(c, "FloorDiv", channels, c.longs(b * b));
        Output<?> blocks = crd ? Tf.concat(c, List.of(n, depth, c.longs(b, b), h, w)) : Tf.concat(c, List.of(n, c.longs(b, b), depth, h, w));
        Output<?> moved = crd ? Tf.transpose(c, Tf.reshape(c, x, blocks), 0, 1, 4, 2, 5, 3)
                : Tf.transpose(c, Tf.reshape(c, x, blocks), 0, 3, 4, 1, 5, 2);
        return List.of(Tf.reshape(c, moved, Tf.concat(c, List.of(n, depth, op(c, "Mul", h, c.longs(b)), op(c, "Mul", w, c.longs(b))))));
    }

    /** The inverse of DepthToSpace in DCR mode, as ONNX defines it. */
    private static List<Output<?>> spaceToDepth(ConversionContext c) {
        Output<?> x = c.input(0);
        requireRank4(c, x);
        long b = c.node().intAttribute("blocksize", 0);
        Output<?> n = axis(c, x, 0), channels = axis(c, x, 1);
        Output<?> h = op(c, "FloorDiv", axis(c, x, 2), c.longs(b)), w = op(c, "FloorDiv", axis(c, x, 3), c.longs(b));
        Output<?> blocks = Tf.reshape(c, x, Tf.concat(c, List.of(n, channels, h, c.longs(b), w, c.longs(b))));
        Output<?> moved = Tf.transpose(c, blocks, 0, 3, 5, 1, 2, 4);
        return List.of(Tf.reshape(c, moved, Tf.concat(c, List.of(n, op(c, "Mul", channels, c.longs(b * b)), h, w))));
    }

    /**
     * Col2Im: each column element added into the padded image at its block's position plus its
     * offset in the block, an UnsortedSegmentSum (its gradient is a gather), then the padding cut
     * away. The positions are computed in the graph, as image and block shapes may be inputs.
     */
    private static List<Output<?>> col2Im(ConversionContext c) {
        Output<?> imageShape = Tf.cast(c, c.input(1), DataType.INT64), blockShape = Tf.cast(c, c.input(2), DataType.INT64);
        long n = imageShape.shape().numDimensions() == 1 ? imageShape.shape().get(0) : -1;
        if (n < 1) {
            throw c.error("image_shape (input 1) needs a static length in the TensorFlow backend, got shape " + imageShape.shape());
        }
        int dims = (int) n;
        long[] strides = Convolution.ints(c, "strides", dims, 1);
        long[] dilations = Convolution.ints(c, "dilations", dims, 1);
        long[] pads = Convolution.ints(c, "pads", 2 * dims, 0);
        long[] padding = new long[dims];
        for (int i = 0; i < dims; i++) {
            padding[i] = pads[i] + pads[dims + i];
        }
        Output<?> padded = op(c, "AddV2", imageShape, c.longs(padding));
        // Blocks along each axis: (padded − (block − 1)·dilation − 1) / stride + 1.
        Output<?> span = op(c, "AddV2", op(c, "Mul", op(c, "Sub", blockShape, c.scalar(1, DataType.INT64)), c.longs(dilations)),
                c.scalar(1, DataType.INT64));
        Output<?> blocks = op(c, "AddV2", op(c, "FloorDiv", op(c, "Sub", padded, span), c.longs(strides)), c.scalar(1, DataType.INT64));
        // Column (k, l), k the offset in the block and l the block, both row-major over the axes,
        // lands at padded position l·stride + k·dilation: a table shaped [block..., blocks...].
        Output<?> positions = null;
        Output<?> axisStride = c.scalar(1, DataType.INT64);
        for (int i = dims - 1; i >= 0; i--) {
            Output<?> k = op(c, "Mul", Tf.iota(c, element(c, blockShape, i)), c.scalar(dilations[i], DataType.INT64));
            Output<?> l = op(c, "Mul", Tf.iota(c, element(c, blocks, i)), c.scalar(strides[i], DataType.INT64));
            long[] kShape = new long[2 * dims], lShape = new long[2 * dims];
            java.util.Arrays.fill(kShape, 1);
            java.util.Arrays.fill(lShape, 1);
            kShape[i] = -1;
            lShape[dims + i] = -1;
            Output<?> along = op(c, "Mul", op(c, "AddV2", Tf.reshape(c, k, c.longs(kShape)), Tf.reshape(c, l, c.longs(lShape))), axisStride);
            positions = positions == null ? along : op(c, "AddV2", positions, along);
            axisStride = op(c, "Mul", axisStride, element(c, padded, i));
        }
        Output<?> x = c.input(0);
        Output<?> columns = Tf.reshape(c, x, Tf.concat(c, List.of(Tf.slice1d(c, Tf.shape(c, x), 0, 1L), c.longs(-1),
                Tf.reduce(c, "Prod", Tf.concat(c, List.of(blockShape, blocks)), c.int32s(0), true))));
        Output<?> summed = op(c, "UnsortedSegmentSum", Tf.transpose(c, columns, 2, 0, 1), Tf.reshape(c, positions, c.longs(-1)), axisStride);
        Output<?> channelsFirst = Tf.transpose(c, summed, 1, 2, 0);
        Output<?> y = Tf.reshape(c, channelsFirst, Tf.concat(c, List.of(Tf.slice1d(c, Tf.shape(c, channelsFirst), 0, 2L), padded)));
        long[] begin = new long[dims + 2];
        System.arraycopy(pads, 0, begin, 2, dims);
        // int32 bounds: the C++ gradient of Slice computes with an int32 shape.
        return List.of(op(c, "Slice", y, c.int32s(begin), Tf.cast(c, Tf.concat(c, List.of(c.longs(-1, -1), imageShape)), DataType.INT32)));
    }

    /** Element {@code i} of a 1-D tensor, as a scalar. */
    private static Output<?> element(ConversionContext c, Output<?> v, int i) {
        return Tf.reshape(c, Tf.slice1d(c, v, i, (long) i + 1), c.longs());
    }

    /** The length of axis {@code a} as a one-element vector, for building shapes. */
    private static Output<?> axis(ConversionContext c, Output<?> x, int a) {
        return Tf.slice1d(c, Tf.shape(c, x), a, (long) a + 1);
    }

    private static void requireRank4(ConversionContext c, Output<?> x) {
        if (c.rank(x) != 4) {
            throw c.error("takes a rank-4 NCHW input, got rank " + c.rank(x));
        }
        if (c.node().intAttribute("blocksize", 0) < 1) {
            throw c.error("blocksize must be at least 1");
        }
    }
}
