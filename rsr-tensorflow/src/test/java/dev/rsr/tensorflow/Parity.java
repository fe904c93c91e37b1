package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.onnx.OrtInferenceBackend;
import java.util.Map;

/** Runs one model on TensorFlow and on ONNX Runtime with the same inputs and compares every output. */
final class Parity {
    private Parity() {
    }

    /** Largest absolute difference over all outputs; asserts shapes and types agree. */
    static double maxAbsDiff(ModelGraph model, Map<String, TensorData> feeds) {
        InferenceOptions options = new InferenceOptions(1, 1, InferenceOptions.GraphOptimization.ALL);
        try (Predictor tf = new TensorFlowInferenceBackend().open(model, options);
             Predictor ort = new OrtInferenceBackend().open(model, options)) {
            Map<String, TensorData> a = tf.predict(feeds);
            Map<String, TensorData> b = ort.predict(feeds);
            assertEquals(b.keySet(), a.keySet());
            double worst = 0;
            for (String name : a.keySet()) {
                TensorData x = a.get(name);
                TensorData y = b.get(name);
                assertEquals(y.type(), x.type(), "type of output " + name);
                assertArrayEquals(y.shape(), x.shape(), "shape of output " + name);
                double d = x.maxAbsDiff(y);
                assertTrue(d < Double.POSITIVE_INFINITY, "NaN in one backend only, output " + name);
                worst = Math.max(worst, d);
            }
            return worst;
        }
    }
}
