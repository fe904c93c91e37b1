package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Graph;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.ModelMetadata;
import dev.rsr.ir.Node;
import dev.rsr.ir.Shape;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Dropout in training mode on TensorFlow: a fresh random mask each run, kept elements scaled by
 * 1/(1 − ratio), the mask output true exactly where an element was kept; in inference mode the
 * identity. Its outputs are random, so no other runtime's can be compared with them.
 */
class TrainingDropoutTest {
    private static final int N = 10_000;

    private static Map<String, TensorData> run(Predictor predictor, float[] x, float ratio, boolean training) {
        return predictor.predict(Map.of("x", TensorData.ofFloats(new long[] {N}, x), "r", TensorData.scalarFloat(ratio), "t",
                TensorData.ofBools(new long[0], training)));
    }

    @Test
    void trainingModeDropsAboutTheRatioAndScalesTheRestWhileInferenceModeIsTheIdentity() {
        List<ValueInfo> in = List.of(new ValueInfo("x", DataType.FLOAT, Shape.fixed(N)), new ValueInfo("r", DataType.FLOAT, Shape.fixed()),
                new ValueInfo("t", DataType.BOOL, Shape.fixed()));
        List<ValueInfo> out = List.of(new ValueInfo("y", DataType.FLOAT, Shape.fixed(N)), new ValueInfo("m", DataType.BOOL, Shape.fixed(N)));
        ModelGraph model = new ModelGraph(new Graph("dropout", in, out, Map.of(),
                List.of(new Node("d", "Dropout", List.of("x", "r", "t"), List.of("y", "m"), List.of())), List.of(), ""),
                ModelMetadata.rsrDefaults());
        float[] x = new float[N];
        Random random = new Random(3);
        for (int i = 0; i < N; i++) {
            x[i] = (float) random.nextGaussian() + 5; // never 0, so kept and dropped can be told apart
        }
        try (Predictor tf = new TensorFlowInferenceBackend().open(model, InferenceOptions.defaults())) {
            Map<String, TensorData> first = run(tf, x, 0.25f, true);
            Map<String, TensorData> second = run(tf, x, 0.25f, true);
            int kept = 0, differ = 0;
            for (int i = 0; i < N; i++) {
                double y = first.get("y").getAsDouble(i);
                boolean keptHere = y != 0;
                if (keptHere) {
                    assertEquals(x[i] / 0.75, y, 1e-5 * Math.abs(y), "element " + i);
                }
                assertEquals(keptHere, first.get("m").getAsDouble(i) != 0, "mask element " + i);
                kept += keptHere ? 1 : 0;
                differ += keptHere != (second.get("y").getAsDouble(i) != 0) ? 1 : 0;
            }
            // 7,500 expected; five standard deviations of the binomial are 217.
            assertTrue(Math.abs(kept - 7_500) < 217, kept + " of " + N + " kept");
            assertNotEquals(0, differ, "a second run drew the same mask");

            Map<String, TensorData> inference = run(tf, x, 0.25f, false);
            for (int i = 0; i < N; i++) {
                assertEquals(x[i], inference.get("y").getAsDouble(i), 0, "inference element " + i);
                assertEquals(1, inference.get("m").getAsDouble(i), "inference mask element " + i);
            }
        }
    }
}
