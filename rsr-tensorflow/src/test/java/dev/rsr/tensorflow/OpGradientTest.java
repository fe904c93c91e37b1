package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.DataType;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.onnx.OrtInferenceBackend;
import dev.rsr.tensorflow.compiler.CompiledModel;
import dev.rsr.tensorflow.compiler.ConverterRegistry;
import dev.rsr.tensorflow.compiler.GraphCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Scope;

/**
 * TensorFlow's gradient of every differentiable op against central finite differences, on the
 * loss {@code sum(output * R)} with a fixed random R. Runs in its own JVM (see the module's
 * Surefire settings): a gradient that crashes natively fails this class, not the build.
 */
class OpGradientTest {
    private static final double EPS = 1e-3;

    static List<OpCase> cases() {
        return OpCases.all().stream().filter(OpCase::differentiable).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(OpCase c) {
        ModelGraph model = c.model();
        Map<String, TensorData> reference;
        try (Predictor ort = new OrtInferenceBackend().open(model, InferenceOptions.defaults())) {
            reference = ort.predict(Map.of());
        }
        try (CompiledModel compiled = new GraphCompiler(ConverterRegistry.discover()).compile(model)) {
            Output<?> loss = weightedSum(compiled, reference);
            List<String> params = new ArrayList<>(compiled.parameters().keySet());
            List<Output<?>> grads = compiled.gradients(loss, params);
            try (Session session = TfSessions.open(compiled, 1, 1)) {
                TfSessions.initializeFromModel(session, compiled);
                List<TensorData> analytic = new ArrayList<>();
                Session.Runner runner = session.runner();
                grads.forEach(runner::fetch);
                try (Result r = runner.run()) {
                    for (int i = 0; i < grads.size(); i++) {
                        analytic.add(TfTensors.toTensorData(r.get(i)));
                    }
                }
                SplittableRandom pick = new SplittableRandom(7);
                for (int p = 0; p < params.size(); p++) {
                    String name = params.get(p);
                    TensorData value = model.graph().initializers().get(name);
                    assertEquals(value.elementCount(), analytic.get(p).elementCount(), name);
                    float[] v = value.floats();
                    int checks = Math.min(v.length, 12);
                    for (int k = 0; k < checks; k++) {
                        int i = v.length <= 12 ? k : pick.nextInt(v.length);
                        float original = v[i];
                        v[i] = (float) (original + EPS);
                        double plus = lossAt(session, compiled, loss, name, value, v);
                        v[i] = (float) (original - EPS);
                        double minus = lossAt(session, compiled, loss, name, value, v);
                        v[i] = original;
                        double numeric = (plus - minus) / (2 * EPS);
                        double exact = analytic.get(p).getAsDouble(i);
                        assertTrue(Math.abs(numeric - exact) <= 5e-3 + 1e-2 * Math.abs(numeric),
                                c.label() + ": d loss / d " + name + "[" + i + "] is " + exact + " but finite differences give " + numeric);
                    }
                    TfSessions.assign(session, compiled, Map.of(name, value));
                }
            }
        }
    }

    private static double lossAt(Session session, CompiledModel compiled, Output<?> loss, String name, TensorData like, float[] values) {
        TfSessions.assign(session, compiled, Map.of(name, TensorData.ofFloats(like.shape(), values)));
        try (Result r = session.runner().fetch(loss).run()) {
            return TfTensors.toTensorData(r.get(0)).getAsDouble(0);
        }
    }

    /** {@code sum_k sum(out_k * R_k)} over the float outputs, R_k fixed random of the output's shape. */
    private static Output<?> weightedSum(CompiledModel compiled, Map<String, TensorData> reference) {
        Scope scope = org.tensorflow.op.Ops.create(compiled.graph()).withSubScope("loss").scope();
        Output<?> total = null;
        int k = 0;
        for (Map.Entry<String, TensorData> e : reference.entrySet()) {
            if (e.getValue().type() != DataType.FLOAT) {
                continue;
            }
            TensorData r = OpCase.randn(1000 + k++, e.getValue().shape());
            Output<?> weights = TfGraphs.constant(scope, r);
            Output<?> product = scope.opBuilder("Mul", "mul").addInput(compiled.value(e.getKey())).addInput(weights).build().output(0);
            int[] axes = new int[r.rank()];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
            Output<?> sum = scope.opBuilder("Sum", "sum").addInput(product)
                    .addInput(TfGraphs.constant(scope, TensorData.ofInts(new long[] {axes.length}, axes)))
                    .build().output(0);
            total = total == null ? sum : scope.opBuilder("AddV2", "add").addInput(total).addInput(sum).build().output(0);
        }
        return total;
    }
}
