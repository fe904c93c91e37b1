package dev.rsr.tensorflow;

import dev.rsr.error.RsrException;
import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Graph;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Node;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.tensorflow.compiler.CompiledModel;
import dev.rsr.tensorflow.compiler.ConverterRegistry;
import dev.rsr.tensorflow.compiler.GraphCompiler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Scope;

/**
 * TensorFlow's gradient of a model against central finite differences: the loss is
 * {@code Σ_k sum(output_k · R_k)} over the float outputs, with R fixed random, and the gradient
 * is taken with respect to every float initializer, at a few sampled elements each. Elements
 * where the function is not smooth (a kink or a jump; see {@link #compare}) are skipped, not judged.
 */
public final class GradientCheck {
    /** How far each element is moved either way, before scaling by its magnitude. */
    private static final double EPS = 1e-3;
    /** Elements checked per parameter at most, and parameters at most. */
    private static final int ELEMENTS = 8, PARAMETERS = 6;
    /**
     * Larger parameters are left out: every probe writes the whole parameter, and on a 1-million-element
     * input (a dilated max pool of the suite) the checks took 2 minutes and 22 GB.
     */
    private static final long MAX_ELEMENTS = 200_000;

    /** What a check found. */
    public enum Status {
        /** Every sampled element agreed. */
        PASS,
        /** Some element's gradient differs from finite differences. */
        MISMATCH,
        /** TensorFlow has no gradient for an op on the way. */
        NO_GRADIENT,
        /** Nothing to check: no float input or output, or the model does not compile with its inputs as parameters. */
        NOT_APPLICABLE
    }

    /**
     * @param checked elements compared
     * @param skipped elements on a kink
     * @param detail  the first disagreement or the reason nothing was checked; empty on a pass
     */
    public record Verdict(Status status, int checked, int skipped, String detail) {
    }

    private GradientCheck() {
    }

    /**
     * Checks a model whose data inputs are given: float inputs become parameters at the given
     * values, the others constants.
     */
    public static Verdict checkAt(ModelGraph model, Map<String, TensorData> inputs) {
        return check(withInputsFixed(model, inputs));
    }

    /** The first node that draws random values when run (a training-mode Dropout that drops), or null. */
    private static String randomNode(ModelGraph model) {
        for (Node node : model.graph().nodes()) {
            if (node.opType().equals("Dropout") && node.inputs().size() > 2 && !node.inputs().get(2).isEmpty()) {
                TensorData training = model.graph().initializers().get(node.inputs().get(2));
                TensorData ratio = node.inputs().get(1).isEmpty() ? null : model.graph().initializers().get(node.inputs().get(1));
                boolean dropsNothing = ratio != null && ratio.getAsDouble(0) == 0;
                if ((training == null || training.getAsDouble(0) != 0) && !dropsNothing) {
                    return node.describe();
                }
            }
        }
        return null;
    }

