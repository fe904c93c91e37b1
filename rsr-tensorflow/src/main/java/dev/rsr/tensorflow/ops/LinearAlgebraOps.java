package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.Attribute;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.Output;

/** Linear algebra beyond MatMul and Gemm: Einsum and Det. */
public final class LinearAlgebraOps implements OpConverterProvider {
    public static final String NAME = "rsr-linear-algebra-ops";
    private static final String ELLIPSIS = "...";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        Map<String, OpConverter> m = new LinkedHashMap<>();
        m.put("Einsum", LinearAlgebraOps::einsum);
        m.put("Det", LinearAlgebraOps::det);
        return Collections.unmodifiableMap(m);
    }

    /**
     * TensorFlow's Einsum, which takes one or two operands and an explicit output: more operands
     * are contracted left to right, each step keeping the labels a later operand or the output
     * still needs; an implicit output is ONNX's (and numpy's): the ellipsis, then the labels seen
     * once, in alphabetical order.
     */
    private static List<Output<?>> einsum(ConversionContext c) {
        String equation = c.node().attribute("equation").map(Attribute::asString)
                .orElseThrow(() -> c.error("attribute equation is required")).replace(" ", "");
        String[] sides = equation.split("->", -1);
        List<String> terms = List.of(sides[0].split(",", -1));
        int operands = c.node().inputs().size();
        if (sides.length > 2 || terms.size() != operands) {
            throw c.error("attribute equation '" + equation + "' does not describe " + operands + " operands and at most one output");
        }
        String output = sides.length == 2 ? sides[1] : implicitOutput(terms);
        if (operands == 1) {
            return List.of(einsum(c, terms.get(0) + "->" + output, c.input(0)));
        }
        Output<?> result = c.input(0);
        String labels = terms.get(0);
        for (int i = 1; i < operands; i++) {
            String next = terms.get(i);
            String kept = i == operands - 1 ? output : kept(labels, next, terms.subList(i + 1, operands), output);
            result = einsum(c, labels + "," + next + "->" + kept, result, c.input(i));
            labels = kept;
        }
        return List.of(result);
    }

    /**
     * TensorFlow's MatrixDeterminant, which has no gradient in TensorFlow's C++ registry. Its
     * gradient is the cofactor matrix ({@code det · A^-T}, also defined where A is singular), from
     * an SVD {@code A = U diag(s) V^T}: {@code det(U) det(V) U diag(Π_{j≠i} s_j) V^T}. It is attached
     * as {@code det + Σ cofactor ⊙ (A − stop(A))}, whose second term is zero and differentiates to
     * the cofactor.
     */
    private static List<Output<?>> det(ConversionContext c) {
        Output<?> a = c.input(0);
        int rank = c.rank(a);
        if (rank < 2) {
            throw c.error("Det takes square matrices [..., M, M], got rank " + rank);
        }
        Output<?> det = op(c, "StopGradient", op(c, "MatrixDeterminant", a));
        var svd = builder(c, "Svd", op(c, "StopGradient", a)).setAttr("compute_uv", true).setAttr("full_matrices", false).build();
        Output<?> s = svd.output(0), u = svd.output(1), v = svd.output(2);
        Output<?> last = c.scalar(-1, dev.rsr.ir.DataType.INT32);
        // Π_{j≠i} s_j without dividing: the product before i times the product after it.
        Output<?> others = op(c, "Mul", builder(c, "Cumprod", s, last).setAttr("exclusive", true).build().output(0),
                builder(c, "Cumprod", s, last).setAttr("exclusive", true).setAttr("reverse", true).build().output(0));
        Output<?> sign = op(c, "Mul", op(c, "MatrixDeterminant", u), op(c, "MatrixDeterminant", v));
        Output<?> scaled = op(c, "Mul", u, op(c, "ExpandDims", others, c.scalar(-2, dev.rsr.ir.DataType.INT32)));
        Output<?> cofactor = op(c, "Mul", builder(c, "BatchMatMulV2", scaled, v).setAttr("adj_y", true).build().output(0),
                Tf.reshape(c, sign, Tf.concat(c, List.of(Tf.shape(c, sign), c.longs(1, 1)))));
        Output<?> zero = op(c, "Sub", a, op(c, "StopGradient", a));
        Output<?> surrogate = Tf.reduce(c, "Sum", op(c, "Mul", op(c, "StopGradient", cofactor), zero), c.int32s(-2, -1), false);
        return List.of(op(c, "AddV2", det, surrogate));
    }

    private static Output<?> einsum(ConversionContext c, String equation, Output<?>... operands) {
        return builder(c, "Einsum").addInputList(operands).setAttr("equation", equation).build().output(0);
    }

    private static String implicitOutput(List<String> terms) {
        Map<Character, Integer> counts = new LinkedHashMap<>();
        boolean ellipsis = false;
        for (String term : terms) {
            ellipsis |= term.contains(ELLIPSIS);
            for (char label : term.replace(ELLIPSIS, "").toCharArray()) {
                counts.merge(label, 1, Integer::sum);
            }
        }
        StringBuilder out = new StringBuilder(ellipsis ? ELLIPSIS : "");
        new TreeSet<>(counts.keySet()).stream().filter(l -> counts.get(l) == 1).forEach(out::append);
        return out.toString();
    }

    /** The labels of {@code a} and {@code b} that {@code later} operands or the {@code output} use, the ellipsis first. */
    private static String kept(String a, String b, List<String> later, String output) {
        String rest = String.join(",", later) + output;
        StringBuilder out = new StringBuilder((a + b).contains(ELLIPSIS) ? ELLIPSIS : "");
        for (char label : (a + b).replace(ELLIPSIS, "").toCharArray()) {
            if (rest.indexOf(label) >= 0 && out.indexOf(String.valueOf(label)) < 0) {
                out.append(label);
            }
        }
        return out.toString();
    }
}
