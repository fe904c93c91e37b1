package dev.rsr.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.DataException;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.plugin.PluginRegistry;
import dev.rsr.spi.InferenceBackend;
import dev.rsr.zoo.Mlp;
import dev.rsr.zoo.TextClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class OrtPredictorTest {
    private static final TextClassifier TEXT = new TextClassifier(60, 16, 2, 4, 32, 16, 5, 11);
    private static final InferenceBackend ORT = PluginRegistry.discover(InferenceBackend.class).get("onnxruntime");

    static Map<String, TensorData> tokens(long[][] ids, long[][] mask) {
        int b = ids.length, t = ids[0].length;
        long[] flatIds = new long[b * t], flatMask = new long[b * t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(ids[i], 0, flatIds, i * t, t);
            System.arraycopy(mask[i], 0, flatMask, i * t, t);
        }
        return Map.of(TextClassifier.INPUT_IDS, TensorData.ofLongs(new long[] {b, t}, flatIds),
                TextClassifier.ATTENTION_MASK, TensorData.ofLongs(new long[] {b, t}, flatMask));
    }

    @Test
    void backendIsDiscoveredByName() {
        assertEquals(OrtInferenceBackend.class, ORT.getClass());
    }

    @Test
    void everyZooModelRunsWithItsDeclaredOutputShapes() {
        ModelGraph mlp = Mlp.defaults().build();
        try (Predictor p = ORT.open(mlp, InferenceOptions.defaults())) {
            float[] x = new float[5 * 16];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i);
            }
            Map<String, TensorData> out = p.predict(Map.of(Mlp.INPUT, TensorData.ofFloats(new long[] {5, 16}, x)));
            checkClassifierOutputs(p.outputs(), out, 5, 3);
        }
        try (Predictor p = ORT.open(TEXT.build(), InferenceOptions.defaults())) {
            long[][] ids = {{1, 5, 9, 2, 0, 0}, {3, 4, 5, 6, 7, 8}, {9, 0, 0, 0, 0, 0}};
            long[][] mask = {{1, 1, 1, 1, 0, 0}, {1, 1, 1, 1, 1, 1}, {1, 0, 0, 0, 0, 0}};
            checkClassifierOutputs(p.outputs(), p.predict(tokens(ids, mask)), 3, 5);
        }
    }

    private static void checkClassifierOutputs(List<ValueInfo> declared, Map<String, TensorData> out, int batch, int classes) {
        assertEquals(List.of("logits", "probabilities"), List.copyOf(out.keySet()));
        for (ValueInfo v : declared) {
            TensorData t = out.get(v.name());
            assertEquals(null, v.shape().mismatch(t.shape()), v.name());
            assertArrayEquals(new long[] {batch, classes}, t.shape());
        }
        float[] p = out.get("probabilities").floats();
        for (int i = 0; i < batch; i++) {
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += p[i * classes + c];
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }

    /** Padding must not change a sequence's prediction: the mask reaches attention and pooling. */
    @Test
    void paddingDoesNotChangePredictions() {
        try (Predictor p = ORT.open(TEXT.build(), InferenceOptions.defaults())) {
            float[] alone = p.predict(tokens(new long[][] {{7, 8, 9}}, new long[][] {{1, 1, 1}})).get("logits").floats();
            float[] padded = p.predict(tokens(new long[][] {{7, 8, 9, 33, 44}}, new long[][] {{1, 1, 1, 0, 0}}))
                    .get("logits").floats();
            assertArrayEquals(alone, padded, 1e-5f);
            float[] unmasked = p.predict(tokens(new long[][] {{7, 8, 9, 33, 44}}, new long[][] {{1, 1, 1, 1, 1}}))
                    .get("logits").floats();
            assertTrue(Math.abs(alone[0] - unmasked[0]) > 1e-4, "tokens under mask 1 must matter");
        }
    }

    @Test
    void badInputsAreNamedBeforeAnyNativeCall() {
        try (Predictor p = ORT.open(Mlp.defaults().build(), InferenceOptions.defaults())) {
            DataException wrongShape = assertThrows(DataException.class,
                    () -> p.predict(Map.of("features", TensorData.ofFloats(new long[] {1, 15}, new float[15]))));
            assertEquals("input 'features': expected shape [batch, 16] but got [1, 15] (dimension 1)", wrongShape.getMessage());
            assertThrows(DataException.class, () -> p.predict(Map.of("features", TensorData.ofLongs(new long[] {1, 16}, new long[16]))));
            assertThrows(DataException.class, () -> p.predict(Map.of()));
        }
    }

    @Test
    void concurrentPredictionsAgreeWithSequentialOnes() throws Exception {
        try (Predictor p = ORT.open(TEXT.build(), new InferenceOptions(1, 1, InferenceOptions.GraphOptimization.ALL))) {
            List<Map<String, TensorData>> inputs = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            Random random = new Random(5);
            for (int i = 0; i < 16; i++) {
                long[][] ids = new long[2][8];
                long[][] mask = new long[2][8];
                for (int r = 0; r < 2; r++) {
                    for (int c = 0; c < 8; c++) {
                        ids[r][c] = random.nextInt(60);
                        mask[r][c] = c < 3 + random.nextInt(6) ? 1 : 0;
                    }
                }
                inputs.add(tokens(ids, mask));
                expected.add(p.predict(inputs.get(i)).get("probabilities").floats());
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> futures = new ArrayList<>();
                for (int rep = 0; rep < 4; rep++) {
                    for (Map<String, TensorData> in : inputs) {
                        futures.add(pool.submit(() -> p.predict(in).get("probabilities").floats()));
                    }
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertArrayEquals(expected.get(i % inputs.size()), futures.get(i).get(), 0f);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aClosedPredictorRefusesWorkAndClosesTwiceQuietly() {
        Predictor p = ORT.open(Mlp.defaults().build(), InferenceOptions.defaults());
        p.close();
        p.close();
        assertThrows(IllegalStateException.class,
                () -> p.predict(Map.of("features", TensorData.ofFloats(new long[] {1, 16}, new float[16]))));
    }
}