    /** Checks the gradient with respect to the model's float initializers. */
    public static Verdict check(ModelGraph model) {
        String random = randomNode(model);
        if (random != null) {
            return new Verdict(Status.NOT_APPLICABLE, 0, 0, random + " draws new random values on every run, so finite differences cannot be taken");
        }
        try (CompiledModel compiled = new GraphCompiler(ConverterRegistry.discover()).compile(model)) {
            List<String> parameters = compiled.parameters().keySet().stream()
                    .filter(p -> model.graph().initializers().get(p).type() == DataType.FLOAT)
                    .filter(p -> model.graph().initializers().get(p).elementCount() <= MAX_ELEMENTS).limit(PARAMETERS).toList();
            if (parameters.isEmpty()) {
                return new Verdict(Status.NOT_APPLICABLE, 0, 0, "no float parameter of at most " + MAX_ELEMENTS + " elements");
            }
            // As training sessions run: without TensorFlow's graph rewriting.
            try (Session session = TfSessions.open(compiled, 1, 1, false)) {
                TfSessions.initializeFromModel(session, compiled);
                Output<?> loss = weightedSum(compiled, session);
                if (loss == null) {
                    return new Verdict(Status.NOT_APPLICABLE, 0, 0, "no float output");
                }
                // One parameter at a time: an input the output does not depend on differentiably (a
                // shape, a CastLike's type source) must not keep the others from being checked.
                Map<String, TensorData> analytic = new LinkedHashMap<>();
                List<String> without = new ArrayList<>();
                for (String p : parameters) {
                    try {
                        analytic.put(p, gradient(compiled, session, loss, p));
                    } catch (RuntimeException e) {
                        without.add(p + " (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
                    }
                }
                if (analytic.isEmpty()) {
                    return new Verdict(Status.NO_GRADIENT, 0, 0, String.join("; ", without));
                }
                Verdict v = compare(model, compiled, session, loss, analytic);
                return without.isEmpty() || v.status() != Status.PASS ? v
                        : new Verdict(v.status(), v.checked(), v.skipped(), "no gradient for " + String.join("; ", without));
            }
        } catch (RsrException e) {
            return new Verdict(Status.NOT_APPLICABLE, 0, 0, e.getMessage());
        }
    }

    /**
     * TensorFlow's gradient of {@code loss} with respect to one parameter: zeros where an op on the
     * way has none (Floor, Round), as a training step would see it.
     */
    private static TensorData gradient(CompiledModel compiled, Session session, Output<?> loss, String parameter) {
        Output<?> g = compiled.gradients(loss, List.of(parameter)).get(0);
        TensorData like = compiled.model().graph().initializers().get(parameter);
        if (g == null) {
            return TensorData.ofFloats(like.shape(), new float[like.elementCount()]);
        }
        try (Result r = session.runner().fetch(g).run()) {
            return TfTensors.toTensorData(r.get(0));
        } catch (IllegalStateException e) { // an unusable output stands for "no gradient"
            return TensorData.ofFloats(like.shape(), new float[like.elementCount()]);
        }
    }

    /**
     * Central differences at a step of {@code 1e-3·√max(1, |v|)}, which balances float32 rounding
     * (it grows with |v|) against truncation. An element is skipped where the function is not
     * smooth: on a kink the two one-sided differences disagree (ReLU at 0, a tie in a max), across
     * a jump the difference changes with the step (Sign at 0), and an input that is really a size
     * or a scale may change the output's shape.
     */
    private static Verdict compare(ModelGraph model, CompiledModel compiled, Session session, Output<?> loss, Map<String, TensorData> analytic) {
        SplittableRandom pick = new SplittableRandom(7);
        int checked = 0, skipped = 0;
        for (Map.Entry<String, TensorData> e : analytic.entrySet()) {
            String name = e.getKey();
            TensorData value = model.graph().initializers().get(name);
            float[] v = value.floats();
            int count = Math.min(v.length, ELEMENTS);
            for (int k = 0; k < count; k++) {
                int i = v.length <= ELEMENTS ? k : pick.nextInt(v.length);
                double step = EPS * Math.sqrt(Math.max(1, Math.abs(v[i])));
                double[] whole, half;
                try {
                    whole = differences(session, compiled, loss, name, value, v, i, step);
                    half = differences(session, compiled, loss, name, value, v, i, step / 2);
                } catch (RuntimeException shapeChanged) {
                    skipped++;
                    continue;
                }
                double numeric = whole[0];
                double tolerance = 5e-3 + 2e-2 * Math.abs(numeric);
                if (!Double.isFinite(numeric) || Math.abs(whole[1] - whole[2]) > tolerance || Math.abs(numeric - half[0]) > tolerance) {
                    skipped++;
                    continue;
                }
                double exact = e.getValue().getAsDouble(i);
                checked++;
                if (!(Math.abs(numeric - exact) <= 5e-3 + 1e-2 * Math.abs(numeric))) {
                    TfSessions.assign(session, compiled, Map.of(name, value));
                    return new Verdict(Status.MISMATCH, checked, skipped,
                            "d loss / d " + name + "[" + i + "] is " + exact + " but finite differences give " + numeric);
                }
            }
            TfSessions.assign(session, compiled, Map.of(name, value));
        }
        return new Verdict(checked == 0 ? Status.NOT_APPLICABLE : Status.PASS, checked, skipped, checked == 0 ? "every sampled element on a kink" : "");
    }

    /** The central, right and left differences of the loss at element {@code i}, over the steps actually taken in float. */
    private static double[] differences(Session session, CompiledModel compiled, Output<?> loss, String name, TensorData like, float[] v, int i,
                                        double step) {
        float original = v[i];
        double at = lossAt(session, compiled, loss, name, like, v);
        v[i] = (float) (original + step);
        double up = v[i] - original;
        double plus = lossAt(session, compiled, loss, name, like, v);
        v[i] = (float) (original - step);
        double down = original - v[i];
        double minus = lossAt(session, compiled, loss, name, like, v);
        v[i] = original;
        return new double[] {(plus - minus) / (up + down), (plus - at) / up, (at - minus) / down};
    }

    private static double lossAt(Session session, CompiledModel compiled, Output<?> loss, String name, TensorData like, float[] values) {
        TfSessions.assign(session, compiled, Map.of(name, TensorData.ofFloats(like.shape(), values)));
        try (Result r = session.runner().fetch(loss).run()) {
            return TfTensors.toTensorData(r.get(0)).getAsDouble(0);
        }
    }

    /** {@code Σ_k sum(out_k · R_k)} over the float outputs, R_k fixed random of the output's shape (found by a forward run); null if none. */
    private static Output<?> weightedSum(CompiledModel compiled, Session session) {
        List<Output<?>> outputs = compiled.outputs();
        Map<Integer, long[]> shapes = new LinkedHashMap<>();
        Session.Runner runner = session.runner();
        outputs.forEach(runner::fetch);
        try (Result r = runner.run()) {
            for (int k = 0; k < outputs.size(); k++) {
                TensorData out = TfTensors.toTensorData(r.get(k));
                if (out.type() == DataType.FLOAT) {
                    shapes.put(k, out.shape());
                }
            }
        }
        Scope scope = org.tensorflow.op.Ops.create(compiled.graph()).withSubScope("gradient_check").scope();
        Output<?> total = null;
        for (Map.Entry<Integer, long[]> e : shapes.entrySet()) {
            // Summed in double: in float32 a sum over thousands of outputs rounds away the small
            // changes finite differences measure.
            Output<?> wide = scope.opBuilder("Cast", "cast").addInput(outputs.get(e.getKey()))
                    .setAttr("DstT", org.tensorflow.proto.DataType.DT_DOUBLE).build().output(0);
            Output<?> weights = TfGraphs.constant(scope, random(1000 + e.getKey(), e.getValue()));
            Output<?> product = scope.opBuilder("Mul", "mul").addInput(wide).addInput(weights).build().output(0);
            int[] axes = new int[e.getValue().length];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
            Output<?> sum = scope.opBuilder("Sum", "sum").addInput(product)
                    .addInput(TfGraphs.constant(scope, TensorData.ofInts(new long[] {axes.length}, axes))).build().output(0);
            total = total == null ? sum : scope.opBuilder("AddV2", "add").addInput(total).addInput(sum).build().output(0);
        }
        return total;
    }

    private static TensorData random(long seed, long[] shape) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[(int) TensorData.elementCount(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return TensorData.ofDoubles(shape, v);
    }

    /** The model with its data inputs fixed: float ones as initializers (parameters), the others as Constant nodes. */
    private static ModelGraph withInputsFixed(ModelGraph model, Map<String, TensorData> inputs) {
        Graph g = model.graph();
        Map<String, TensorData> initializers = new LinkedHashMap<>(g.initializers());
        List<Node> nodes = new ArrayList<>();
        List<ValueInfo> remaining = new ArrayList<>();
        for (ValueInfo in : g.inputs()) {
            TensorData value = inputs.get(in.name());
            if (value == null || g.initializers().containsKey(in.name())) {
                remaining.add(in);
            } else if (value.type() == DataType.FLOAT) {
                initializers.put(in.name(), value);
            } else {
                nodes.add(new Node("fixed_" + in.name(), "Constant", List.of(), List.of(in.name()), List.of(Attribute.of("value", value))));
            }
        }
        nodes.addAll(g.nodes());
        Graph fixed = new Graph(g.name(), remaining, g.outputs(), initializers, nodes, g.valueInfos(), g.docString());
        return new ModelGraph(fixed, model.metadata());
    }
}
