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
 * ONNX's training losses: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, with class
 * weights, an ignored label and the three reductions. The class axis is 1 ({@code [N, C, d1, …]}).
 */
public final class LossOps implements OpConverterProvider {
    public static final String NAME = "rsr-loss-ops";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        Map<String, OpConverter> m = new LinkedHashMap<>();
        m.put("NegativeLogLikelihoodLoss", c -> List.of(negativeLogLikelihood(c, c.input(0))));
        m.put("SoftmaxCrossEntropyLoss", c -> {
            Output<?> scores = c.input(0);
            int rank = c.rank(scores);
            // Log-softmax over the class axis (1), taken last where TensorFlow's kernel works.
            long[] perm = classLast(rank);
            Output<?> logProb = Tf.transpose(c, Tf.softmaxLast(c, "LogSoftmax", Tf.transpose(c, scores, perm)), inverse(perm));
            List<Output<?>> out = new ArrayList<>();
            out.add(negativeLogLikelihood(c, logProb));
            out.add(logProb);
            return out;
        });
        return Collections.unmodifiableMap(m);
    }

    /**
     * {@code −input[n, target[n, d…], d…] · weight[target]}, zero (and weightless) where the target
     * is the ignored label; reduced to a sum, a weighted mean, or left per element.
     */
    private static Output<?> negativeLogLikelihood(ConversionContext c, Output<?> input) {
        int rank = c.rank(input);
        if (rank < 2) {
            throw c.error("the input must be [N, C, ...], has rank " + rank);
        }
        DataType t = c.typeOf(input);
        Output<?> target = Tf.cast(c, c.input(1), DataType.INT64);
        Output<?> kept = null;
        if (c.node().attribute("ignore_index").isPresent()) {
            Output<?> ignored = op(c, "Equal", target, c.scalar(c.node().intAttribute("ignore_index", 0), DataType.INT64));
            kept = op(c, "LogicalNot", ignored);
            // Any valid class in place of the ignored label; its term is weighted by zero below.
            target = op(c, "SelectV2", ignored, op(c, "ZerosLike", target), target);
        }
        Output<?> classLast = Tf.transpose(c, input, classLast(rank));
        Output<?> classes = Tf.dim(c, input, 1);
        Output<?> oneHot = builder(c, "OneHot", target, Tf.cast(c, classes, DataType.INT32), c.scalar(1, t), c.scalar(0, t))
                .setAttr("axis", -1L).build().output(0);
        // Selected, not multiplied: a −∞ log-probability of another class times 0 would be NaN.
        Output<?> chosen = op(c, "SelectV2", op(c, "Greater", oneHot, c.scalar(0, t)), classLast, op(c, "ZerosLike", classLast));
        Output<?> picked = Tf.reduce(c, "Sum", chosen, c.int32s(-1), false);
        Output<?> weight = c.hasInput(2) ? builder(c, "GatherV2", c.input(2), target, c.scalar(0, DataType.INT32)).build().output(0)
                : op(c, "AddV2", op(c, "ZerosLike", picked), c.scalar(1, t)); // OnesLike has no gradient in TensorFlow
        if (kept != null) {
            weight = op(c, "Mul", weight, Tf.cast(c, kept, t));
        }
        Output<?> loss = op(c, "Neg", op(c, "Mul", picked, weight));
        if (kept != null) {
            loss = op(c, "SelectV2", kept, loss, op(c, "ZerosLike", loss)); // an ignored −∞ times weight 0 is NaN too
        }
        String reduction = c.node().attribute("reduction").map(dev.rsr.ir.Attribute::asString).orElse("mean");
        Output<?> all = c.int32s(Tf.range(0, rank - 1));
        return switch (reduction) {
            case "none" -> loss;
            case "sum" -> Tf.reduce(c, "Sum", loss, all, false);
            case "mean" -> op(c, "RealDiv", Tf.reduce(c, "Sum", loss, all, false), Tf.reduce(c, "Sum", weight, all, false));
            default -> throw c.error("reduction '" + reduction + "' is not one of none, sum, mean");
        };
    }

    /** The permutation that moves axis 1 last. */
    private static long[] classLast(int rank) {
        long[] perm = new long[rank];
        perm[0] = 0;
        for (int i = 1; i < rank - 1; i++) {
            perm[i] = i + 1;
        }
        perm[rank - 1] = 1;
        return perm;
    }

    private static long[] inverse(long[] perm) {
        long[] inv = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[(int) perm[i]] = i;
        }
        return inv;
    }
}
