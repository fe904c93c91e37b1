package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.DataType;
import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Output;

/**
 * Elementwise ONNX ops beyond {@link CoreOps}: logic and comparisons, trigonometry, rounding, the
 * activations of exported vision and speech models (HardSigmoid, HardSwish, Mish, Gelu, PRelu…),
 * Mod, Clip, variadic Sum and Mean, and tensor creation (ConstantOfShape, Range, Size, Tile).
 * Activations are spelled with ops TensorFlow can differentiate, so they train.
 */
public final class MathOps implements OpConverterProvider {
    public static final String NAME = "rsr-math-ops";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        Map<String, OpConverter> m = new LinkedHashMap<>();
        for (String[] pair : new String[][] {{"And", "LogicalAnd"}, {"Or", "LogicalOr"}, {"Xor", "NotEqual"},
                {"LessOrEqual", "LessEqual"}, {"GreaterOrEqual", "GreaterEqual"}, {"BitwiseAnd", "BitwiseAnd"},
                {"BitwiseOr", "BitwiseOr"}, {"BitwiseXor", "BitwiseXor"}}) {
            m.put(pair[0], c -> List.of(op(c, pair[1], c.input(0), c.input(1))));
        }
        for (String[] pair : new String[][] {{"Sin", "Sin"}, {"Cos", "Cos"}, {"Tan", "Tan"}, {"Asin", "Asin"}, {"Acos", "Acos"},
                {"Atan", "Atan"}, {"Sinh", "Sinh"}, {"Cosh", "Cosh"}, {"Asinh", "Asinh"}, {"Acosh", "Acosh"}, {"Atanh", "Atanh"},
                {"Sign", "Sign"}, {"Round", "Round"}, {"IsNaN", "IsNan"}, {"Softplus", "Softplus"}, {"Softsign", "Softsign"},
                {"BitwiseNot", "Invert"}}) {
            m.put(pair[0], c -> List.of(op(c, pair[1], c.input(0))));
        }
        m.put("IsInf", MathOps::isInf);
        m.put("BitShift", c -> {
            String direction = c.node().attribute("direction").map(dev.rsr.ir.Attribute::asString).orElse("");
            if (!direction.equals("LEFT") && !direction.equals("RIGHT")) {
                throw c.error("attribute direction must be LEFT or RIGHT, got '" + direction + "'");
            }
            return List.of(op(c, direction.equals("LEFT") ? "LeftShift" : "RightShift", c.input(0), c.input(1)));
        });
        m.put("Mod", c -> {
            // fmod=0: the sign of the divisor, as Python's %; fmod=1: the sign of the dividend, as C's fmod.
            boolean fmod = c.node().intAttribute("fmod", 0) != 0;
            if (!fmod && c.typeOf(c.input(0)).isFloatingPoint()) {
                throw c.error("Mod of floating-point values needs fmod=1 (the ONNX specification)");
            }
            return List.of(op(c, fmod ? "TruncateMod" : "FloorMod", c.input(0), c.input(1)));
        });
        m.put("CastLike", c -> List.of(Tf.cast(c, c.input(0), c.typeOf(c.input(1)))));
        m.put("Clip", MathOps::clip);
        m.put("Sum", c -> List.of(sum(c)));
        m.put("Mean", c -> List.of(op(c, "RealDiv", sum(c), c.scalar(c.node().inputs().size(), c.typeOf(c.input(0))))));
        // Activations.
        m.put("Elu", c -> List.of(elu(c, c.input(0), c.node().floatAttribute("alpha", 1f))));
        m.put("Celu", c -> {
            float alpha = c.node().floatAttribute("alpha", 1f);
            Output<?> x = c.input(0);
            return List.of(op(c, "Mul", elu(c, op(c, "RealDiv", x, scalar(c, x, alpha)), 1f), scalar(c, x, alpha)));
        });
        m.put("Selu", c -> {
            Output<?> x = c.input(0);
            return List.of(op(c, "Mul", scalar(c, x, c.node().floatAttribute("gamma", 1.05070102214813232421875f)),
                    elu(c, x, c.node().floatAttribute("alpha", 1.67326319217681884765625f))));
        });
        m.put("HardSigmoid", c -> List.of(hardSigmoid(c, c.input(0), c.node().floatAttribute("alpha", 0.2f),
                c.node().floatAttribute("beta", 0.5f))));
        m.put("HardSwish", c -> List.of(op(c, "Mul", c.input(0), hardSigmoid(c, c.input(0), 1f / 6, 0.5f))));
        m.put("Swish", c -> {
            Output<?> x = c.input(0);
            return List.of(op(c, "Mul", x, op(c, "Sigmoid", op(c, "Mul", x, scalar(c, x, c.node().floatAttribute("alpha", 1f))))));
        });
        m.put("Mish", c -> List.of(op(c, "Mul", c.input(0), op(c, "Tanh", op(c, "Softplus", c.input(0))))));
        m.put("ThresholdedRelu", c -> {
            Output<?> x = c.input(0);
            Output<?> above = op(c, "Greater", x, scalar(c, x, c.node().floatAttribute("alpha", 1f)));
            return List.of(op(c, "SelectV2", above, x, op(c, "ZerosLike", x)));
        });
        m.put("Shrink", c -> {
            Output<?> x = c.input(0);
            Output<?> lambd = scalar(c, x, c.node().floatAttribute("lambd", 0.5f));
            Output<?> bias = scalar(c, x, c.node().floatAttribute("bias", 0f));
            Output<?> below = op(c, "Less", x, op(c, "Neg", lambd));
            Output<?> above = op(c, "Greater", x, lambd);
            Output<?> zero = op(c, "ZerosLike", x);
            return List.of(op(c, "SelectV2", below, op(c, "AddV2", x, bias), op(c, "SelectV2", above, op(c, "Sub", x, bias), zero)));
        });
        m.put("PRelu", c -> {
            Output<?> x = c.input(0);
            Output<?> negative = op(c, "Less", x, scalar(c, x, 0));
            return List.of(op(c, "SelectV2", negative, op(c, "Mul", x, c.input(1)), x));
        });
        m.put("Gelu", MathOps::gelu);
        // Tensor creation.
        m.put("ConstantOfShape", MathOps::constantOfShape);
        m.put("Size", c -> List.of(builder(c, "Size", c.input(0)).setAttr("out_type", org.tensorflow.proto.DataType.DT_INT64).build().output(0)));
        m.put("Range", c -> List.of(op(c, "Range", c.input(0), c.input(1), c.input(2))));
        m.put("Tile", c -> List.of(op(c, "Tile", c.input(0), c.input(1))));
        // Generalized cosine windows a0 − a1·cos(2πn/N) + a2·cos(4πn/N), as the ONNX spec gives them.
        m.put("HannWindow", window(0.5, 0.5, 0));
        m.put("HammingWindow", window(25.0 / 46, 21.0 / 46, 0));
        m.put("BlackmanWindow", window(0.42, 0.5, 0.08));
        return Collections.unmodifiableMap(m);
    }

    /** A scalar of {@code x}'s type. */
    /**
     * A window of {@code size} points, periodic ({@code N = size}, the default) or symmetric
     * ({@code N = size − 1}), computed in double and given the output_datatype.
     */
    private static OpConverter window(double a0, double a1, double a2) {
        return c -> {
            Output<?> size = Tf.cast(c, op(c, "Reshape", c.input(0), c.longs()), DataType.INT64);
            boolean periodic = c.node().intAttribute("periodic", 1) != 0;
            Output<?> n = Tf.cast(c, Tf.iota(c, size), DataType.DOUBLE);
            Output<?> period = Tf.cast(c, periodic ? size : op(c, "Sub", size, c.scalar(1, DataType.INT64)), DataType.DOUBLE);
            Output<?> angle = op(c, "RealDiv", op(c, "Mul", n, c.scalar(2 * Math.PI, DataType.DOUBLE)), period);
            Output<?> w = op(c, "Sub", c.scalar(a0, DataType.DOUBLE), op(c, "Mul", c.scalar(a1, DataType.DOUBLE), op(c, "Cos", angle)));
            if (a2 != 0) {
                w = op(c, "AddV2", w, op(c, "Mul", c.scalar(a2, DataType.DOUBLE), op(c, "Cos", op(c, "Mul", angle, c.scalar(2, DataType.DOUBLE)))));
            }
            DataType type = DataType.fromOnnxCode((int) c.node().intAttribute("output_datatype", 1))
                    .orElseThrow(() -> c.error("output_datatype " + c.node().intAttribute("output_datatype", 1) + " is not an element type"));
            return List.of(Tf.cast(c, w, type));
        };
    }

    private static Output<?> scalar(ConversionContext c, Output<?> x, double value) {
        return c.scalar(value, c.typeOf(x));
    }

    /** {@code x} if x > 0, else {@code alpha·(eˣ − 1)}: TensorFlow's Elu is alpha 1 only. */
    private static Output<?> elu(ConversionContext c, Output<?> x, float alpha) {
        Output<?> e = op(c, "Elu", x);
        if (alpha == 1f) {
            return e;
        }
        Output<?> positive = op(c, "Greater", x, scalar(c, x, 0));
        return op(c, "SelectV2", positive, x, op(c, "Mul", scalar(c, x, alpha), e));
    }

    /** {@code max(0, min(1, alpha·x + beta))}. */
    private static Output<?> hardSigmoid(ConversionContext c, Output<?> x, float alpha, float beta) {
        Output<?> linear = op(c, "AddV2", op(c, "Mul", x, scalar(c, x, alpha)), scalar(c, x, beta));
        return op(c, "Maximum", op(c, "Minimum", linear, scalar(c, x, 1)), scalar(c, x, 0));
    }

    private static List<Output<?>> gelu(ConversionContext c) {
        Output<?> x = c.input(0);
        String approximate = c.node().attribute("approximate").map(dev.rsr.ir.Attribute::asString).orElse("none");
        Output<?> half = scalar(c, x, 0.5);
        Output<?> inner;
        switch (approximate) {
            case "none" -> inner = op(c, "Erf", op(c, "Mul", x, scalar(c, x, 1 / Math.sqrt(2))));
            case "tanh" -> {
                Output<?> cube = op(c, "Mul", op(c, "Mul", x, x), x);
                Output<?> arg = op(c, "Mul", scalar(c, x, Math.sqrt(2 / Math.PI)), op(c, "AddV2", x, op(c, "Mul", scalar(c, x, 0.044715), cube)));
                inner = op(c, "Tanh", arg);
            }
            default -> throw c.error("approximate '" + approximate + "' is not one of none, tanh");
        }
        return List.of(op(c, "Mul", op(c, "Mul", half, x), op(c, "AddV2", scalar(c, x, 1), inner)));
    }

    private static List<Output<?>> isInf(ConversionContext c) {
        Output<?> x = c.input(0);
        boolean positive = c.node().intAttribute("detect_positive", 1) != 0;
        boolean negative = c.node().intAttribute("detect_negative", 1) != 0;
        Output<?> inf = op(c, "IsInf", x);
        if (positive && negative) {
            return List.of(inf);
        }
        if (!positive && !negative) {
            return List.of(op(c, "LogicalAnd", inf, op(c, "LogicalNot", inf)));
        }
        Output<?> sign = op(c, positive ? "Greater" : "Less", x, scalar(c, x, 0));
        return List.of(op(c, "LogicalAnd", inf, sign));
    }

    /** Bounds from inputs 1 and 2 (opset 11+) or the min/max attributes (before), each optional. */
    private static List<Output<?>> clip(ConversionContext c) {
        Output<?> x = c.input(0);
        Output<?> min = null, max = null;
        if (c.opset() >= 11) {
            min = c.hasInput(1) ? c.input(1) : null;
            max = c.hasInput(2) ? c.input(2) : null;
        } else {
            min = c.node().attribute("min").isPresent() ? scalar(c, x, c.node().floatAttribute("min", 0)) : null;
            max = c.node().attribute("max").isPresent() ? scalar(c, x, c.node().floatAttribute("max", 0)) : null;
        }
        Output<?> y = x;
        if (min != null) {
            y = op(c, "Maximum", y, min);
        }
        if (max != null) {
            y = op(c, "Minimum", y, max);
        }
        return List.of(y == x ? op(c, "Identity", x) : y);
    }

    /** The inputs added with broadcasting (TensorFlow's AddN does not broadcast). */
    private static Output<?> sum(ConversionContext c) {
        Output<?> total = c.input(0);
        for (int i = 1; i < c.node().inputs().size(); i++) {
            total = op(c, "AddV2", total, c.input(i));
        }
        return c.node().inputs().size() == 1 ? op(c, "Identity", total) : total;
    }

    private static List<Output<?>> constantOfShape(ConversionContext c) {
        TensorData value = c.node().attribute("value").map(dev.rsr.ir.Attribute::asTensor)
                .orElse(TensorData.ofFloats(new long[] {1}, new float[] {0}));
        if (value.elementCount() != 1) {
            throw c.error("value must hold one element, has " + value.elementCount());
        }
        Output<?> one = c.constant(value);
        Output<?> scalar = op(c, "Reshape", one, c.constant(TensorData.vectorOfLongs()));
        return List.of(op(c, "Fill", Tf.cast(c, c.input(0), DataType.INT64), scalar));
    }
}
