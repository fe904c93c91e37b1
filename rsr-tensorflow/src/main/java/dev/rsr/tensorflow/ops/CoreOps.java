package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Node;
import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.compiler.GraphCompiler;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Output;

/**
 * The built-in ONNX → TensorFlow converters: arithmetic, activations, normalization, shape
 * manipulation, reductions, comparisons, and 1-D to 3-D convolution and pooling (in {@link Convolution},
 * {@link TransposedConvolution} and {@link Pooling}).
 */
public final class CoreOps implements OpConverterProvider {
    public static final String NAME = "rsr-core-ops";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        Map<String, OpConverter> m = new LinkedHashMap<>();
        // Elementwise binary ops with numpy broadcasting (TensorFlow broadcasts the same way).
        m.put("Add", binary("AddV2"));
        m.put("Sub", binary("Sub"));
        m.put("Mul", binary("Mul"));
        m.put("Div", c -> List.of(op(c, c.typeOf(c.input(0)).isFloatingPoint() ? "RealDiv" : "TruncateDiv", c.input(0), c.input(1))));
        m.put("Pow", CoreOps::pow);
        m.put("Max", variadic("Maximum"));
        m.put("Min", variadic("Minimum"));
        m.put("Equal", binary("Equal"));
        m.put("Less", binary("Less"));
        m.put("Greater", binary("Greater"));
        m.put("Where", c -> List.of(op(c, "SelectV2", c.input(0), c.input(1), c.input(2))));
        // Elementwise unary ops.
        for (String[] pair : new String[][] {{"Sqrt", "Sqrt"}, {"Neg", "Neg"}, {"Abs", "Abs"}, {"Exp", "Exp"}, {"Log", "Log"},
                {"Relu", "Relu"}, {"Tanh", "Tanh"}, {"Sigmoid", "Sigmoid"}, {"Erf", "Erf"}, {"Identity", "Identity"},
                {"Reciprocal", "Reciprocal"}, {"Floor", "Floor"}, {"Ceil", "Ceil"}, {"Not", "LogicalNot"}}) {
            m.put(pair[0], unary(pair[1]));
        }
        m.put("LeakyRelu", c -> List.of(builder(c, "LeakyRelu", c.input(0))
                .setAttr("alpha", c.node().floatAttribute("alpha", 0.01f)).build().output(0)));
        m.put("Softmax", c -> List.of(softmax(c, "Softmax")));
        m.put("LogSoftmax", c -> List.of(softmax(c, "LogSoftmax")));
        m.put("Dropout", CoreOps::dropout);
        m.put("Constant", c -> List.of(c.constant(GraphCompiler.constantNodeValue(c.node()))));
        m.put("Cast", c -> List.of(Tf.cast(c, c.input(0), dataType(c, c.node().intAttribute("to", 0)))));
        // Linear algebra and normalization.
        m.put("MatMul", CoreOps::matMul);
        m.put("Gemm", CoreOps::gemm);
        m.put("LayerNormalization", CoreOps::layerNorm);
        m.put("RMSNormalization", CoreOps::rmsNorm);
        m.put("LpNormalization", CoreOps::lpNorm);
        m.put("BatchNormalization", CoreOps::batchNorm);
        m.put("Gather", CoreOps::gather);
        // Shapes.
        m.put("Shape", CoreOps::shape);
        m.put("Reshape", CoreOps::reshape);
        m.put("Transpose", CoreOps::transpose);
        m.put("Concat", c -> {
            Output<?>[] values = new Output<?>[c.node().inputs().size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = c.input(i);
            }
            return List.of(builder(c, "ConcatV2").addInputList(values).addInput(c.scalar(c.node().intAttribute("axis", 0), DataType.INT32))
                    .build().output(0));
        });
        m.put("Split", CoreOps::split);
        m.put("Slice", CoreOps::slice);
        m.put("Unsqueeze", CoreOps::unsqueeze);
        m.put("Squeeze", CoreOps::squeeze);
        m.put("Flatten", CoreOps::flatten);
        m.put("Expand", c -> {
            // int32 shapes: TensorFlow's BroadcastTo gradient builds int32 shapes and rejects int64 ones.
            Output<?> inputShape = builder(c, "Shape", c.input(0)).setAttr("out_type", org.tensorflow.proto.DataType.DT_INT32).build().output(0);
            Output<?> target = op(c, "BroadcastArgs", inputShape, Tf.cast(c, c.input(1), DataType.INT32));
            return List.of(op(c, "BroadcastTo", c.input(0), target));
        });
        // Reductions.
        m.put("ReduceMean", reduce("Mean", 18));
        m.put("ReduceSum", reduce("Sum", 13));
        // TensorFlow's Max and Min take no booleans: their maximum is Any, their minimum All.
        m.put("ReduceMax", reduce(18, (c, x, axes, keep) -> Tf.reduce(c, c.typeOf(x) == DataType.BOOL ? "Any" : "Max", x, axes, keep)));
        m.put("ReduceMin", reduce(18, (c, x, axes, keep) -> Tf.reduce(c, c.typeOf(x) == DataType.BOOL ? "All" : "Min", x, axes, keep)));
        m.put("ReduceProd", reduce("Prod", 18));
        m.put("ReduceSumSquare", reduce(18, (c, x, axes, keep) -> Tf.reduce(c, "Sum", op(c, "Square", x), axes, keep)));
        m.put("ReduceL1", reduce(18, (c, x, axes, keep) -> Tf.reduce(c, "Sum", op(c, "Abs", x), axes, keep)));
        m.put("ReduceL2", reduce(18, (c, x, axes, keep) -> op(c, "Sqrt", Tf.reduce(c, "Sum", op(c, "Square", x), axes, keep))));
        m.put("ReduceLogSum", reduce(18, (c, x, axes, keep) -> op(c, "Log", Tf.reduce(c, "Sum", x, axes, keep))));
        m.put("ReduceLogSumExp", reduce(18, CoreOps::logSumExp));
        // Convolution and pooling (1-D to 3-D, channels-first).
        m.put("Conv", OneDimensional.lifting(Convolution::conv, 2));
        m.put("ConvTranspose", OneDimensional.lifting(TransposedConvolution::convert, 2));
        m.put("MaxPool", OneDimensional.lifting(c -> Pooling.convert(c, true), 1));
        m.put("AveragePool", OneDimensional.lifting(c -> Pooling.convert(c, false), 1));
        m.put("LpPool", OneDimensional.lifting(Pooling::lpPool, 1));
        m.put("GlobalAveragePool", c -> List.of(Tf.reduce(c, "Mean", c.input(0), c.int32s(Tf.range(2, c.rank(c.input(0)))), true)));
        m.put("GlobalMaxPool", c -> List.of(Tf.reduce(c, "Max", c.input(0), c.int32s(Tf.range(2, c.rank(c.input(0)))), true)));
        return Collections.unmodifiableMap(m);
    }

    private static OpConverter unary(String tfOp) {
        return c -> List.of(op(c, tfOp, c.input(0)));
    }

    private static OpConverter binary(String tfOp) {
        return c -> List.of(op(c, tfOp, c.input(0), c.input(1)));
    }

    /**
     * x^y; a constant exponent of 2, 1 or 0.5 as Square, Identity or Sqrt. Layer norms exported from
     * PyTorch square with Pow(x, 2): TensorFlow's general Pow kernel and its gradient (which also
     * differentiates by the exponent, through a logarithm) took a sixth of an all-MiniLM-L6-v2
     * training step.
     */
    private static List<Output<?>> pow(ConversionContext c) {
        Output<?> x = c.input(0);
        // One element, of a rank that broadcasting does not add to x's (of a known rank).
        var exponent = c.constantInput(1).filter(e -> e.elementCount() == 1 && !x.shape().isUnknown() && e.rank() <= x.shape().numDimensions())
                .map(e -> e.getAsDouble(0));
        if (exponent.isPresent() && (c.typeOf(x) == DataType.FLOAT || c.typeOf(x) == DataType.DOUBLE)) {
            double e = exponent.get();
            if (e == 2) {
                return List.of(op(c, "Square", x));
            }
            if (e == 1) {
                return List.of(op(c, "Identity", x));
            }
            if (e == 0.5) {
                return List.of(op(c, "Sqrt", x));
            }
        }
        return List.of(op(c, "Pow", x, Tf.cast(c, c.input(1), c.typeOf(x))));
    }

    /** Max/Min take any number of inputs in ONNX. */
    private static OpConverter variadic(String tfOp) {
        return c -> {
            Output<?> acc = c.input(0);
            for (int i = 1; i < c.node().inputs().size(); i++) {
                acc = op(c, tfOp, acc, c.input(i));
            }
            return List.of(acc);
        };
    }

    private static DataType dataType(ConversionContext c, long onnxCode) {
        return DataType.fromOnnxCode((int) onnxCode).orElseThrow(() -> c.error("unsupported target type " + onnxCode));
    }

    /**
     * The identity, unless {@code training_mode} (input 2, opset 12 on) is true: then each element
     * is dropped with probability {@code ratio} (input 1, default 0.5) and the rest are scaled by
     * {@code 1/(1 − ratio)}; the optional mask says which were kept. A training mode computed in
     * the graph selects between the two. The scale is a product, not a division of x, so that a
     * ratio of 1 gives zeros with a zero (not NaN) gradient.
     */
    private static List<Output<?>> dropout(ConversionContext c) {
        Output<?> x = c.input(0);
        boolean wantsMask = c.node().outputs().size() > 1 && !c.node().outputs().get(1).isEmpty();
        Optional<TensorData> trainingConstant = c.hasInput(2) ? c.constantInput(2) : Optional.of(TensorData.ofBools(new long[0], false));
        boolean inference = trainingConstant.map(t -> t.getAsDouble(0) == 0).orElse(false);
        if (inference) {
            Output<?> y = op(c, "Identity", x);
            return wantsMask ? List.of(y, op(c, "Fill", Tf.shape(c, x), c.constant(TensorData.ofBools(new long[0], true)))) : List.of(y);
        }
        Output<?> ratio = c.hasInput(1) ? Tf.cast(c, c.input(1), DataType.FLOAT) : c.scalar(0.5, DataType.FLOAT);
        long seed = c.node().intAttribute("seed", 0);
        Output<?> uniform = builder(c, "RandomUniform", Tf.shape(c, x)).setAttr("dtype", org.tensorflow.proto.DataType.DT_FLOAT)
                .setAttr("seed", seed).setAttr("seed2", seed).build().output(0);
        Output<?> keep = op(c, "GreaterEqual", uniform, ratio);
        Output<?> scale = op(c, "Reciprocal", op(c, "Maximum", op(c, "Sub", c.scalar(1, DataType.FLOAT), ratio), c.scalar(1e-12, DataType.FLOAT)));
        Output<?> keptScale = Tf.cast(c, op(c, "Mul", Tf.cast(c, keep, DataType.FLOAT), scale), c.typeOf(x));
        Output<?> y = op(c, "Mul", x, keptScale);
        if (trainingConstant.isEmpty()) {
            Output<?> training = Tf.cast(c, c.input(2), DataType.BOOL);
            y = op(c, "SelectV2", training, y, x);
            keep = op(c, "LogicalOr", keep, op(c, "LogicalNot", training));
        }
        return wantsMask ? List.of(y, keep) : List.of(y);
    }

    /** Opset >= 13: along one axis. Before: over the dimensions from axis on, as if flattened to 2-D. */
    private static Output<?> softmax(ConversionContext c, String tfOp) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        if (c.opset() < 13) {
            int axis = Tf.axis(c.node().intAttribute("axis", 1), rank);
            Output<?> shape = Tf.shape(c, x);
            Output<?> outer = Tf.reduce(c, "Prod", Tf.slice1d(c, shape, 0, (long) axis), c.int32s(0), true);
            Output<?> flat = Tf.reshape(c, x, Tf.concat(c, List.of(outer, c.longs(-1))));
            return Tf.reshape(c, op(c, tfOp, flat), shape);
        }
        int axis = Tf.axis(c.node().intAttribute("axis", -1), rank);
        if (axis == rank - 1) {
            return Tf.softmaxLast(c, tfOp, x);
        }
        long[] perm = Tf.range(0, rank);
        perm[axis] = rank - 1;
        perm[rank - 1] = axis;
        return Tf.transpose(c, Tf.softmaxLast(c, tfOp, Tf.transpose(c, x, perm)), perm);
    }

    private static List<Output<?>> matMul(ConversionContext c) {
        Output<?> a = c.input(0);
        Output<?> b = c.input(1);
        int ra = c.rank(a);
        int rb = c.rank(b);
        if (ra == 0 || rb == 0) {
            throw c.error("MatMul needs operands of rank 1 or more (ranks " + ra + ", " + rb + ")");
        }
        if (ra == 1 || rb == 1) {
            // NumPy's rule: a vector on the left is a row, on the right a column, and that axis is dropped after.
            Output<?> y = op(c, "BatchMatMulV2", ra == 1 ? op(c, "ExpandDims", a, c.scalar(0, DataType.INT32)) : a,
                    rb == 1 ? op(c, "ExpandDims", b, c.scalar(-1, DataType.INT32)) : b);
            if (rb == 1) {
                y = builder(c, "Squeeze", y).setAttr("squeeze_dims", new long[] {-1}).build().output(0);
            }
            if (ra == 1) {
                y = builder(c, "Squeeze", y).setAttr("squeeze_dims", new long[] {rb == 1 ? -1 : -2}).build().output(0);
            }
            return List.of(y);
        }
        if (ra > 2 && rb == 2) {
            // x[..., K] · W[K, N] as one 2-D MatMul on x seen as [rows, K]. As a BatchMatMul, W is broadcast over the
            // batch and its gradient is a product per batch element summed afterwards: a transformer's dense layers
            // spent most of a training step there (measured with the step tracer on the 5.2 M-parameter zoo model).
            Output<?> shape = Tf.shape(c, a);
            Output<?> rows = Tf.reshape(c, a, Tf.concat(c, List.of(c.longs(-1), Tf.slice1d(c, shape, ra - 1, null))));
            Output<?> y = op(c, "MatMul", rows, b);
            return List.of(Tf.reshape(c, y, Tf.concat(c, List.of(Tf.slice1d(c, shape, 0, (long) ra - 1), Tf.slice1d(c, Tf.shape(c, b), 1, null)))));
        }
        return List.of(op(c, ra == 2 && rb == 2 ? "MatMul" : "BatchMatMulV2", a, b));
    }

    private static List<Output<?>> gemm(ConversionContext c) {
        Node n = c.node();
        Output<?> y = builder(c, "MatMul", c.input(0), c.input(1))
                .setAttr("transpose_a", n.intAttribute("transA", 0) != 0)
                .setAttr("transpose_b", n.intAttribute("transB", 0) != 0).build().output(0);
        DataType type = c.typeOf(y);
        float alpha = n.floatAttribute("alpha", 1f);
        if (alpha != 1f) {
            y = op(c, "Mul", y, c.scalar(alpha, type));
        }
        if (c.hasInput(2)) {
            Output<?> bias = c.input(2);
            float beta = n.floatAttribute("beta", 1f);
            if (beta != 1f) {
                bias = op(c, "Mul", bias, c.scalar(beta, type));
            }
            y = op(c, "AddV2", y, bias);
        }
        return List.of(y);
    }

    /** Y, and the Mean and InvStdDev a training framework may reuse in its backward pass. */
    private static List<Output<?>> layerNorm(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        int axis = Tf.axis(c.node().intAttribute("axis", -1), rank);
        Output<?> axes = c.int32s(Tf.range(axis, rank));
        Output<?> mean = Tf.reduce(c, "Mean", x, axes, true);
        Output<?> centered = op(c, "Sub", x, mean);
        Output<?> variance = Tf.reduce(c, "Mean", op(c, "Mul", centered, centered), axes, true);
        Output<?> eps = c.scalar(c.node().floatAttribute("epsilon", 1e-5f), c.typeOf(x));
        Output<?> invStdDev = op(c, "Rsqrt", op(c, "AddV2", variance, eps));
        Output<?> y = op(c, "Mul", op(c, "Mul", centered, invStdDev), c.input(1));
        if (c.hasInput(2)) {
            y = op(c, "AddV2", y, c.input(2));
        }
        return List.of(y, mean, invStdDev);
    }

    /** {@code x / √(mean(x²) + ε) · scale} over the axes from {@code axis} to the last. */
    private static List<Output<?>> rmsNorm(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        Output<?> axes = c.int32s(Tf.range(Tf.axis(c.node().intAttribute("axis", -1), rank), rank));
        Output<?> meanSquare = Tf.reduce(c, "Mean", op(c, "Square", x), axes, true);
        Output<?> eps = c.scalar(c.node().floatAttribute("epsilon", 1e-5f), c.typeOf(x));
        return List.of(op(c, "Mul", op(c, "Mul", x, op(c, "Rsqrt", op(c, "AddV2", meanSquare, eps))), c.input(1)));
    }

    /** {@code x / ‖x‖p} along one axis, p 1 or 2. */
    private static List<Output<?>> lpNorm(ConversionContext c) {
        Output<?> x = c.input(0);
        int axis = Tf.axis(c.node().intAttribute("axis", -1), c.rank(x));
        long p = c.node().intAttribute("p", 2);
        Output<?> norm = switch ((int) p) {
            case 1 -> Tf.reduce(c, "Sum", op(c, "Abs", x), c.int32s(axis), true);
            case 2 -> op(c, "Sqrt", Tf.reduce(c, "Sum", op(c, "Square", x), c.int32s(axis), true));
            default -> throw c.error("p must be 1 or 2, got " + p);
        };
        return List.of(op(c, "DivNoNan", x, norm)); // a zero vector stays zero, as in ONNX Runtime
    }

    /**
     * Inference mode normalizes with the given statistics. Training mode (opset 14 on) normalizes
     * with the batch's mean and population variance over every axis but the channels, and also
     * returns the running statistics moved toward them by {@code 1 − momentum}, as ONNX's reference
     * does; all of it is built from means and products, so gradients reach X, scale and B.
     */
    private static List<Output<?>> batchNorm(ConversionContext c) {
        boolean training = c.node().intAttribute("training_mode", 0) != 0;
        if (!training && c.node().outputs().stream().skip(1).anyMatch(s -> !s.isEmpty())) {
            throw c.error("outputs beyond Y need training_mode=1 (opset 14 or later); the statistics outputs of older opsets are not supported"
                    + " by the TensorFlow backend");
        }
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        long[] paramShape = new long[rank];
        Arrays.fill(paramShape, 1);
        paramShape[1] = -1;
        Output<?> shape = c.longs(paramShape);
        Output<?> mean = c.input(3);
        Output<?> variance = c.input(4);
        Output<?> batchMean = null;
        Output<?> batchVariance = null;
        if (training) {
            long[] axes = new long[rank - 1];
            axes[0] = 0;
            for (int i = 2; i < rank; i++) {
                axes[i - 1] = i;
            }
            Output<?> meanKept = Tf.reduce(c, "Mean", x, c.int32s(axes), true);
            Output<?> varianceKept = Tf.reduce(c, "Mean", op(c, "Square", op(c, "Sub", x, meanKept)), c.int32s(axes), true);
            batchMean = Tf.reshape(c, meanKept, c.longs(-1));
            batchVariance = Tf.reshape(c, varianceKept, c.longs(-1));
            mean = batchMean;
            variance = batchVariance;
        }
        Output<?> eps = c.scalar(c.node().floatAttribute("epsilon", 1e-5f), c.typeOf(x));
        Output<?> scale = op(c, "Mul", c.input(1), op(c, "Rsqrt", op(c, "AddV2", variance, eps)));
        Output<?> shifted = op(c, "Sub", x, Tf.reshape(c, mean, shape));
        Output<?> y = op(c, "AddV2", op(c, "Mul", shifted, Tf.reshape(c, scale, shape)), Tf.reshape(c, c.input(2), shape));
        if (!training) {
            return List.of(y);
        }
        float momentum = c.node().floatAttribute("momentum", 0.9f);
        Output<?> keep = c.scalar(momentum, c.typeOf(x));
        Output<?> take = c.scalar(1 - momentum, c.typeOf(x));
        Output<?> runningMean = op(c, "AddV2", op(c, "Mul", c.input(3), keep), op(c, "Mul", batchMean, take));
        Output<?> runningVariance = op(c, "AddV2", op(c, "Mul", c.input(4), keep), op(c, "Mul", batchVariance, take));
        return List.of(y, runningMean, runningVariance);
    }

    private static List<Output<?>> gather(ConversionContext c) {
        Output<?> data = c.input(0);
        Output<?> indices = c.input(1);
        int axis = Tf.axis(c.node().intAttribute("axis", 0), c.rank(data));
        boolean nonNegative = c.constantInput(1).map(t -> {
            for (int i = 0; i < t.elementCount(); i++) {
                if (t.getAsDouble(i) < 0) {
                    return false;
                }
            }
            return true;
        }).orElse(false);
        if (!nonNegative) {
            // ONNX counts negative indices from the end; TensorFlow's CPU kernel rejects them.
            indices = Tf.wrapNegative(c, indices, Tf.cast(c, Tf.dim(c, data, axis), c.typeOf(indices)));
        }
        return List.of(op(c, "GatherV2", data, indices, c.scalar(axis, DataType.INT32)));
    }

    private static List<Output<?>> shape(ConversionContext c) {
        Output<?> s = Tf.shape(c, c.input(0));
        Node n = c.node();
        if (n.attribute("start").isEmpty() && n.attribute("end").isEmpty()) {
            return List.of(s);
        }
        long start = n.intAttribute("start", 0);
        Long end = n.attribute("end").map(Attribute::asInt).orElse(null);
        return List.of(Tf.slice1d(c, s, start, end));
    }

    private static List<Output<?>> reshape(ConversionContext c) {
        Output<?> x = c.input(0);
        Output<?> target = Tf.cast(c, c.input(1), DataType.INT64);
        if (c.node().intAttribute("allowzero", 0) != 0) {
            return List.of(Tf.reshape(c, x, target));
        }
        var constant = c.constantInput(1);
        if (constant.isPresent()) {
            long[] dims = c.constantLongs(1, "shape");
            if (Arrays.stream(dims).noneMatch(d -> d == 0)) {
                return List.of(Tf.reshape(c, x, target));
            }
        }
        // ONNX: a 0 copies the input's size at that position. Resolve it at run time.
        long length = target.shape().get(0);
        if (length < 0) {
            throw c.error("the shape input needs a static length for the TensorFlow backend");
        }
        // The target may be longer than the input's rank; pad the input's dims (those positions are never 0).
        Output<?> padded = Tf.concat(c, List.of(Tf.shape(c, x), c.longs(new long[(int) length])));
        Output<?> inputDims = Tf.slice1d(c, padded, 0, length);
        Output<?> isZero = op(c, "Equal", target, c.scalar(0, DataType.INT64));
        return List.of(Tf.reshape(c, x, op(c, "SelectV2", isZero, inputDims, target)));
    }

    private static List<Output<?>> transpose(ConversionContext c) {
        Output<?> x = c.input(0);
        long[] perm = c.node().attribute("perm").map(Attribute::asInts).orElse(null);
        if (perm == null) {
            int rank = c.rank(x);
            perm = new long[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
        }
        return List.of(Tf.transpose(c, x, perm));
    }

    private static List<Output<?>> split(ConversionContext c) {
        Output<?> x = c.input(0);
        int outputs = c.node().outputs().size();
        int axis = Tf.axis(c.node().intAttribute("axis", 0), c.rank(x));
        long[] sizes = null;
        if (c.hasInput(1) && c.constantInput(1).isEmpty()) {
            // Sizes computed in the graph: SplitV takes them as a tensor.
            return splitOutputs(builder(c, "SplitV", x, Tf.cast(c, c.input(1), DataType.INT64),
                    c.constant(TensorData.ofInts(new long[0], axis))).setAttr("num_split", (long) outputs).build(), outputs);
        }
        if (c.hasInput(1)) {
            sizes = c.constantLongs(1, "split");
        } else if (c.node().attribute("split").isPresent()) {
            sizes = c.node().attribute("split").get().asInts();
        }
        Output<?> axisInput = c.constant(TensorData.ofInts(new long[0], axis));
        if (sizes == null && c.node().attribute("num_outputs").isPresent()) {
            // Opset 18's num_outputs: chunks of ceil(length / outputs), the last one smaller, which
            // TensorFlow's Split (even parts only) cannot make; SplitV takes the sizes, the last as −1.
            Output<?> length = Tf.dim(c, x, axis);
            Output<?> chunk = op(c, "FloorDiv", op(c, "AddV2", length, c.scalar(outputs - 1, DataType.INT64)), c.scalar(outputs, DataType.INT64));
            Output<?> chunks = op(c, "Fill", c.longs(outputs - 1), chunk);
            return splitOutputs(builder(c, "SplitV", x, Tf.concat(c, List.of(chunks, c.longs(-1))), axisInput)
                    .setAttr("num_split", (long) outputs).build(), outputs);
        }
        var b = sizes == null ? builder(c, "Split", axisInput, x) : builder(c, "SplitV", x, c.longs(sizes), axisInput);
        return splitOutputs(b.setAttr("num_split", (long) outputs).build(), outputs);
    }

    private static List<Output<?>> splitOutputs(org.tensorflow.Operation operation, int outputs) {
        List<Output<?>> out = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            out.add(operation.output(i));
        }
        return out;
    }

    private static List<Output<?>> slice(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        Output<?> starts;
        Output<?> ends;
        long[] axes;
        Output<?> steps = null;
        if (c.opset() < 10) {
            long[] s = c.node().attribute("starts").map(Attribute::asInts).orElseThrow(() -> c.error("missing starts"));
            long[] e = c.node().attribute("ends").map(Attribute::asInts).orElseThrow(() -> c.error("missing ends"));
            starts = int32Index(c, c.longs(s));
            ends = int32Index(c, c.longs(e));
            axes = c.node().attribute("axes").map(Attribute::asInts).orElse(Tf.range(0, s.length));
        } else {
            starts = int32Index(c, c.input(1));
            ends = int32Index(c, c.input(2));
            if (c.hasInput(4)) {
                steps = int32Index(c, c.input(4));
            }
            long count = starts.shape().get(0);
            if (c.hasInput(3) && c.constantInput(3).isEmpty()) {
                // Axes known only at run time: the given bounds at those axes, every other axis whole.
                Output<?> axesAt = c.input(3);
                Output<?> begin = Tf.atAxes(c, Tf.filled(c, rank, 0), axesAt, starts, rank);
                Output<?> end = Tf.atAxes(c, Tf.cast(c, Tf.shape(c, x), DataType.INT32), axesAt, ends, rank);
                Output<?> stride = Tf.atAxes(c, Tf.filled(c, rank, 1), axesAt, steps == null ? op(c, "OnesLike", starts) : steps, rank);
                return List.of(op(c, "StridedSlice", x, begin, end, stride));
            }
            if (c.hasInput(3)) {
                axes = c.constantLongs(3, "axes");
            } else if (count >= 0) {
                axes = Tf.range(0, (int) count);
            } else {
                throw c.error("starts needs a static length when axes are not given");
            }
        }
        // Build full-rank begin/end/stride vectors: sliced axes take their entries, the rest take everything.
        List<Output<?>> begin = new ArrayList<>();
        List<Output<?>> end = new ArrayList<>();
        List<Output<?>> stride = new ArrayList<>();
        long beginMask = 0;
        long endMask = 0;
        for (int d = 0; d < rank; d++) {
            int j = -1;
            for (int k = 0; k < axes.length; k++) {
                if (Tf.axis(axes[k], rank) == d) {
                    j = k;
                }
            }
            if (j < 0) {
                begin.add(c.int32s(0));
                end.add(c.int32s(0));
                stride.add(c.int32s(1));
                beginMask |= 1L << d;
                endMask |= 1L << d;
            } else {
                begin.add(Tf.slice1d(c, starts, j, (long) j + 1));
                end.add(Tf.slice1d(c, ends, j, (long) j + 1));
                stride.add(steps == null ? c.int32s(1) : Tf.slice1d(c, steps, j, (long) j + 1));
            }
        }
        return List.of(builder(c, "StridedSlice", x, Tf.concat(c, begin), Tf.concat(c, end), Tf.concat(c, stride))
                .setAttr("begin_mask", beginMask).setAttr("end_mask", endMask).build().output(0));
    }

    /**
     * Slice bounds as int32, clamped first: TensorFlow's StridedSlice gradient needs int32
     * indices, and ONNX writes "to the end" as INT64_MAX.
     */
    private static Output<?> int32Index(ConversionContext c, Output<?> index) {
        Output<?> wide = Tf.cast(c, index, DataType.INT64);
        Output<?> clamped = op(c, "Maximum", op(c, "Minimum", wide, c.scalar(Integer.MAX_VALUE, DataType.INT64)),
                c.scalar(Integer.MIN_VALUE, DataType.INT64));
        return Tf.cast(c, clamped, DataType.INT32);
    }

    /** Unsqueeze's and Squeeze's axes given as a tensor computed in the graph (opset 13 on). */
    private static boolean axesAtRunTime(ConversionContext c) {
        return c.opset() >= 13 && c.hasInput(1) && c.constantInput(1).isEmpty();
    }

    /** A 0/1 int32 vector of {@code size} entries, 1 at the axes of input 1. */
    private static Output<?> axisMarks(ConversionContext c, int size) {
        return Tf.atAxes(c, Tf.filled(c, size, 0), c.input(1), op(c, "OnesLike", Tf.cast(c, c.input(1), DataType.INT32)), size);
    }

    /** How many axes input 1 holds, which fixes the result's rank: it must be known while compiling. */
    private static int staticAxisCount(ConversionContext c) {
        long n = c.input(1).shape().numDimensions() == 1 ? c.input(1).shape().get(0) : -1;
        if (n < 0) {
            throw c.error("axes (input 1) need a static length for the TensorFlow backend");
        }
        return (int) n;
    }

    private static long[] axesOf(ConversionContext c, int sinceOpset) {
        if (c.opset() >= sinceOpset) {
            return c.hasInput(1) ? c.constantLongs(1, "axes") : null;
        }
        return c.node().attribute("axes").map(Attribute::asInts).orElse(null);
    }

    private static List<Output<?>> unsqueeze(ConversionContext c) {
        Output<?> x = c.input(0);
        if (axesAtRunTime(c)) {
            // A 1 wherever a new axis goes; every other place takes the next input dimension in order.
            int rank = c.rank(x), outRank = rank + staticAxisCount(c);
            Output<?> fresh = axisMarks(c, outRank);
            Output<?> kept = op(c, "Sub", c.scalar(1, DataType.INT32), fresh);
            Output<?> source = builder(c, "Cumsum", kept, c.scalar(0, DataType.INT32)).setAttr("exclusive", true).build().output(0);
            Output<?> dims = rank == 0 ? Tf.cast(c, Tf.filled(c, outRank, 1), DataType.INT64)
                    : op(c, "GatherV2", Tf.shape(c, x), op(c, "Minimum", source, c.scalar(rank - 1, DataType.INT32)), c.scalar(0, DataType.INT32));
            Output<?> shape = op(c, "SelectV2", op(c, "Equal", fresh, c.scalar(1, DataType.INT32)), c.scalar(1, DataType.INT64), dims);
            return List.of(Tf.reshape(c, x, shape));
        }
        long[] axes = axesOf(c, 13);
        if (axes == null) {
            throw c.error("axes are required");
        }
        int outRank = c.rank(x) + axes.length;
        long[] normalized = Arrays.stream(axes).map(a -> Tf.axis(a, outRank)).sorted().toArray();
        for (long a : normalized) {
            x = op(c, "ExpandDims", x, c.scalar(a, DataType.INT32));
        }
        return List.of(x);
    }

    private static List<Output<?>> squeeze(ConversionContext c) {
        if (axesAtRunTime(c)) {
            // The input's shape without the axes dropped; its static length keeps the result's rank known.
            Output<?> x = c.input(0);
            int rank = c.rank(x);
            Output<?> dropped = axisMarks(c, rank);
            Output<?> kept = op(c, "Reshape", op(c, "Where", op(c, "Equal", dropped, c.scalar(0, DataType.INT32))), c.longs(-1));
            Output<?> shape = op(c, "Reshape", op(c, "GatherV2", Tf.shape(c, x), kept, c.scalar(0, DataType.INT32)),
                    c.longs(rank - staticAxisCount(c)));
            return List.of(Tf.reshape(c, x, shape));
        }
        long[] axes = axesOf(c, 13);
        var b = builder(c, "Squeeze", c.input(0));
        if (axes != null) {
            b.setAttr("squeeze_dims", axes);
        }
        return List.of(b.build().output(0));
    }

    private static List<Output<?>> flatten(ConversionContext c) {
        Output<?> x = c.input(0);
        int axis = Tf.axis(c.node().intAttribute("axis", 1), c.rank(x));
        Output<?> outer = Tf.reduce(c, "Prod", Tf.slice1d(c, Tf.shape(c, x), 0, (long) axis), c.int32s(0), true);
        return List.of(Tf.reshape(c, x, Tf.concat(c, List.of(outer, c.longs(-1)))));
    }

    private static OpConverter reduce(String tfOp, int axesInputSince) {
        return reduce(axesInputSince, (c, x, axes, keep) -> Tf.reduce(c, tfOp, x, axes, keep));
    }

    /** A reduction over int32 axes (never empty at run time, possibly negative), keeping the reduced axes or not. */
    private interface Reduction {
        Output<?> apply(ConversionContext c, Output<?> x, Output<?> axes, boolean keep);
    }

    /**
     * Axes from the attribute (before {@code axesInputSince}) or the input: a constant, or a tensor
     * computed in the graph, which TensorFlow's reductions take as it is. Empty axes reduce over
     * every axis, or over none with {@code noop_with_empty_axes}.
     */
    private static OpConverter reduce(int axesInputSince, Reduction r) {
        return c -> {
            Output<?> x = c.input(0);
            boolean keep = c.node().intAttribute("keepdims", 1) != 0;
            boolean noop = c.node().intAttribute("noop_with_empty_axes", 0) != 0;
            boolean fromInput = c.opset() >= axesInputSince;
            if (fromInput && c.hasInput(1) && c.constantInput(1).isEmpty()) {
                Output<?> axes = Tf.cast(c, c.input(1), DataType.INT32);
                if (!noop) {
                    // Every axis when the tensor is empty: [axes, range(rank)[:rank·(size == 0)]].
                    Output<?> all = op(c, "Range", c.scalar(0, DataType.INT32), op(c, "Rank", x), c.scalar(1, DataType.INT32));
                    Output<?> empty = Tf.cast(c, op(c, "Equal", op(c, "Size", axes), c.scalar(0, DataType.INT32)), DataType.INT32);
                    Output<?> take = op(c, "Reshape", op(c, "Mul", empty, op(c, "Rank", x)), c.int32s(1));
                    axes = Tf.concat(c, List.of(axes, op(c, "Slice", all, c.int32s(0), take)));
                }
                return List.of(r.apply(c, x, axes, keep));
            }
            long[] axes = axesOf(c, axesInputSince);
            if (axes == null || axes.length == 0) {
                if (noop) {
                    return List.of(op(c, "Identity", x));
                }
                axes = Tf.range(0, c.rank(x));
            }
            return List.of(r.apply(c, x, c.int32s(axes), keep));
        };
    }

    /** log Σ exp(x), shifted by the maximum so that large values do not overflow. */
    private static Output<?> logSumExp(ConversionContext c, Output<?> x, Output<?> axes, boolean keep) {
        Output<?> max = op(c, "StopGradient", Tf.reduce(c, "Max", x, axes, true));
        Output<?> sum = Tf.reduce(c, "Sum", op(c, "Exp", op(c, "Sub", x, max)), axes, keep);
        // The kept maximum, reduced again, takes the shape of the sum whichever keepdims says.
        return op(c, "AddV2", op(c, "Log", sum), Tf.reduce(c, "Max", max, axes, keep));
    }
}
