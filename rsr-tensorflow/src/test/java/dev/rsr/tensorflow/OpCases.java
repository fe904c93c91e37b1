package dev.rsr.tensorflow;

import static dev.rsr.tensorflow.OpCase.constant;
import static dev.rsr.tensorflow.OpCase.param;
import static dev.rsr.tensorflow.OpCase.randn;
import static dev.rsr.tensorflow.OpCase.uniform;

import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Graph;
import dev.rsr.ir.Node;
import dev.rsr.ir.Shape;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The op conformance table: every supported op, several attribute variants each. */
final class OpCases {
    private OpCases() {
    }

    private static final List<DataType> F = List.of(DataType.FLOAT);
    private static final List<DataType> B = List.of(DataType.BOOL);

    static List<OpCase> all() {
        List<OpCase> c = new ArrayList<>();
        convPoolOps(c);
        // Binary arithmetic with broadcasting.
        for (String op : List.of("Add", "Sub", "Mul")) {
            c.add(diff(op + " same shape", op, param(randn(1, 2, 3)), param(randn(2, 2, 3))));
            c.add(diff(op + " broadcast [2,3,4]x[4]", op, param(randn(3, 2, 3, 4)), param(randn(4, 4))));
            c.add(diff(op + " broadcast [2,1,4]x[3,1]", op, param(randn(5, 2, 1, 4)), param(randn(6, 3, 1))));
        }
        c.add(diff("Div", "Div", param(randn(7, 3, 4)), param(uniform(8, 0.5f, 2f, 4))));
        c.add(new OpCase("Div int64 truncates", "Div", 17, List.of(),
                List.of(constant(TensorData.vectorOfLongs(7, -7, 9)), constant(TensorData.vectorOfLongs(2, 2, -4))),
                List.of(DataType.INT64), false));
        c.add(diff("Pow tensor exponent", "Pow", param(uniform(9, 0.5f, 2f, 3, 2)), param(uniform(10, -1f, 2f, 3, 2))));
        c.add(diff("Pow constant 2", "Pow", param(randn(11, 4, 3)), constant(TensorData.scalarFloat(2f))));
        c.add(diff("Pow constant 0.5", "Pow", param(uniform(133, 0.5f, 2f, 4, 3)), constant(TensorData.ofFloats(new long[] {1}, 0.5f))));
        c.add(diff("Pow constant 1", "Pow", param(randn(134, 4, 3)), constant(TensorData.scalarFloat(1f))));
        c.add(diff("Max variadic", "Max", param(randn(12, 3, 4)), param(randn(13, 4)), param(randn(14, 3, 1))));
        c.add(diff("Min", "Min", param(randn(15, 3, 4)), param(randn(16, 3, 4))));
        // Unary.
        for (String op : List.of("Neg", "Abs", "Exp", "Relu", "Tanh", "Sigmoid", "Erf", "Identity")) {
            c.add(diff(op, op, param(randn(17, 3, 5))));
        }
        for (String op : List.of("Floor", "Ceil")) {
            c.add(new OpCase(op, op, 17, List.of(), List.of(param(uniform(100, -3f, 3f, 7))), F, false));
        }
        c.add(diff("Sqrt", "Sqrt", param(uniform(18, 0.2f, 3f, 3, 4))));
        c.add(diff("Log", "Log", param(uniform(19, 0.2f, 3f, 3, 4))));
        c.add(diff("Reciprocal", "Reciprocal", param(uniform(20, 0.5f, 2f, 6))));
        c.add(diff("LeakyRelu default alpha", "LeakyRelu", param(randn(21, 4, 4))));
        c.add(diff("LeakyRelu alpha 0.3", "LeakyRelu", List.of(Attribute.of("alpha", 0.3f)), param(randn(22, 4, 4))));
        // Softmax family.
        c.add(diff("Softmax last axis", "Softmax", List.of(Attribute.of("axis", -1L)), param(randn(23, 2, 3, 5))));
        c.add(diff("Softmax axis 1", "Softmax", List.of(Attribute.of("axis", 1L)), param(randn(24, 2, 3, 5))));
        c.add(new OpCase("Softmax opset 11 axis 1 (flattened)", "Softmax", 11, List.of(Attribute.of("axis", 1L)),
                List.of(param(randn(25, 2, 3, 5))), F, true));
        c.add(diff("LogSoftmax axis 0", "LogSoftmax", List.of(Attribute.of("axis", 0L)), param(randn(26, 4, 3))));
        c.add(diff("LogSoftmax 3-D last axis", "LogSoftmax", param(randn(27, 2, 4, 3))));
        // Linear algebra.
        c.add(diff("MatMul 2-D", "MatMul", param(randn(27, 3, 4)), param(randn(28, 4, 5))));
        c.add(diff("MatMul 3-D x 2-D", "MatMul", param(randn(29, 2, 3, 4)), param(randn(30, 4, 5))));
        c.add(diff("MatMul 4-D x 2-D", "MatMul", param(randn(131, 2, 2, 3, 4)), param(randn(132, 4, 5))));
        c.add(diff("MatMul 4-D broadcast", "MatMul", param(randn(31, 2, 1, 3, 4)), param(randn(32, 3, 4, 2))));
        c.add(diff("MatMul 1-D x 1-D", "MatMul", param(randn(135, 4)), param(randn(136, 4))));
        c.add(diff("MatMul 1-D x 3-D", "MatMul", param(randn(137, 4)), param(randn(138, 2, 4, 3))));
        c.add(diff("MatMul 3-D x 1-D", "MatMul", param(randn(139, 2, 3, 4)), param(randn(140, 4))));
        c.add(diff("Gemm plain", "Gemm", param(randn(33, 3, 4)), param(randn(34, 4, 5)), param(randn(35, 5))));
        c.add(diff("Gemm transA transB alpha beta", "Gemm",
                List.of(Attribute.of("transA", 1L), Attribute.of("transB", 1L), Attribute.of("alpha", 0.5f), Attribute.of("beta", 2f)),
                param(randn(36, 4, 3)), param(randn(37, 5, 4)), param(randn(38, 3, 5))));
        c.add(diff("Gemm without C", "Gemm", List.of(Attribute.of("transB", 1L)), param(randn(39, 3, 4)), param(randn(40, 2, 4))));
        // Normalization.
        c.add(diff("LayerNormalization last axis", "LayerNormalization", List.of(Attribute.of("epsilon", 1e-5f)),
                param(randn(41, 2, 3, 6)), param(randn(42, 6)), param(randn(43, 6))));
        c.add(diff("LayerNormalization axis 1 no bias", "LayerNormalization", List.of(Attribute.of("axis", 1L)),
                param(randn(44, 2, 3, 4)), param(randn(45, 3, 4))));
        c.add(new OpCase("LayerNormalization with Mean and InvStdDev", "LayerNormalization", 17, List.of(Attribute.of("axis", 1L)),
                List.of(param(randn(181, 2, 3, 4)), param(randn(182, 3, 4)), param(randn(183, 3, 4))), List.of(DataType.FLOAT, DataType.FLOAT,
                DataType.FLOAT), true));
        c.add(new OpCase("RMSNormalization", "RMSNormalization", 23, List.of(Attribute.of("axis", -1L)),
                List.of(param(randn(184, 2, 3, 4)), param(randn(185, 4))), F, true));
        c.add(diff("LpNormalization p 1 axis 0", "LpNormalization", List.of(Attribute.of("p", 1L), Attribute.of("axis", 0L)),
                param(uniform(186, 0.5f, 2f, 3, 4))));
        c.add(diff("LpNormalization p 2", "LpNormalization", param(randn(187, 3, 4))));
        c.add(new OpCase("LpNormalization of a zero vector", "LpNormalization", 17, List.of(Attribute.of("axis", 0L)),
                List.of(param(TensorData.ofFloats(new long[] {2, 2}, 0, 3, 0, 4))), F, false));
        c.add(diff("BatchNormalization", "BatchNormalization", List.of(Attribute.of("epsilon", 1e-3f)),
                param(randn(46, 2, 3, 4, 4)), param(randn(47, 3)), param(randn(48, 3)), param(randn(49, 3)), param(uniform(50, 0.5f, 2f, 3))));
        List<DataType> normalizedAndRunning = List.of(DataType.FLOAT, DataType.FLOAT, DataType.FLOAT);
        c.add(new OpCase("BatchNormalization training mode, momentum", "BatchNormalization", 15, List.of(Attribute.of("training_mode", 1L),
                Attribute.of("momentum", 0.8f)), List.of(param(randn(391, 3, 2, 4, 3)), param(randn(392, 2)), param(randn(393, 2)),
                param(randn(394, 2)), param(uniform(395, 0.5f, 2f, 2))), normalizedAndRunning, true));
        c.add(new OpCase("BatchNormalization training mode on [N, C]", "BatchNormalization", 15, List.of(Attribute.of("training_mode", 1L)),
                List.of(param(randn(396, 5, 3)), param(randn(397, 3)), param(randn(398, 3)), param(randn(399, 3)),
                        param(uniform(400, 0.5f, 2f, 3))), normalizedAndRunning, true));
        // Gather.
        c.add(diff("Gather axis 0", "Gather", param(randn(51, 5, 3)), constant(TensorData.ofLongs(new long[] {2, 2}, 4, 0, 1, 4))));
        c.add(diff("Gather negative indices", "Gather", param(randn(52, 5, 3)), constant(TensorData.vectorOfLongs(-1, 2, -5))));
        c.add(diff("Gather axis 1", "Gather", List.of(Attribute.of("axis", 1L)), param(randn(53, 2, 4, 3)),
                constant(TensorData.vectorOfLongs(3, 1))));
        // Shapes.
        c.add(diff("Reshape with 0 and -1", "Reshape", param(randn(54, 2, 3, 4)), constant(TensorData.vectorOfLongs(0, -1, 2))));
        c.add(diff("Reshape longer than input", "Reshape", param(randn(55, 2, 3, 4)), constant(TensorData.vectorOfLongs(0, 0, 2, 2))));
        c.add(diff("Transpose perm", "Transpose", List.of(Attribute.ofInts("perm", 1, 2, 0)), param(randn(56, 2, 3, 4))));
        c.add(diff("Transpose default", "Transpose", param(randn(57, 2, 3, 4))));
        c.add(diff("Concat axis 1", "Concat", List.of(Attribute.of("axis", 1L)), param(randn(58, 2, 1, 3)), param(randn(59, 2, 2, 3)),
                param(randn(60, 2, 3, 3))));
        c.add(diff("Concat axis -1", "Concat", List.of(Attribute.of("axis", -1L)), param(randn(61, 2, 2)), param(randn(62, 2, 3))));
        c.add(new OpCase("Split equal", "Split", 17, List.of(Attribute.of("axis", 1L)), List.of(param(randn(63, 2, 6))),
                List.of(DataType.FLOAT, DataType.FLOAT, DataType.FLOAT), true));
        c.add(new OpCase("Split sizes", "Split", 17, List.of(Attribute.of("axis", 0L)),
                List.of(param(randn(64, 5, 2)), constant(TensorData.vectorOfLongs(2, 3))), List.of(DataType.FLOAT, DataType.FLOAT), true));
        c.add(diff("Slice axes and steps", "Slice", param(randn(65, 4, 6, 3)), constant(TensorData.vectorOfLongs(1, -5)),
                constant(TensorData.vectorOfLongs(Long.MAX_VALUE, 6)), constant(TensorData.vectorOfLongs(0, 1)),
                constant(TensorData.vectorOfLongs(2, 2))));
        c.add(diff("Slice without axes", "Slice", param(randn(66, 4, 5)), constant(TensorData.vectorOfLongs(1, 0)),
                constant(TensorData.vectorOfLongs(3, -1))));
        c.add(diff("Slice negative step", "Slice", param(randn(67, 6)), constant(TensorData.vectorOfLongs(-1)),
                constant(TensorData.vectorOfLongs(Long.MIN_VALUE)), constant(TensorData.vectorOfLongs(0)), constant(TensorData.vectorOfLongs(-2))));
        c.add(diff("Unsqueeze 0 and -1", "Unsqueeze", param(randn(68, 3, 2)), constant(TensorData.vectorOfLongs(0, -1))));
        c.add(new OpCase("Unsqueeze opset 11 attribute", "Unsqueeze", 11, List.of(Attribute.ofInts("axes", 1)),
                List.of(param(randn(69, 3, 2))), F, true));
        c.add(diff("Squeeze axis 1", "Squeeze", param(randn(70, 3, 1, 2, 1)), constant(TensorData.vectorOfLongs(1))));
        c.add(diff("Squeeze all", "Squeeze", param(randn(71, 3, 1, 2, 1))));
        c.add(diff("Flatten axis 2", "Flatten", List.of(Attribute.of("axis", 2L)), param(randn(72, 2, 3, 4, 2))));
        c.add(diff("Flatten axis 0", "Flatten", List.of(Attribute.of("axis", 0L)), param(randn(73, 2, 3))));
        c.add(diff("Expand bidirectional", "Expand", param(randn(74, 3, 1)), constant(TensorData.vectorOfLongs(2, 1, 4))));
        c.add(new OpCase("Shape", "Shape", 17, List.of(), List.of(param(randn(75, 2, 3, 4))), List.of(DataType.INT64), false));
        c.add(new OpCase("Shape start end", "Shape", 17, List.of(Attribute.of("start", 1L), Attribute.of("end", -1L)),
                List.of(param(randn(76, 2, 3, 4, 5))), List.of(DataType.INT64), false));
        c.add(new OpCase("Constant", "Constant", 17, List.of(Attribute.of("value", randn(77, 2, 2))), List.of(), F, false));
        c.add(new OpCase("Constant value_ints", "Constant", 17, List.of(Attribute.ofInts("value_ints", 3, 1, 4)), List.of(),
                List.of(DataType.INT64), false));
        // Reductions.
        c.add(new OpCase("ReduceMean axes keepdims 0", "ReduceMean", 17, List.of(Attribute.ofInts("axes", 1), Attribute.of("keepdims", 0L)),
                List.of(param(randn(78, 2, 3, 4))), F, true));
        c.add(diff("ReduceSum axes input", "ReduceSum", param(randn(79, 2, 3, 4)), constant(TensorData.vectorOfLongs(-1, 0))));
        c.add(diff("ReduceSum all", "ReduceSum", List.of(Attribute.of("keepdims", 0L)), param(randn(80, 2, 3))));
        c.add(new OpCase("ReduceMax all axes", "ReduceMax", 17, List.of(), List.of(param(randn(81, 3, 4))), F, true));
        c.add(new OpCase("ReduceMin axis 0", "ReduceMin", 17, List.of(Attribute.ofInts("axes", 0)), List.of(param(randn(82, 3, 4))), F, true));
        // Types, comparisons, selection.
        c.add(diff("Cast float to double", "Cast", List.of(Attribute.of("to", 11L)), param(randn(83, 3))).withOutputs(List.of(DataType.DOUBLE), false));
        c.add(new OpCase("Cast float to int64", "Cast", 17, List.of(Attribute.of("to", 7L)),
                List.of(param(uniform(84, -5f, 5f, 6))), List.of(DataType.INT64), false));
        c.add(new OpCase("Cast int64 to float", "Cast", 17, List.of(Attribute.of("to", 1L)),
                List.of(constant(TensorData.vectorOfLongs(3, -2, 9))), F, false));
        for (String op : List.of("Equal", "Less", "Greater")) {
            c.add(new OpCase(op, op, 17, List.of(), List.of(param(TensorData.ofFloats(new long[] {4}, 1, 2, 3, 4)),
                    param(TensorData.ofFloats(new long[] {4}, 1, 3, 2, 4))), B, false));
        }
        c.add(new OpCase("Where", "Where", 17, List.of(), List.of(constant(TensorData.ofBools(new long[] {2, 3}, true, false, true, false, false, true)),
                param(randn(85, 2, 3)), param(randn(86, 3))), F, true));
        c.add(new OpCase("Not", "Not", 17, List.of(), List.of(constant(TensorData.ofBools(new long[] {3}, true, false, true))), B, false));
        c.add(diff("Dropout inference", "Dropout", param(randn(87, 3, 3))));
        // Convolution and pooling.
        // One input channel (also per group): TensorFlow's strided Conv2D took a wrong input gradient there.
        c.add(diff("Conv one channel strides 2", "Conv", List.of(Attribute.ofInts("strides", 2, 2)), param(randn(700, 1, 1, 7, 5)),
                param(randn(701, 2, 1, 3, 3))));
        c.add(diff("Conv depthwise strides 2", "Conv", List.of(Attribute.of("group", 3L), Attribute.ofInts("strides", 2, 1)),
                param(randn(702, 2, 3, 6, 5)), param(randn(703, 3, 1, 3, 2))));
        c.add(diff("Conv pads strides bias", "Conv", List.of(Attribute.ofInts("pads", 1, 0, 1, 2), Attribute.ofInts("strides", 2, 1)),
                param(randn(88, 2, 3, 7, 6)), param(randn(89, 4, 3, 3, 2)), param(randn(90, 4))));
        c.add(diff("Conv dilations no bias", "Conv", List.of(Attribute.ofInts("dilations", 2, 2)),
                param(randn(91, 1, 2, 8, 8)), param(randn(92, 3, 2, 3, 3))));
        c.add(diff("Conv dilations odd size with pads", "Conv", List.of(Attribute.ofInts("dilations", 2, 3), Attribute.ofInts("pads", 1, 2, 0, 1)),
                param(randn(101, 1, 2, 7, 9)), param(randn(102, 2, 2, 2, 3)), param(randn(103, 2))));
        c.add(diff("Conv SAME_UPPER", "Conv", List.of(Attribute.of("auto_pad", "SAME_UPPER")),
                param(randn(93, 1, 2, 5, 5)), param(randn(94, 2, 2, 3, 3))));
        c.add(diff("MaxPool pads", "MaxPool", List.of(Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1),
                Attribute.ofInts("strides", 2, 2)), param(randn(95, 1, 2, 6, 6))));
        c.add(diff("MaxPool valid", "MaxPool", List.of(Attribute.ofInts("kernel_shape", 2, 2)), param(randn(96, 2, 1, 4, 5))));
        c.add(diff("AveragePool pads excluded", "AveragePool", List.of(Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1)),
                param(randn(97, 1, 2, 5, 5))));
        c.add(diff("AveragePool pads included", "AveragePool", List.of(Attribute.ofInts("kernel_shape", 2, 3), Attribute.ofInts("pads", 0, 1, 1, 1),
                Attribute.of("count_include_pad", 1L), Attribute.ofInts("strides", 1, 2)), param(randn(98, 1, 2, 5, 6))));
        c.add(diff("GlobalAveragePool", "GlobalAveragePool", param(randn(99, 2, 3, 4, 5))));
        c.add(diff("GlobalMaxPool", "GlobalMaxPool", param(randn(214, 2, 3, 4, 5))));
        c.add(diff("Conv 1-D pads strides bias", "Conv", List.of(Attribute.ofInts("pads", 1, 2), Attribute.ofInts("strides", 2)),
                param(randn(200, 2, 3, 9)), param(randn(201, 4, 3, 3)), param(randn(202, 4))));
        c.add(diff("Conv grouped", "Conv", List.of(Attribute.of("group", 2L), Attribute.ofInts("pads", 1, 1, 1, 1)),
                param(randn(207, 1, 4, 5, 5)), param(randn(208, 6, 2, 3, 3)), param(randn(209, 6))));
        c.add(diff("Conv depthwise 1-D", "Conv", List.of(Attribute.of("group", 3L)), param(randn(210, 2, 3, 7)), param(randn(211, 3, 1, 3))));
        c.add(diff("Conv 1-D dilations", "Conv", List.of(Attribute.ofInts("dilations", 2), Attribute.ofInts("pads", 1, 1)),
                param(randn(203, 1, 2, 8)), param(randn(204, 3, 2, 3))));
        // Transposed convolution: zeros between the inputs, padding, a flipped kernel.
        c.add(diff("ConvTranspose bias", "ConvTranspose", param(randn(220, 1, 2, 3, 3)), param(randn(221, 2, 3, 3, 3)), param(randn(222, 3))));
        c.add(diff("ConvTranspose strides pads output_padding", "ConvTranspose", List.of(Attribute.ofInts("strides", 2, 3),
                Attribute.ofInts("pads", 1, 0, 1, 2), Attribute.ofInts("output_padding", 1, 1)), param(randn(223, 2, 2, 3, 4)), param(randn(224, 2, 2, 3, 3))));
        c.add(diff("ConvTranspose grouped dilated", "ConvTranspose", List.of(Attribute.of("group", 2L), Attribute.ofInts("dilations", 2, 2)),
                param(randn(225, 1, 4, 3, 3)), param(randn(226, 4, 1, 2, 2))));
        c.add(diff("ConvTranspose SAME_UPPER strides", "ConvTranspose", List.of(Attribute.of("auto_pad", "SAME_UPPER"), Attribute.ofInts("strides", 2, 2)),
                param(randn(227, 1, 1, 3, 3)), param(randn(228, 1, 2, 3, 3))));
        c.add(diff("ConvTranspose 1-D strides", "ConvTranspose", List.of(Attribute.ofInts("strides", 2), Attribute.ofInts("pads", 1, 0)),
                param(randn(229, 2, 2, 5)), param(randn(230, 2, 3, 3)), param(randn(231, 3))));
        c.add(diff("MaxPool 1-D pads", "MaxPool", List.of(Attribute.ofInts("kernel_shape", 3), Attribute.ofInts("pads", 1, 1),
                Attribute.ofInts("strides", 2)), param(randn(205, 2, 3, 7))));
        c.add(diff("AveragePool 1-D pads excluded", "AveragePool", List.of(Attribute.ofInts("kernel_shape", 3), Attribute.ofInts("pads", 1, 1)),
                param(randn(206, 1, 2, 6))));
        mathOps(c);
        attentionOps(c);
        resizeOps(c);
        samplingOps(c);
        controlFlowOps(c);
        uniqueUnpoolAndPadOps(c);
        detectionOps(c);
        lpPoolOps(c);
        linearAlgebraOps(c);
        col2ImOps(c);
        smallOps(c);
        return c;
    }

    /** The converters of {@link dev.rsr.tensorflow.ops.MathOps} and the reductions beyond sum, mean, max and min. */
    private static void mathOps(List<OpCase> c) {
        TensorData p = TensorData.ofBools(new long[] {4}, true, true, false, false);
        TensorData q = TensorData.ofBools(new long[] {4}, true, false, true, false);
        for (String op : List.of("And", "Or", "Xor")) {
            c.add(new OpCase(op, op, 17, List.of(), List.of(constant(p), constant(q)), B, false));
        }
        for (String op : List.of("LessOrEqual", "GreaterOrEqual")) {
            c.add(new OpCase(op, op, 17, List.of(), List.of(param(TensorData.ofFloats(new long[] {4}, 1, 2, 3, 4)),
                    param(TensorData.ofFloats(new long[] {4}, 1, 3, 2, 4))), B, false));
        }
        TensorData a = TensorData.ofInts(new long[] {4}, 12, -7, 0, 255), b = TensorData.ofInts(new long[] {4}, 10, 3, -1, 15);
        for (String op : List.of("BitwiseAnd", "BitwiseOr", "BitwiseXor")) {
            c.add(new OpCase(op, op, 18, List.of(), List.of(constant(a), constant(b)), List.of(DataType.INT32), false));
        }
        c.add(new OpCase("BitwiseNot", "BitwiseNot", 18, List.of(), List.of(constant(a)), List.of(DataType.INT32), false));
        for (String op : List.of("Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Atanh")) {
            c.add(diff(op, op, param(uniform(140, -0.9f, 0.9f, 3, 4))));
        }
        for (String op : List.of("Sinh", "Cosh", "Asinh", "Softplus", "Softsign", "Mish")) {
            c.add(new OpCase(op, op, 18, List.of(), List.of(param(randn(141, 3, 4))), F, true));
        }
        c.add(diff("Acosh", "Acosh", param(uniform(142, 1.2f, 3f, 3, 4))));
        c.add(new OpCase("Sign", "Sign", 17, List.of(), List.of(param(TensorData.ofFloats(new long[] {3}, -2, 0, 3))), F, false));
        c.add(new OpCase("Round halves to even", "Round", 17, List.of(),
                List.of(param(TensorData.ofFloats(new long[] {6}, 0.5f, 1.5f, 2.5f, -0.5f, 1.2f, -2.7f))), F, false));
        TensorData special = TensorData.ofFloats(new long[] {4}, 1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
        c.add(new OpCase("IsNaN", "IsNaN", 17, List.of(), List.of(constant(special)), B, false));
        c.add(new OpCase("IsInf", "IsInf", 17, List.of(), List.of(constant(special)), B, false));
        c.add(new OpCase("IsInf negative only", "IsInf", 17, List.of(Attribute.of("detect_positive", 0L)), List.of(constant(special)), B, false));
        c.add(new OpCase("Mod int64 sign of divisor", "Mod", 17, List.of(),
                List.of(constant(TensorData.vectorOfLongs(7, -7, 7, -7)), constant(TensorData.vectorOfLongs(3, 3, -3, -3))), List.of(DataType.INT64), false));
        c.add(new OpCase("Mod fmod float", "Mod", 17, List.of(Attribute.of("fmod", 1L)),
                List.of(param(uniform(143, -5f, 5f, 6)), constant(TensorData.ofFloats(new long[] {6}, 1.5f, -2f, 3f, 1.5f, -2f, 3f))), F, false));
        c.add(new OpCase("CastLike float to int64", "CastLike", 17, List.of(),
                List.of(param(uniform(144, -5f, 5f, 5)), constant(TensorData.vectorOfLongs(0))), List.of(DataType.INT64), false));
        c.add(diff("Clip min and max inputs", "Clip", param(randn(145, 3, 4)), constant(TensorData.scalarFloat(-0.5f)),
                constant(TensorData.scalarFloat(0.7f))));
        c.add(diff("Clip min only", "Clip", param(randn(146, 3, 4)), constant(TensorData.scalarFloat(-0.5f))));
        c.add(new OpCase("Clip opset 6 attributes", "Clip", 6, List.of(Attribute.of("min", -0.3f), Attribute.of("max", 0.4f)),
                List.of(param(randn(147, 3, 4))), F, true));
        c.add(diff("Sum broadcast", "Sum", param(randn(148, 3, 4)), param(randn(149, 4)), param(randn(150, 3, 1))));
        c.add(diff("Mean", "Mean", param(randn(151, 3, 4)), param(randn(152, 3, 4))));
        c.add(diff("Elu alpha 0.5", "Elu", List.of(Attribute.of("alpha", 0.5f)), param(randn(153, 3, 4))));
        c.add(diff("Celu alpha 2", "Celu", List.of(Attribute.of("alpha", 2f)), param(randn(154, 3, 4))));
        c.add(diff("Selu", "Selu", param(randn(155, 3, 4))));
        c.add(new OpCase("Swish alpha", "Swish", 24, List.of(Attribute.of("alpha", 0.7f)), List.of(param(randn(157, 3, 4))), F, true));
        c.add(diff("HardSigmoid", "HardSigmoid", List.of(Attribute.of("alpha", 0.3f), Attribute.of("beta", 0.4f)), param(randn(156, 3, 4))));
        c.add(diff("HardSwish", "HardSwish", param(uniform(157, -5f, 5f, 3, 4))));
        c.add(diff("ThresholdedRelu", "ThresholdedRelu", List.of(Attribute.of("alpha", 0.5f)), param(randn(158, 3, 4))));
        c.add(diff("Shrink", "Shrink", List.of(Attribute.of("lambd", 0.4f), Attribute.of("bias", 0.2f)), param(randn(159, 3, 4))));
        c.add(diff("PRelu slope per channel", "PRelu", param(randn(160, 2, 3, 4)), param(uniform(161, 0.1f, 0.5f, 3, 1))));
        c.add(new OpCase("Gelu", "Gelu", 20, List.of(), List.of(param(randn(162, 3, 4))), F, true));
        c.add(new OpCase("Gelu tanh", "Gelu", 20, List.of(Attribute.of("approximate", "tanh")), List.of(param(randn(163, 3, 4))), F, true));
        c.add(new OpCase("ConstantOfShape default", "ConstantOfShape", 17, List.of(), List.of(constant(TensorData.vectorOfLongs(2, 3))), F, false));
        c.add(new OpCase("ConstantOfShape int64 value", "ConstantOfShape", 17, List.of(Attribute.of("value", TensorData.ofLongs(new long[] {1}, 7))),
                List.of(constant(TensorData.vectorOfLongs(3))), List.of(DataType.INT64), false));
        c.add(new OpCase("Size", "Size", 17, List.of(), List.of(param(randn(164, 2, 3, 4))), List.of(DataType.INT64), false));
        c.add(new OpCase("Range int64", "Range", 17, List.of(), List.of(constant(TensorData.scalarLong(2)), constant(TensorData.scalarLong(11)),
                constant(TensorData.scalarLong(3))), List.of(DataType.INT64), false));
        c.add(new OpCase("Range float down", "Range", 17, List.of(), List.of(constant(TensorData.scalarFloat(1f)), constant(TensorData.scalarFloat(-1f)),
                constant(TensorData.scalarFloat(-0.5f))), F, false));
        c.add(diff("Tile", "Tile", param(randn(165, 2, 3)), constant(TensorData.vectorOfLongs(2, 1))));
        for (String op : List.of("ReduceProd", "ReduceSumSquare", "ReduceL1", "ReduceL2", "ReduceLogSumExp")) {
            c.add(new OpCase(op + " axes input", op, 18, List.of(Attribute.of("keepdims", 0L)),
                    List.of(param(uniform(166, 0.5f, 1.5f, 2, 3, 4)), constant(TensorData.vectorOfLongs(-1, 0))), F, true));
            c.add(new OpCase(op + " all, kept", op, 18, List.of(), List.of(param(uniform(167, 0.5f, 1.5f, 2, 3))), F, true));
        }
        indexOps(c);
        lossOps(c);
        recurrentOps(c);
        arrayAndNormalizationOps(c);
        c.add(new OpCase("ReduceLogSum axes attribute", "ReduceLogSum", 17, List.of(Attribute.ofInts("axes", 1)),
                List.of(param(uniform(168, 0.5f, 1.5f, 2, 3, 4))), F, true));
    }

    /** The converters of {@link dev.rsr.tensorflow.ops.LossOps}. */
    private static void lossOps(List<OpCase> c) {
        TensorData targets = TensorData.vectorOfLongs(2, 0, 3);
        TensorData weights = TensorData.ofFloats(new long[] {4}, 0.5f, 1f, 2f, 1.5f);
        c.add(diff("NegativeLogLikelihoodLoss mean", "NegativeLogLikelihoodLoss", param(randn(190, 3, 4)), constant(targets)));
        c.add(diff("NegativeLogLikelihoodLoss weighted mean, ignored label", "NegativeLogLikelihoodLoss",
                List.of(Attribute.of("ignore_index", 0L)), param(randn(191, 3, 4)), constant(targets), constant(weights)));
        c.add(diff("NegativeLogLikelihoodLoss [N,C,d] none", "NegativeLogLikelihoodLoss", List.of(Attribute.of("reduction", "none")),
                param(randn(192, 2, 4, 3)), constant(TensorData.ofLongs(new long[] {2, 3}, 1, 0, 3, 2, 2, 1))));
        c.add(diff("NegativeLogLikelihoodLoss sum", "NegativeLogLikelihoodLoss", List.of(Attribute.of("reduction", "sum")),
                param(randn(193, 3, 4)), constant(targets), constant(weights)));
        float inf = Float.NEGATIVE_INFINITY;
        c.add(new OpCase("NegativeLogLikelihoodLoss with -inf elsewhere and at an ignored label", "NegativeLogLikelihoodLoss", 17,
                List.of(Attribute.of("ignore_index", 1L)), List.of(param(TensorData.ofFloats(new long[] {3, 3}, -0.5f, inf, -1f, inf, -2f, -0.1f,
                -0.3f, -0.7f, inf)), constant(TensorData.vectorOfLongs(0, 1, 1))), F, false));
        c.add(new OpCase("OneHot axis -2", "OneHot", 17, List.of(Attribute.of("axis", -2L)), List.of(constant(TensorData.vectorOfLongs(1, 0, 2)),
                constant(TensorData.scalarLong(3)), constant(TensorData.ofFloats(new long[] {2}, 0f, 1f))), F, false));
        c.add(new OpCase("SoftmaxCrossEntropyLoss with log_prob", "SoftmaxCrossEntropyLoss", 17, List.of(),
                List.of(param(randn(194, 3, 4)), constant(targets)), List.of(DataType.FLOAT, DataType.FLOAT), true));
        c.add(new OpCase("SoftmaxCrossEntropyLoss [N,C,d] weighted, ignored", "SoftmaxCrossEntropyLoss", 17,
                List.of(Attribute.of("ignore_index", 1L)), List.of(param(randn(195, 2, 4, 3)),
                constant(TensorData.ofLongs(new long[] {2, 3}, 1, 0, 3, 2, 2, 1)), constant(weights)), F, true));
    }

    /** The converters of {@link dev.rsr.tensorflow.ops.IndexOps}. */
    private static void indexOps(List<OpCase> c) {
        TensorData ties = TensorData.ofFloats(new long[] {2, 4}, 1, 3, 3, 0, 2, 2, -1, 2);
        List<DataType> longs = List.of(DataType.INT64);
        c.add(new OpCase("ArgMax axis 1", "ArgMax", 17, List.of(Attribute.of("axis", 1L)), List.of(param(ties)), longs, false));
        c.add(new OpCase("ArgMax last index, no keepdims", "ArgMax", 17, List.of(Attribute.of("axis", 1L), Attribute.of("keepdims", 0L),
                Attribute.of("select_last_index", 1L)), List.of(param(ties)), longs, false));
        c.add(new OpCase("ArgMin axis 0", "ArgMin", 17, List.of(), List.of(param(randn(170, 3, 4))), longs, false));
        c.add(new OpCase("ArgMin last index", "ArgMin", 17, List.of(Attribute.of("axis", -1L), Attribute.of("select_last_index", 1L)),
                List.of(param(ties)), longs, false));
        c.add(new OpCase("Hardmax axis 1 with ties", "Hardmax", 13, List.of(Attribute.of("axis", 1L)), List.of(param(ties)), F, false));
        c.add(diff("GatherElements axis 1", "GatherElements", List.of(Attribute.of("axis", 1L)), param(randn(171, 3, 4)),
                constant(TensorData.ofLongs(new long[] {3, 2}, 0, 3, -1, 2, 1, 1))));
        c.add(diff("GatherElements axis 0", "GatherElements", param(randn(172, 3, 2)),
                constant(TensorData.ofLongs(new long[] {2, 2}, 2, 0, 1, 2))));
        c.add(diff("Trilu upper", "Trilu", param(randn(173, 2, 3, 4))));
        c.add(diff("ScatterElements axis 1", "ScatterElements", List.of(Attribute.of("axis", 1L)), param(randn(215, 3, 4)),
                constant(TensorData.ofLongs(new long[] {3, 2}, 0, 3, -1, 2, 1, 0)), param(randn(216, 3, 2))));
        c.add(diff("ScatterElements add", "ScatterElements", List.of(Attribute.of("reduction", "add")), param(randn(217, 3, 2)),
                constant(TensorData.ofLongs(new long[] {2, 2}, 2, 0, 2, 0)), param(randn(218, 2, 2))));
        c.add(diff("ScatterND rows", "ScatterND", param(randn(219, 4, 3)), constant(TensorData.ofLongs(new long[] {2, 1}, 3, 1)),
                param(randn(220, 2, 3))));
        c.add(new OpCase("ScatterND max", "ScatterND", 18, List.of(Attribute.of("reduction", "max")), List.of(param(randn(221, 4)),
                constant(TensorData.ofLongs(new long[] {2, 1}, 0, 2)), param(randn(222, 2))), F, false));
        c.add(new OpCase("OneHot axis -1, negative index", "OneHot", 17, List.of(), List.of(constant(TensorData.vectorOfLongs(0, -1, 2)),
                constant(TensorData.scalarLong(4)), constant(TensorData.ofFloats(new long[] {2}, 0.5f, 3f))), F, false));
        c.add(new OpCase("OneHot axis 0", "OneHot", 17, List.of(Attribute.of("axis", 0L)), List.of(constant(TensorData.vectorOfLongs(1, 0)),
                constant(TensorData.scalarLong(3)), constant(TensorData.ofFloats(new long[] {2}, 0f, 1f))), F, false));
        c.add(diff("Trilu lower k=-1", "Trilu", List.of(Attribute.of("upper", 0L)), param(randn(174, 4, 3)),
                constant(TensorData.scalarLong(-1))));
        c.add(diff("CumSum axis 1", "CumSum", param(randn(175, 3, 4)), constant(TensorData.scalarLong(1))));
        c.add(diff("CumSum exclusive reverse", "CumSum", List.of(Attribute.of("exclusive", 1L), Attribute.of("reverse", 1L)),
                param(randn(176, 5)), constant(TensorData.scalarLong(0))));
        c.add(diff("Pad constant value", "Pad", param(randn(177, 2, 3)), constant(TensorData.vectorOfLongs(0, 1, 1, 2)),
                constant(TensorData.scalarFloat(1.5f))));
        c.add(diff("Pad zeros", "Pad", param(randn(178, 2, 3)), constant(TensorData.vectorOfLongs(1, 0, 0, 1))));
        c.add(new OpCase("TopK largest axis 1", "TopK", 17, List.of(Attribute.of("axis", 1L)), List.of(param(ties),
                constant(TensorData.vectorOfLongs(2))), List.of(DataType.FLOAT, DataType.INT64), false));
        c.add(new OpCase("TopK smallest axis 0", "TopK", 17, List.of(Attribute.of("axis", 0L), Attribute.of("largest", 0L)),
                List.of(param(randn(180, 4, 3)), constant(TensorData.vectorOfLongs(3))), List.of(DataType.FLOAT, DataType.INT64), false));
        c.add(diff("Pad edge", "Pad", List.of(Attribute.of("mode", "edge")), param(randn(212, 3, 4)),
                constant(TensorData.vectorOfLongs(2, 0, 1, 3))));
        c.add(new OpCase("Pad wrap", "Pad", 19, List.of(Attribute.of("mode", "wrap")), List.of(param(randn(213, 3, 4)),
                constant(TensorData.vectorOfLongs(1, 2, 2, 1))), F, true));
        c.add(diff("Pad reflect", "Pad", List.of(Attribute.of("mode", "reflect")), param(randn(179, 3, 4)),
                constant(TensorData.vectorOfLongs(1, 2, 1, 1))));
    }

    private static void arrayAndNormalizationOps(List<OpCase> c) {
        c.add(diff("InstanceNormalization", "InstanceNormalization", List.of(Attribute.of("epsilon", 1e-3f)),
                param(randn(240, 2, 3, 4, 5)), param(randn(241, 3)), param(randn(242, 3))));
        c.add(new OpCase("GroupNormalization per group (opset 18)", "GroupNormalization", 18, List.of(Attribute.of("num_groups", 2L)),
                List.of(param(randn(243, 2, 4, 3)), param(randn(244, 2)), param(randn(245, 2))), F, true));
        c.add(new OpCase("GroupNormalization per channel (opset 21)", "GroupNormalization", 21, List.of(Attribute.of("num_groups", 2L)),
                List.of(param(randn(246, 2, 4, 3, 2)), param(randn(247, 4)), param(randn(248, 4))), F, true));
        c.add(diff("LRN size 3", "LRN", List.of(Attribute.of("size", 3L), Attribute.of("alpha", 0.1f)), param(randn(249, 2, 5, 3, 3))));
        c.add(diff("LRN size 5", "LRN", List.of(Attribute.of("size", 5L), Attribute.of("alpha", 0.2f), Attribute.of("beta", 0.5f),
                Attribute.of("bias", 2f)), param(randn(250, 1, 6, 2, 2))));
        c.add(diff("DepthToSpace DCR", "DepthToSpace", List.of(Attribute.of("blocksize", 2L)), param(randn(251, 1, 8, 2, 3))));
        c.add(diff("DepthToSpace CRD", "DepthToSpace", List.of(Attribute.of("blocksize", 2L), Attribute.of("mode", "CRD")), param(randn(252, 2, 8, 2, 2))));
        c.add(diff("SpaceToDepth", "SpaceToDepth", List.of(Attribute.of("blocksize", 2L)), param(randn(253, 1, 2, 4, 6))));
        c.add(diff("GatherND", "GatherND", param(randn(254, 3, 4, 2)), constant(TensorData.ofLongs(new long[] {2, 2}, 0, -1, 2, 1))));
        c.add(diff("GatherND batch_dims 1", "GatherND", List.of(Attribute.of("batch_dims", 1L)), param(randn(255, 2, 3, 4)),
                constant(TensorData.ofLongs(new long[] {2, 2, 1}, 2, 0, 1, 1))));
        c.add(diff("Compress axis 1", "Compress", List.of(Attribute.of("axis", 1L)), param(randn(256, 2, 4)),
                constant(TensorData.ofBools(new long[] {4}, true, false, true, true))));
        c.add(diff("Compress flattened", "Compress", param(randn(257, 2, 3)), constant(TensorData.ofBools(new long[] {5}, false, true, true, false, true))));
        c.add(diff("ReverseSequence", "ReverseSequence", List.of(Attribute.of("time_axis", 1L), Attribute.of("batch_axis", 0L)),
                param(randn(258, 3, 4, 2)), constant(TensorData.ofLongs(new long[] {3}, 4, 2, 1))));
        c.add(new OpCase("Scatter (opset 10)", "Scatter", 10, List.of(Attribute.of("axis", 1L)),
                List.of(param(randn(260, 2, 4)), constant(TensorData.ofLongs(new long[] {2, 2}, 3, 0, 1, 2)), param(randn(261, 2, 2))), F, true));
        for (String window : List.of("HannWindow", "HammingWindow", "BlackmanWindow")) {
            c.add(new OpCase(window + " symmetric", window, 17, List.of(Attribute.of("periodic", 0L)),
                    List.of(constant(TensorData.ofLongs(new long[0], 9))), F, false));
        }
        c.add(new OpCase("RotaryEmbedding 4-D halves", "RotaryEmbedding", 23, List.of(),
                List.of(param(randn(262, 2, 2, 3, 4)), param(randn(263, 2, 3, 2)), param(randn(264, 2, 3, 2))), F, true));
        c.add(new OpCase("RotaryEmbedding 3-D interleaved, positions, partial", "RotaryEmbedding", 23, List.of(Attribute.of("num_heads", 2L),
                Attribute.of("interleaved", 1L), Attribute.of("rotary_embedding_dim", 4L)), List.of(param(randn(265, 2, 3, 12)),
                param(randn(266, 5, 2)), param(randn(267, 5, 2)), constant(TensorData.ofLongs(new long[] {2, 3}, 0, 1, 2, 4, 3, 0))), F, true));
        c.add(new OpCase("CenterCropPad crop and pad, axes", "CenterCropPad", 18, List.of(Attribute.ofInts("axes", 1, -1)),
                List.of(param(randn(268, 2, 5, 3)), constant(TensorData.ofLongs(new long[] {2}, 2, 6))), F, true));
        c.add(new OpCase("EyeLike k 1", "EyeLike", 17, List.of(Attribute.of("k", 1L)), List.of(param(randn(259, 3, 4))), F, false));
    }

    private static OpCase diff(String label, String op, OpCase.Input... inputs) {
        return diff(label, op, List.of(), inputs);
    }

    private static OpCase diff(String label, String op, List<Attribute> attributes, OpCase.Input... inputs) {
        return new OpCase(label, op, 17, attributes, Arrays.asList(inputs), F, true);
    }

    /** The converter of {@link dev.rsr.tensorflow.ops.AttentionOps}. */
    /**
     * If, Loop and Scan. Their subgraphs read the node's inputs by name from the enclosing graph
     * (in0, in1, …), so gradients must flow through the bodies to those parameters.
     */
    private static void controlFlowOps(List<OpCase> c) {
        ValueInfo y = floats("y");
        Graph square = subgraph("then", List.of(), List.of(y), new Node("sq", "Mul", List.of("in1", "in1"), List.of("y"), List.of()));
        Graph negate = subgraph("else", List.of(), List.of(y), new Node("neg", "Neg", List.of("in1"), List.of("y"), List.of()));
        List<Attribute> branches = List.of(Attribute.of("then_branch", square), Attribute.of("else_branch", negate));
        TensorData yes = TensorData.ofBools(new long[0], true), no = TensorData.ofBools(new long[0], false);
        c.add(new OpCase("If constant condition", "If", 17, branches,
                List.of(constant(yes), OpCase.outer(param(randn(301, 3, 4)))), F, true));
        c.add(new OpCase("If computed condition, else taken", "If", 17, branches,
                List.of(OpCase.computed(no), OpCase.outer(param(randn(302, 3, 4)))), F, true));
        c.add(new OpCase("If computed condition, then taken", "If", 17, branches,
                List.of(OpCase.computed(yes), OpCase.outer(param(randn(303, 3, 4)))), F, true));

        // Loop body (i, cond, acc) -> (cond, acc * in2 + i, the same as a scan row): reads in2, the initial value, from outside.
        List<ValueInfo> loopIn = List.of(new ValueInfo("i", DataType.INT64, Shape.of()), new ValueInfo("cond", DataType.BOOL, Shape.of()),
                floats("acc"));
        Node iter = new Node("iter", "Cast", List.of("i"), List.of("i_f"), List.of(Attribute.of("to", (long) DataType.FLOAT.onnxCode())));
        Node mul = new Node("mul", "Mul", List.of("acc", "in2"), List.of("scaled"), List.of());
        Node add = new Node("add", "Add", List.of("scaled", "i_f"), List.of("acc_next"), List.of());
        Node row = new Node("row", "Identity", List.of("acc_next"), List.of("row"), List.of());
        Graph passOn = subgraph("body", loopIn, List.of(new ValueInfo("cond_next", DataType.BOOL, Shape.of()), floats("acc_next"), floats("row")),
                new Node("keep", "Identity", List.of("cond"), List.of("cond_next"), List.of()), iter, mul, add, row);
        List<DataType> ff = List.of(DataType.FLOAT, DataType.FLOAT);
        c.add(new OpCase("Loop constant trip count", "Loop", 17, List.of(Attribute.of("body", passOn)),
                Arrays.asList(constant(TensorData.scalarLong(3)), null, param(uniform(304, 0.5f, 1.2f, 2, 3))), ff, true));
        // The condition turns false after the second iteration: two of four iterations run.
        Graph stops = subgraph("body", loopIn, List.of(new ValueInfo("cond_next", DataType.BOOL, Shape.of()), floats("acc_next"), floats("row")),
                new Node("one", "Constant", List.of(), List.of("one"), List.of(Attribute.of("value", TensorData.scalarLong(1)))),
                new Node("stop", "Less", List.of("i", "one"), List.of("cond_next"), List.of()), iter, mul, add, row);
        c.add(new OpCase("Loop computed condition ends early", "Loop", 17, List.of(Attribute.of("body", stops)),
                List.of(constant(TensorData.scalarLong(4)), OpCase.computed(yes), param(uniform(305, 0.5f, 1.2f, 2, 3))), ff, true));

        // Scan body (s, x) -> (s * x + in0, the new s as a row): reads in0, the initial state, from outside.
        Graph scanBody = subgraph("body", List.of(floats("s"), floats("x")), List.of(floats("s_next"), floats("row")),
                new Node("mul", "Mul", List.of("s", "x"), List.of("sx"), List.of()),
                new Node("add", "Add", List.of("sx", "in0"), List.of("s_next"), List.of()),
                new Node("row", "Identity", List.of("s_next"), List.of("row"), List.of()));
        c.add(new OpCase("Scan forward", "Scan", 17, List.of(Attribute.of("body", scanBody), Attribute.of("num_scan_inputs", 1L)),
                List.of(param(randn(306, 2)), param(uniform(307, 0.5f, 1.2f, 3, 2))), ff, true));
        c.add(new OpCase("Scan reversed along axis 1, rows stacked on axis 1", "Scan", 17, List.of(Attribute.of("body", scanBody),
                Attribute.of("num_scan_inputs", 1L), Attribute.ofInts("scan_input_axes", 1), Attribute.ofInts("scan_input_directions", 1),
                Attribute.ofInts("scan_output_axes", 1), Attribute.ofInts("scan_output_directions", 1)),
                List.of(param(randn(308, 2)), param(uniform(309, 0.5f, 1.2f, 2, 3))), ff, true));
    }

    /** Unique (not differentiable), MaxUnpool, and edge Pad with pads computed in the graph. */
    private static void uniqueUnpoolAndPadOps(List<OpCase> c) {
        List<DataType> unique = List.of(DataType.FLOAT, DataType.INT64, DataType.INT64, DataType.INT64);
        OpCase.Input values = constant(TensorData.ofFloats(new long[] {7}, 2, 1, 1, 3, 4, 3, -1));
        c.add(new OpCase("Unique sorted without axis", "Unique", 17, List.of(), List.of(values), unique, false));
        c.add(new OpCase("Unique in first-occurrence order", "Unique", 17, List.of(Attribute.of("sorted", 0L)), List.of(values), unique, false));
        c.add(new OpCase("Unique int64 of a matrix, flattened", "Unique", 17, List.of(),
                List.of(constant(TensorData.ofLongs(new long[] {2, 3}, 5, -2, 5, 0, 7, -2))),
                List.of(DataType.INT64, DataType.INT64, DataType.INT64, DataType.INT64), false));
        OpCase.Input rows = constant(TensorData.ofFloats(new long[] {4, 3}, 2, 0, 1, 1, 5, 0, 2, 0, 1, 1, 0, 9));
        c.add(new OpCase("Unique rows sorted (axis 0)", "Unique", 17, List.of(Attribute.of("axis", 0L)), List.of(rows), unique, false));
        c.add(new OpCase("Unique rows in first-occurrence order", "Unique", 17, List.of(Attribute.of("axis", 0L), Attribute.of("sorted", 0L)),
                List.of(rows), unique, false));
        c.add(new OpCase("Unique 3-D slices sorted along axis -1", "Unique", 17, List.of(Attribute.of("axis", -1L)),
                List.of(constant(TensorData.ofFloats(new long[] {2, 2, 3}, 1, 0, 1, 2, 3, 2, 4, 4, 4, 0, 1, 0))), unique, false));

        List<Attribute> unpool = List.of(Attribute.ofInts("kernel_shape", 2, 2), Attribute.ofInts("strides", 2, 2));
        c.add(diff("MaxUnpool 2-D", "MaxUnpool", unpool, param(randn(310, 1, 2, 2, 2)),
                constant(TensorData.ofLongs(new long[] {1, 2, 2, 2}, 5, 2, 13, 15, 16, 23, 28, 31))));
        c.add(diff("MaxUnpool 1-D with pads", "MaxUnpool", List.of(Attribute.ofInts("kernel_shape", 3), Attribute.ofInts("strides", 2),
                Attribute.ofInts("pads", 1, 1)), param(randn(311, 2, 1, 3)), constant(TensorData.ofLongs(new long[] {2, 1, 3}, 0, 2, 4, 6, 7, 9))));

        c.add(diff("Pad edge with computed pads", "Pad", List.of(Attribute.of("mode", "edge")), param(randn(312, 2, 3)),
                OpCase.computed(TensorData.vectorOfLongs(1, 0, 2, 1))));
        c.add(diff("Pad wrap with computed pads", "Pad", List.of(Attribute.of("mode", "wrap")), param(randn(313, 2, 3)),
                OpCase.computed(TensorData.vectorOfLongs(0, 2, 1, 1))));
    }

    private static ValueInfo floats(String name) {
        return new ValueInfo(name, DataType.FLOAT, Shape.unknownRank());
    }

    private static Graph subgraph(String name, List<ValueInfo> inputs, List<ValueInfo> outputs, Node... nodes) {
        return new Graph(name, inputs, outputs, java.util.Map.of(), List.of(nodes), List.of(), "");
    }

    private static void attentionOps(List<OpCase> c) {
        List<DataType> withQk = List.of(DataType.FLOAT, DataType.FLOAT, DataType.FLOAT, DataType.FLOAT);
        c.add(new OpCase("Attention 4-D", "Attention", 23, List.of(),
                List.of(param(randn(230, 2, 2, 3, 4)), param(randn(231, 2, 2, 5, 4)), param(randn(232, 2, 2, 5, 3))), F, true));
        c.add(new OpCase("Attention 3-D grouped heads, float softmax precision", "Attention", 23, List.of(Attribute.of("q_num_heads", 4L),
                Attribute.of("kv_num_heads", 2L), Attribute.of("softmax_precision", 1L)),
                List.of(param(randn(233, 2, 3, 8)), param(randn(234, 2, 4, 4)), param(randn(235, 2, 4, 6))), F, true));
        c.add(new OpCase("Attention 4-D one key/value head, causal, scaled", "Attention", 23, List.of(Attribute.of("is_causal", 1L),
                Attribute.of("scale", 0.3f)), List.of(param(randn(236, 1, 4, 3, 4)), param(randn(237, 1, 1, 3, 4)), param(randn(238, 1, 1, 3, 4))),
                F, true));
        TensorData allowed = TensorData.ofBools(new long[] {3, 4}, true, false, true, true, false, false, false, false, true, true, false, true);
        c.add(new OpCase("Attention bool mask with a fully masked row, softmax output", "Attention", 23,
                List.of(Attribute.of("qk_matmul_output_mode", 3L)), Arrays.asList(param(randn(239, 1, 2, 3, 4)), param(randn(240, 1, 2, 4, 4)),
                param(randn(241, 1, 2, 4, 2)), constant(allowed)), withQk, true));
        c.add(new OpCase("Attention float mask, softcap, softcapped product output", "Attention", 23, List.of(Attribute.of("softcap", 1.5f),
                Attribute.of("qk_matmul_output_mode", 1L)), Arrays.asList(param(randn(242, 2, 2, 3, 4)), param(randn(243, 2, 2, 4, 4)),
                param(randn(244, 2, 2, 4, 4)), param(randn(245, 2, 1, 3, 4))), withQk, true));
        c.add(new OpCase("Attention 3-D past key/value, causal", "Attention", 23, List.of(Attribute.of("q_num_heads", 2L),
                Attribute.of("kv_num_heads", 1L), Attribute.of("is_causal", 1L)), Arrays.asList(param(randn(246, 1, 2, 6)),
                param(randn(247, 1, 2, 3)), param(randn(248, 1, 2, 3)), null, param(randn(249, 1, 1, 3, 3)), param(randn(250, 1, 1, 3, 3))),
                List.of(DataType.FLOAT, DataType.FLOAT, DataType.FLOAT), true));
        c.add(new OpCase("Attention nonpad_kv_seqlen, causal", "Attention", 24, List.of(Attribute.of("is_causal", 1L)),
                Arrays.asList(param(randn(251, 2, 2, 2, 4)), param(randn(252, 2, 1, 5, 4)), param(randn(253, 2, 1, 5, 3)), null, null, null,
                constant(TensorData.vectorOfLongs(5, 3))), F, true));
    }

    /** The converters of {@link dev.rsr.tensorflow.ops.ResizeOps}: Resize's modes and coordinate transformations, and Upsample. */
    private static void resizeOps(List<OpCase> c) {
        c.add(resize("Resize nearest upsample scales", List.of(), param(randn(260, 1, 2, 3, 4)), null,
                constant(TensorData.ofFloats(new long[] {4}, 1f, 1f, 2f, 1.5f))));
        c.add(resize("Resize nearest downsample, round_prefer_ceil asymmetric", List.of(Attribute.of("coordinate_transformation_mode", "asymmetric"),
                Attribute.of("nearest_mode", "round_prefer_ceil")), param(randn(261, 1, 1, 5, 7)), null,
                constant(TensorData.ofFloats(new long[] {4}, 1f, 1f, 0.6f, 0.5f))));
        c.add(resize("Resize nearest axes [-1, 2] floor align_corners sizes", List.of(Attribute.ofInts("axes", -1, 2),
                Attribute.of("coordinate_transformation_mode", "align_corners"), Attribute.of("nearest_mode", "floor")),
                param(randn(262, 2, 1, 3, 4)), null, null, constant(TensorData.vectorOfLongs(7, 5))));
        c.add(resize("Resize linear half_pixel downsample sizes", List.of(Attribute.of("mode", "linear")), param(randn(263, 1, 2, 4, 6)),
                null, null, constant(TensorData.vectorOfLongs(1, 2, 3, 4))));
        c.add(resize("Resize linear pytorch_half_pixel upsample 3-D", List.of(Attribute.of("mode", "linear"),
                Attribute.of("coordinate_transformation_mode", "pytorch_half_pixel")), param(randn(264, 2, 3, 4)), null,
                constant(TensorData.ofFloats(new long[] {3}, 1f, 1f, 2.5f))));
        c.add(resize("Resize cubic half_pixel upsample", List.of(Attribute.of("mode", "cubic")), param(randn(265, 1, 1, 3, 4)), null,
                constant(TensorData.ofFloats(new long[] {4}, 1f, 1f, 2f, 1.5f))));
        c.add(resize("Resize cubic align_corners sizes", List.of(Attribute.of("mode", "cubic"),
                Attribute.of("coordinate_transformation_mode", "align_corners")), param(randn(266, 1, 2, 4, 5)), null, null,
                constant(TensorData.vectorOfLongs(1, 2, 7, 3))));
        c.add(resize("Resize cubic A=-0.5 exclude_outside downsample", List.of(Attribute.of("mode", "cubic"),
                Attribute.of("cubic_coeff_a", -0.5f), Attribute.of("exclude_outside", 1L)), param(randn(267, 1, 1, 6, 8)), null,
                constant(TensorData.ofFloats(new long[] {4}, 1f, 1f, 0.5f, 0.75f))));
        c.add(resize("Resize linear antialias downsample sizes", List.of(Attribute.of("mode", "linear"), Attribute.of("antialias", 1L)),
                param(randn(268, 1, 2, 7, 9)), null, null, constant(TensorData.vectorOfLongs(1, 2, 3, 4))));
        c.add(resize("Resize cubic antialias downsample", List.of(Attribute.of("mode", "cubic"), Attribute.of("antialias", 1L)),
                param(randn(269, 1, 1, 8, 8)), null, constant(TensorData.ofFloats(new long[] {4}, 1f, 1f, 0.5f, 0.6f))));
        c.add(resize("Resize linear tf_crop_and_resize with extrapolation", List.of(Attribute.of("mode", "linear"),
                Attribute.of("coordinate_transformation_mode", "tf_crop_and_resize"), Attribute.of("extrapolation_value", 2f),
                Attribute.ofInts("axes", 2, 3)), param(randn(270, 1, 2, 4, 4)),
                constant(TensorData.ofFloats(new long[] {4}, 0.2f, -0.3f, 1.1f, 0.8f)), null, constant(TensorData.vectorOfLongs(3, 5))));
        c.add(resize("Resize linear half_pixel_symmetric downsample", List.of(Attribute.of("mode", "linear"),
                Attribute.of("coordinate_transformation_mode", "half_pixel_symmetric")), param(randn(271, 1, 1, 5, 7)), null,
                constant(TensorData.ofFloats(new long[] {4}, 1f, 1f, 0.7f, 0.45f))));
        c.add(new OpCase("Resize nearest not_larger on int32", "Resize", 19, List.of(Attribute.ofInts("axes", 2, 3),
                Attribute.of("keep_aspect_ratio_policy", "not_larger")), Arrays.asList(constant(TensorData.ofInts(new long[] {1, 1, 2, 3},
                1, 2, 3, 4, 5, 6)), null, null, constant(TensorData.vectorOfLongs(5, 4))), List.of(DataType.INT32), false));
        c.add(new OpCase("Resize opset 11 linear, empty roi and scales", "Resize", 11, List.of(Attribute.of("mode", "linear")),
                List.of(param(randn(272, 1, 1, 3, 5)), constant(TensorData.ofFloats(new long[] {0})), constant(TensorData.ofFloats(new long[] {0})),
                constant(TensorData.vectorOfLongs(1, 1, 5, 3))), F, true));
        c.add(new OpCase("Resize opset 10 nearest", "Resize", 10, List.of(), List.of(param(randn(273, 1, 1, 2, 3)),
                constant(TensorData.ofFloats(new long[] {4}, 1f, 1f, 2f, 3f))), F, true));
        c.add(new OpCase("Upsample linear", "Upsample", 9, List.of(Attribute.of("mode", "linear")), List.of(param(randn(274, 1, 1, 2, 3)),
                constant(TensorData.ofFloats(new long[] {4}, 1f, 1f, 2f, 2f))), F, true));
    }

    /**
     * The converters of {@link dev.rsr.tensorflow.ops.SamplingOps}: GridSample in every mode, padding
     * and align_corners, on grids reaching a quarter past the borders (so taps fall outside), and
     * AffineGrid. Sampling points are random, so none sits on a tap boundary, where the output has
     * a kink; nearest mode's output steps in the grid, whose gradient is zero between the steps.
     */
    private static void samplingOps(List<OpCase> c) {
        long seed = 700;
        for (String mode : List.of("linear", "nearest", "cubic")) {
            for (String padding : List.of("zeros", "border", "reflection")) {
                for (long align : new long[] {0, 1}) {
                    c.add(gridSample("GridSample " + mode + " " + padding + " align_corners " + align, 22,
                            List.of(Attribute.of("mode", mode), Attribute.of("padding_mode", padding), Attribute.of("align_corners", align)),
                            param(randn(seed++, 2, 2, 4, 5)), param(uniform(seed++, -1.25f, 1.25f, 2, 3, 4, 2))));
                }
            }
        }
        // Opset 16 names the modes bilinear and bicubic; linear and zeros are the defaults.
        c.add(gridSample("GridSample opset 16 defaults", 16, List.of(), param(randn(730, 1, 3, 3, 4)), param(uniform(731, -1.1f, 1.1f, 1, 5, 2, 2))));
        c.add(gridSample("GridSample opset 16 bicubic border", 16, List.of(Attribute.of("mode", "bicubic"), Attribute.of("padding_mode", "border")),
                param(randn(732, 1, 2, 5, 3)), param(uniform(733, -1.3f, 1.3f, 1, 2, 6, 2))));
        // Far outside: taps reflected more than once.
        c.add(gridSample("GridSample cubic reflection far outside", 22, List.of(Attribute.of("mode", "cubic"), Attribute.of("padding_mode", "reflection")),
                param(randn(734, 1, 1, 3, 4)), param(uniform(735, -4f, 4f, 1, 4, 4, 2))));
        c.add(gridSample("GridSample linear reflection far outside align_corners", 22, List.of(Attribute.of("padding_mode", "reflection"),
                Attribute.of("align_corners", 1L)), param(randn(736, 1, 2, 4, 3)), param(uniform(737, -4f, 4f, 1, 3, 5, 2))));
        // Positions halfway between two input positions (grid -0.5 and 0 on a length-4 axis give 0.5 and 1.5): rounded to even.
        c.add(gridSample("GridSample nearest ties round to even", 22, List.of(Attribute.of("mode", "nearest")), param(randn(738, 1, 1, 4, 4)),
                param(TensorData.ofFloats(new long[] {1, 1, 4, 2}, -0.5f, 0f, 0f, -0.5f, 0.5f, 1f, -1f, 0.25f))));
        // Volumetric: ONNX Runtime samples 5-D inputs in linear and nearest mode.
        for (String mode : List.of("linear", "nearest")) {
            for (String padding : List.of("zeros", "border", "reflection")) {
                long align = padding.equals("border") ? 1 : 0;
                c.add(gridSample("GridSample 3-D " + mode + " " + padding + " align_corners " + align, 22,
                        List.of(Attribute.of("mode", mode), Attribute.of("padding_mode", padding), Attribute.of("align_corners", align)),
                        param(randn(seed++, 1, 2, 3, 4, 5)), param(uniform(seed++, -1.25f, 1.25f, 1, 2, 3, 2, 3))));
            }
        }
        for (long align : new long[] {0, 1}) {
            c.add(new OpCase("AffineGrid 2-D align_corners " + align, "AffineGrid", 20, List.of(Attribute.of("align_corners", align)),
                    List.of(param(randn(740 + align, 2, 2, 3)), constant(TensorData.vectorOfLongs(2, 3, 4, 5))), F, true));
            c.add(new OpCase("AffineGrid 3-D align_corners " + align, "AffineGrid", 20, List.of(Attribute.of("align_corners", align)),
                    List.of(param(randn(742 + align, 2, 3, 4)), constant(TensorData.vectorOfLongs(2, 1, 3, 2, 4))), F, true));
        }
    }

    private static OpCase gridSample(String label, long opset, List<Attribute> attributes, OpCase.Input x, OpCase.Input grid) {
        return new OpCase(label, "GridSample", opset, attributes, List.of(x, grid), F, true);
    }

    private static OpCase resize(String label, List<Attribute> attributes, OpCase.Input data, OpCase.Input roi, OpCase.Input scales,
                                 OpCase.Input... sizes) {
        List<OpCase.Input> inputs = new ArrayList<>(Arrays.asList(data, roi, scales));
        inputs.addAll(Arrays.asList(sizes));
        return new OpCase(label, "Resize", 19, attributes, inputs, F, true);
    }

    /**
     * The converters of {@link dev.rsr.tensorflow.ops.RecurrentOps}, on 3 steps, a batch of 2,
     * 3 inputs and 2 hidden units. Inputs are X, W, R, B, sequence_lens, initial_h (then for LSTM
     * initial_c and P); layout 1 is left to the conformance suite, since ONNX Runtime refuses it.
     */
    private static void recurrentOps(List<OpCase> c) {
        List<DataType> yAndState = List.of(DataType.FLOAT, DataType.FLOAT);
        List<DataType> yAndStates = List.of(DataType.FLOAT, DataType.FLOAT, DataType.FLOAT);
        Attribute hidden = Attribute.of("hidden_size", 2L);
        Attribute bidirectional = Attribute.of("direction", "bidirectional");
        Attribute reverse = Attribute.of("direction", "reverse");
        OpCase.Input lengths = constant(TensorData.ofInts(new long[] {2}, 3, 1));
        OpCase.Input x = param(randn(300, 3, 2, 3));

        c.add(new OpCase("RNN forward, bias, initial_h", "RNN", 14, List.of(hidden), Arrays.asList(x, param(randn(301, 1, 2, 3)),
                param(randn(302, 1, 2, 2)), param(randn(303, 1, 4)), null, param(randn(304, 1, 2, 2))), yAndState, true));
        c.add(new OpCase("RNN bidirectional, sequence_lens, ThresholdedRelu and Softsign", "RNN", 14, List.of(hidden, bidirectional,
                Attribute.ofStrings("activations", List.of("ThresholdedRelu", "Softsign")), Attribute.ofFloats("activation_alpha", 0.3f, 0f)),
                Arrays.asList(x, param(randn(305, 2, 2, 3)), param(randn(306, 2, 2, 2)), null, lengths), yAndState, true));
        c.add(new OpCase("RNN reverse, opset 7", "RNN", 7, List.of(hidden, reverse), Arrays.asList(x, param(randn(307, 1, 2, 3)),
                param(randn(308, 1, 2, 2)), param(randn(309, 1, 4))), yAndState, true));

        c.add(new OpCase("GRU forward, bias, initial_h", "GRU", 14, List.of(hidden), Arrays.asList(x, param(randn(310, 1, 6, 3)),
                param(randn(311, 1, 6, 2)), param(randn(312, 1, 12)), null, param(randn(313, 1, 2, 2))), yAndState, true));
        c.add(new OpCase("GRU reverse, linear_before_reset, sequence_lens", "GRU", 14, List.of(hidden, reverse,
                Attribute.of("linear_before_reset", 1L)), Arrays.asList(x, param(randn(314, 1, 6, 3)), param(randn(315, 1, 6, 2)),
                param(randn(316, 1, 12)), lengths, param(randn(317, 1, 2, 2))), yAndState, true));
        c.add(new OpCase("GRU bidirectional, LeakyRelu, Softplus, Elu, Affine, clip", "GRU", 22, List.of(hidden, bidirectional,
                Attribute.ofStrings("activations", List.of("LeakyRelu", "Softplus", "Elu", "Affine")),
                Attribute.ofFloats("activation_alpha", 0.1f, 0.7f, 0.9f), Attribute.ofFloats("activation_beta", 0.2f),
                Attribute.of("clip", 1.5f)), Arrays.asList(x, param(randn(318, 2, 6, 3)), param(randn(319, 2, 6, 2)),
                param(randn(320, 2, 12))), yAndState, true));

        c.add(new OpCase("LSTM forward, bias, initial states, peepholes", "LSTM", 14, List.of(hidden), Arrays.asList(x,
                param(randn(321, 1, 8, 3)), param(randn(322, 1, 8, 2)), param(randn(323, 1, 16)), null, param(randn(324, 1, 2, 2)),
                param(randn(325, 1, 2, 2)), param(randn(326, 1, 6))), yAndStates, true));
        c.add(new OpCase("LSTM bidirectional, sequence_lens, peepholes", "LSTM", 14, List.of(hidden, bidirectional), Arrays.asList(x,
                param(randn(327, 2, 8, 3)), param(randn(328, 2, 8, 2)), param(randn(329, 2, 16)), lengths, param(randn(330, 2, 2, 2)),
                param(randn(331, 2, 2, 2)), param(randn(332, 2, 6))), yAndStates, true));
        c.add(new OpCase("LSTM reverse, input_forget, clip, HardSigmoid and ScaledTanh", "LSTM", 14, List.of(hidden, reverse,
                Attribute.of("input_forget", 1L), Attribute.of("clip", 0.8f),
                Attribute.ofStrings("activations", List.of("HardSigmoid", "ScaledTanh", "Tanh")),
                Attribute.ofFloats("activation_alpha", 0.3f, 1.2f), Attribute.ofFloats("activation_beta", 0.4f, 0.9f)),
                Arrays.asList(x, param(randn(333, 1, 8, 3)), param(randn(334, 1, 8, 2)), param(randn(335, 1, 16))), yAndStates, true));
    }

    /** 3-D convolution and pooling, ceil_mode, dilated pooling, SAME_LOWER and MaxPool's Indices. */
    private static void convPoolOps(List<OpCase> c) {
        c.add(diff("Conv 3-D pads strides bias", "Conv", List.of(Attribute.ofInts("pads", 1, 0, 1, 0, 1, 1), Attribute.ofInts("strides", 2, 1, 2)),
                param(randn(600, 2, 3, 5, 4, 5)), param(randn(601, 4, 3, 3, 2, 2)), param(randn(602, 4))));
        c.add(diff("Conv 3-D grouped dilated pads", "Conv", List.of(Attribute.of("group", 2L), Attribute.ofInts("dilations", 2, 1, 2),
                Attribute.ofInts("pads", 1, 1, 0, 0, 1, 1)), param(randn(603, 1, 4, 5, 4, 6)), param(randn(604, 4, 2, 2, 2, 2))));
        c.add(diff("Conv 3-D dilated strided", "Conv", List.of(Attribute.ofInts("dilations", 1, 2, 2), Attribute.ofInts("strides", 2, 2, 1)),
                param(randn(605, 1, 2, 5, 7, 6)), param(randn(606, 2, 2, 2, 2, 3))));
        c.add(diff("Conv 3-D SAME_LOWER", "Conv", List.of(Attribute.of("auto_pad", "SAME_LOWER"), Attribute.ofInts("strides", 1, 2, 2)),
                param(randn(607, 1, 2, 3, 5, 4)), param(randn(608, 2, 2, 2, 4, 3))));
        c.add(diff("Conv dilated strided", "Conv", List.of(Attribute.ofInts("dilations", 2, 2), Attribute.ofInts("strides", 2, 3),
                Attribute.ofInts("pads", 1, 0, 0, 1)), param(randn(609, 1, 2, 9, 10)), param(randn(610, 3, 2, 3, 2))));
        c.add(diff("Conv SAME_LOWER strides", "Conv", List.of(Attribute.of("auto_pad", "SAME_LOWER"), Attribute.ofInts("strides", 2, 2)),
                param(randn(611, 1, 2, 6, 5)), param(randn(612, 2, 2, 4, 3))));
        c.add(diff("ConvTranspose 3-D strides pads bias", "ConvTranspose", List.of(Attribute.ofInts("strides", 2, 1, 2),
                Attribute.ofInts("pads", 1, 0, 0, 0, 1, 1)), param(randn(613, 1, 2, 3, 2, 3)), param(randn(614, 2, 3, 3, 2, 2)), param(randn(615, 3))));
        c.add(diff("MaxPool 3-D pads strides", "MaxPool", List.of(Attribute.ofInts("kernel_shape", 3, 2, 3), Attribute.ofInts("pads", 1, 0, 1, 1, 1, 0),
                Attribute.ofInts("strides", 2, 1, 2)), param(randn(616, 2, 2, 5, 4, 6))));
        c.add(diff("AveragePool 3-D pads excluded", "AveragePool", List.of(Attribute.ofInts("kernel_shape", 2, 3, 2),
                Attribute.ofInts("pads", 1, 1, 0, 0, 1, 1)), param(randn(617, 1, 2, 4, 5, 4))));
        c.add(diff("AveragePool 3-D pads included strides", "AveragePool", List.of(Attribute.ofInts("kernel_shape", 3, 3, 2),
                Attribute.ofInts("pads", 1, 1, 1, 1, 1, 1), Attribute.ofInts("strides", 2, 2, 1), Attribute.of("count_include_pad", 1L)),
                param(randn(618, 1, 2, 5, 4, 3))));
        // Length 5, pads 1 and 1, kernel 2, stride 2: ceil_mode's fourth window would start in the end padding, so it is dropped.
        c.add(diff("MaxPool ceil_mode", "MaxPool", List.of(Attribute.ofInts("kernel_shape", 3, 2), Attribute.ofInts("strides", 2, 2),
                Attribute.ofInts("pads", 0, 1, 0, 1), Attribute.of("ceil_mode", 1L)), param(randn(619, 1, 2, 6, 5))));
        c.add(diff("AveragePool ceil_mode pads excluded", "AveragePool", List.of(Attribute.ofInts("kernel_shape", 3, 2),
                Attribute.ofInts("strides", 2, 2), Attribute.ofInts("pads", 0, 1, 0, 1), Attribute.of("ceil_mode", 1L)), param(randn(620, 1, 2, 6, 5))));
        c.add(diff("AveragePool ceil_mode pads included", "AveragePool", List.of(Attribute.ofInts("kernel_shape", 3, 2),
                Attribute.ofInts("strides", 2, 2), Attribute.ofInts("pads", 1, 1, 0, 1), Attribute.of("ceil_mode", 1L),
                Attribute.of("count_include_pad", 1L)), param(randn(621, 1, 2, 6, 5))));
        c.add(diff("MaxPool dilated pads strides ceil_mode", "MaxPool", List.of(Attribute.ofInts("kernel_shape", 2, 3),
                Attribute.ofInts("dilations", 2, 2), Attribute.ofInts("strides", 2, 1), Attribute.ofInts("pads", 1, 1, 0, 1),
                Attribute.of("ceil_mode", 1L)), param(randn(622, 2, 2, 7, 6))));
        c.add(diff("MaxPool 3-D dilated", "MaxPool", List.of(Attribute.ofInts("kernel_shape", 2, 2, 2), Attribute.ofInts("dilations", 2, 1, 2)),
                param(randn(623, 1, 2, 4, 4, 5))));
        // AveragePool takes dilations from opset 19.
        c.add(new OpCase("AveragePool dilated pads excluded", "AveragePool", 19, List.of(Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInts("dilations", 2, 3), Attribute.ofInts("pads", 1, 1, 1, 0)), List.of(param(randn(624, 1, 2, 6, 7))), F, true));
        c.add(new OpCase("AveragePool 3-D dilated pads included ceil_mode", "AveragePool", 19, List.of(Attribute.ofInts("kernel_shape", 2, 2, 2),
                Attribute.ofInts("dilations", 2, 2, 1), Attribute.ofInts("strides", 2, 1, 2), Attribute.ofInts("pads", 1, 0, 1, 0, 1, 1),
                Attribute.of("count_include_pad", 1L), Attribute.of("ceil_mode", 1L)), List.of(param(randn(625, 1, 2, 6, 5, 6))), F, true));
        c.add(diff("MaxPool SAME_LOWER strides", "MaxPool", List.of(Attribute.of("auto_pad", "SAME_LOWER"), Attribute.ofInts("kernel_shape", 3, 2),
                Attribute.ofInts("strides", 2, 2)), param(randn(626, 1, 2, 6, 5))));
        c.add(diff("AveragePool SAME_LOWER", "AveragePool", List.of(Attribute.of("auto_pad", "SAME_LOWER"), Attribute.ofInts("kernel_shape", 2, 3)),
                param(randn(627, 1, 2, 4, 5))));
        // The Indices output: integers, so compared, not differentiated.
        List<DataType> withIndices = List.of(DataType.FLOAT, DataType.INT64);
        c.add(diff("MaxPool Indices pads strides", "MaxPool", List.of(Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1),
                Attribute.ofInts("strides", 2, 2)), param(randn(628, 2, 3, 5, 6))).withOutputs(withIndices, false));
        c.add(diff("MaxPool Indices column-major dilated", "MaxPool", List.of(Attribute.ofInts("kernel_shape", 2, 2), Attribute.ofInts("dilations", 1, 2),
                Attribute.of("storage_order", 1L)), param(randn(629, 2, 2, 4, 5))).withOutputs(withIndices, false));
        c.add(diff("MaxPool 1-D Indices ceil_mode", "MaxPool", List.of(Attribute.ofInts("kernel_shape", 2), Attribute.ofInts("strides", 2),
                Attribute.of("ceil_mode", 1L)), param(randn(630, 1, 2, 7))).withOutputs(withIndices, false));
    }

    /** NonMaxSuppression of {@link dev.rsr.tensorflow.ops.DetectionOps}: selected indices, compared exactly. */
    private static void detectionOps(List<OpCase> c) {
        List<DataType> selected = List.of(DataType.INT64);
        // Random corners in either order, so many boxes overlap.
        c.add(new OpCase("NonMaxSuppression 2 batches 3 classes, thresholds", "NonMaxSuppression", 11, List.of(),
                List.of(constant(uniform(700, 0f, 1f, 2, 8, 4)), constant(uniform(701, 0f, 1f, 2, 3, 8)),
                        constant(TensorData.ofLongs(new long[0], 3)), constant(TensorData.scalarFloat(0.3f)),
                        constant(TensorData.scalarFloat(0.2f))), selected, false));
        c.add(new OpCase("NonMaxSuppression center_point_box, no score threshold, limit above the box count", "NonMaxSuppression", 11,
                List.of(Attribute.of("center_point_box", 1L)), List.of(constant(uniform(702, 0.1f, 1f, 1, 6, 4)),
                constant(uniform(703, 0f, 1f, 1, 2, 6)), constant(TensorData.ofLongs(new long[] {1}, 100)),
                constant(TensorData.ofFloats(new long[] {1}, 0.4f))), selected, false));
        // Equal scores: the lower box index wins; identical boxes have an IoU of 1.
        c.add(new OpCase("NonMaxSuppression tied scores and identical boxes", "NonMaxSuppression", 11, List.of(),
                List.of(constant(TensorData.ofFloats(new long[] {1, 4, 4}, 0, 0, 1, 1, 0, 0, 1, 1, 0, 2, 1, 3, 1, 3, 0, 2)),
                        constant(TensorData.ofFloats(new long[] {1, 1, 4}, 0.5f, 0.5f, 0.5f, 0.9f)),
                        constant(TensorData.ofLongs(new long[0], 4)), constant(TensorData.scalarFloat(0.5f))), selected, false));
        c.add(new OpCase("NonMaxSuppression without max_output_boxes_per_class selects nothing", "NonMaxSuppression", 11, List.of(),
                List.of(constant(uniform(704, 0f, 1f, 1, 3, 4)), constant(uniform(705, 0f, 1f, 1, 1, 3))), selected, false));
    }

    /** LpPool: a sum pool of |x|^p in 1 to 3 dimensions, padding counting as zeros. */
    private static void lpPoolOps(List<OpCase> c) {
        c.add(new OpCase("LpPool p 2 pads strides", "LpPool", 18, List.of(Attribute.ofInts("kernel_shape", 3, 2),
                Attribute.ofInts("pads", 1, 0, 1, 1), Attribute.ofInts("strides", 2, 1)), List.of(param(randn(710, 2, 2, 5, 4))), F, true));
        c.add(new OpCase("LpPool 1-D p 3", "LpPool", 18, List.of(Attribute.ofInts("kernel_shape", 3), Attribute.of("p", 3L),
                Attribute.ofInts("strides", 2)), List.of(param(randn(711, 1, 3, 8))), F, true));
        c.add(new OpCase("LpPool 3-D p 1 dilated ceil_mode", "LpPool", 18, List.of(Attribute.ofInts("kernel_shape", 2, 2, 2), Attribute.of("p", 1L),
                Attribute.ofInts("dilations", 2, 1, 1), Attribute.ofInts("strides", 1, 2, 2), Attribute.of("ceil_mode", 1L)),
                List.of(param(randn(712, 1, 2, 4, 5, 5))), F, true));
        c.add(new OpCase("LpPool SAME_LOWER strides", "LpPool", 18, List.of(Attribute.of("auto_pad", "SAME_LOWER"),
                Attribute.ofInts("kernel_shape", 2, 3), Attribute.ofInts("strides", 2, 2)), List.of(param(randn(713, 1, 2, 5, 6))), F, true));
        c.add(new OpCase("LpPool opset 11 p 2", "LpPool", 11, List.of(Attribute.ofInts("kernel_shape", 2, 2)),
                List.of(param(randn(714, 1, 3, 4, 4))), F, true));
    }

    /** The converters of {@link dev.rsr.tensorflow.ops.LinearAlgebraOps}: Einsum and Det. */
    private static void linearAlgebraOps(List<OpCase> c) {
        c.add(einsum("Einsum batch matmul, spaces", "bij, bjk -> bik", param(randn(720, 2, 3, 4)), param(randn(721, 2, 4, 5))));
        c.add(einsum("Einsum implicit output", "kj,ji", param(randn(722, 3, 4)), param(randn(723, 4, 2))));
        c.add(einsum("Einsum inner product", "i,i", param(randn(724, 5)), param(randn(725, 5))));
        c.add(einsum("Einsum batch diagonal", "...ii->...i", param(randn(726, 2, 3, 3))));
        c.add(einsum("Einsum sum and transpose", "ijk->kj", param(randn(727, 2, 3, 4))));
        c.add(einsum("Einsum three operands", "ij,jk,kl->li", param(randn(728, 2, 3)), param(randn(729, 3, 4)), param(randn(730, 4, 2))));
        c.add(einsum("Einsum ellipsis", "...ij,...jk->...ik", param(randn(731, 2, 3, 4)), param(randn(732, 2, 4, 2))));
        c.add(new OpCase("Det 2-D", "Det", 11, List.of(), List.of(param(randn(733, 3, 3))), F, true));
        c.add(new OpCase("Det batched", "Det", 11, List.of(), List.of(param(randn(734, 2, 2, 4, 4))), F, true));
        // Singular: the gradient, the cofactor matrix, is still defined.
        c.add(new OpCase("Det singular", "Det", 11, List.of(), List.of(param(TensorData.ofFloats(new long[] {3, 3}, 1, 2, 3, 2, 4, 6, 0, 1, 5))),
                F, true));
    }

    private static OpCase einsum(String label, String equation, OpCase.Input... inputs) {
        return new OpCase(label, "Einsum", 12, List.of(Attribute.of("equation", equation)), Arrays.asList(inputs), F, true);
    }

    /** Col2Im: overlapping blocks summed back into images. */
    private static void col2ImOps(List<OpCase> c) {
        c.add(new OpCase("Col2Im overlapping blocks", "Col2Im", 18, List.of(), List.of(param(randn(740, 2, 8, 12)),
                constant(TensorData.vectorOfLongs(4, 5)), constant(TensorData.vectorOfLongs(2, 2))), F, true));
        c.add(new OpCase("Col2Im pads strides dilations", "Col2Im", 18, List.of(Attribute.ofInts("pads", 1, 0, 1, 1),
                Attribute.ofInts("strides", 2, 1), Attribute.ofInts("dilations", 1, 2)), List.of(param(randn(741, 1, 6, 6)),
                constant(TensorData.vectorOfLongs(5, 5)), constant(TensorData.vectorOfLongs(2, 3))), F, true));
        c.add(new OpCase("Col2Im 3-D", "Col2Im", 18, List.of(), List.of(param(randn(742, 1, 16, 12)),
                constant(TensorData.vectorOfLongs(3, 3, 4)), constant(TensorData.vectorOfLongs(2, 2, 2))), F, true));
    }

    /** Split's uneven num_outputs, ReduceMax and ReduceMin on booleans, MeanVarianceNormalization, NonZero, BitShift. */
    private static void smallOps(List<OpCase> c) {
        c.add(new OpCase("Split num_outputs uneven", "Split", 18, List.of(Attribute.of("num_outputs", 3L)), List.of(param(randn(750, 7, 2))),
                List.of(DataType.FLOAT, DataType.FLOAT, DataType.FLOAT), true));
        c.add(new OpCase("Split num_outputs uneven axis 1", "Split", 18, List.of(Attribute.of("axis", 1L), Attribute.of("num_outputs", 2L)),
                List.of(param(randn(751, 2, 5))), List.of(DataType.FLOAT, DataType.FLOAT), true));
        OpCase.Input bools = constant(TensorData.ofBools(new long[] {2, 3}, true, false, true, true, true, true));
        c.add(new OpCase("ReduceMax booleans", "ReduceMax", 20, List.of(Attribute.of("keepdims", 0L)), List.of(bools,
                constant(TensorData.vectorOfLongs(1))), B, false));
        c.add(new OpCase("ReduceMin booleans", "ReduceMin", 20, List.of(), List.of(bools, constant(TensorData.vectorOfLongs(1))), B, false));
        c.add(new OpCase("MeanVarianceNormalization default axes", "MeanVarianceNormalization", 13, List.of(),
                List.of(param(randn(752, 2, 3, 4, 2))), F, true));
        c.add(new OpCase("MeanVarianceNormalization axes -1 1", "MeanVarianceNormalization", 13, List.of(Attribute.ofInts("axes", -1, 1)),
                List.of(param(randn(753, 2, 3, 4))), F, true));
        c.add(new OpCase("NonZero float", "NonZero", 13, List.of(), List.of(constant(TensorData.ofFloats(new long[] {2, 3}, 0, 1.5f, 0, -2, 0, 3))),
                List.of(DataType.INT64), false));
        c.add(new OpCase("NonZero booleans", "NonZero", 13, List.of(), List.of(bools), List.of(DataType.INT64), false));
        OpCase.Input bytes = constant(TensorData.ofRaw(DataType.UINT8, new long[] {4}, new byte[] {16, 4, 1, (byte) 200}));
        OpCase.Input shifts = constant(TensorData.ofRaw(DataType.UINT8, new long[] {4}, new byte[] {1, 2, 3, 1}));
        c.add(new OpCase("BitShift left uint8", "BitShift", 11, List.of(Attribute.of("direction", "LEFT")), List.of(bytes, shifts),
                List.of(DataType.UINT8), false));
        c.add(new OpCase("BitShift right uint8", "BitShift", 11, List.of(Attribute.of("direction", "RIGHT")), List.of(bytes, shifts),
                List.of(DataType.UINT8), false));
    }
}
