package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.TensorData;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.onnx.OrtInferenceBackend;
import dev.rsr.zoo.TextClassifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictCommandTest {
    @TempDir
    Path dir;

    /**
     * A model file written by the builder, lines of varied lengths (so batches split where shapes
     * change), and every output line equal to a direct one-example prediction.
     */
    @Test
    void predictMatchesDirectPredictionsLineByLine() throws Exception {
        TextClassifier config = new TextClassifier(50, 16, 2, 2, 32, 12, 3, 4);
        Path model = dir.resolve("tc.onnx");
        OnnxFormat.write(config.build(), model);
        Random random = new Random(2);
        List<long[][]> examples = new ArrayList<>();
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 23; i++) {
            int length = i < 10 ? 6 : 4 + random.nextInt(8);
            long[] ids = new long[length];
            long[] mask = new long[length];
            for (int t = 0; t < length; t++) {
                ids[t] = random.nextInt(50);
                mask[t] = t < length - random.nextInt(3) ? 1 : 0;
            }
            examples.add(new long[][] {ids, mask});
            jsonl.append("{\"input_ids\":").append(java.util.Arrays.toString(ids)).append(",\"attention_mask\":")
                    .append(java.util.Arrays.toString(mask)).append("}\n");
            if (i == 5) {
                jsonl.append("\n");
            }
        }
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, jsonl);
        Path out = dir.resolve("out.jsonl");
        CliRun run = CliRun.of("predict", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(),
                "--batch-size", "4", "--threads", "1");
        assertEquals(0, run.exitCode(), run.err());

        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(examples.size(), lines.size());
        ObjectMapper mapper = new ObjectMapper();
        try (Predictor direct = new OrtInferenceBackend().open(config.build(), InferenceOptions.defaults())) {
            for (int i = 0; i < examples.size(); i++) {
                long[] ids = examples.get(i)[0], mask = examples.get(i)[1];
                float[] expected = direct.predict(Map.of("input_ids", TensorData.ofLongs(new long[] {1, ids.length}, ids),
                        "attention_mask", TensorData.ofLongs(new long[] {1, mask.length}, mask))).get("probabilities").floats();
                JsonNode probs = mapper.readTree(lines.get(i)).get("probabilities");
                float[] actual = new float[probs.size()];
                for (int c = 0; c < actual.length; c++) {
                    actual[c] = probs.get(c).floatValue();
                }
                assertArrayEquals(expected, actual, 1e-5f, "line " + (i + 1));
            }
        }
    }
}
