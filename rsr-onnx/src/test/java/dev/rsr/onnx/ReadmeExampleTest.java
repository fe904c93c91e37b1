package dev.rsr.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.plugin.PluginRegistry;
import dev.rsr.spi.InferenceBackend;
import dev.rsr.zoo.TextClassifier;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "Serving with ONNX Runtime" snippet of the README, compiled and run. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void servingSnippetRuns() {
        OnnxFormat.write(TextClassifier.defaults().build(), dir.resolve("tc.onnx"));
        // --- README snippet begins (with the file in the test's folder)
        ModelGraph model = OnnxFormat.read(dir.resolve("tc.onnx"));
        InferenceBackend backend = PluginRegistry.discover(InferenceBackend.class).get("onnxruntime");
        try (Predictor predictor = backend.open(model, InferenceOptions.defaults())) {
            Map<String, TensorData> out = predictor.predict(Map.of(
                    "input_ids", TensorData.ofLongs(new long[] {1, 3}, 12, 7, 93),
                    "attention_mask", TensorData.ofLongs(new long[] {1, 3}, 1, 1, 1)));
            float[] probabilities = out.get("probabilities").floats();
            // --- README snippet ends
            assertEquals(2, probabilities.length);
            assertEquals(1.0, probabilities[0] + probabilities[1], 1e-6);
        }
    }
}
