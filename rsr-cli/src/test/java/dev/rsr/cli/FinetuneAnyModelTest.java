package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rsr.engine.Provenance;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Dim;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.builder.GraphBuilder;
import dev.rsr.ir.builder.ParameterInit;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.onnx.OrtInferenceBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code rsr finetune} on classifiers that are not text models: a small CNN built with the graph
 * builder, a model of the ONNX backend test suite, and the errors bad data and an ambiguous model
 * give.
 */
class FinetuneAnyModelTest {
    private static final Path SUITE = Path.of(System.getProperty("rsr.conformance.suite",
            Path.of("").toAbsolutePath().getParent().getParent().resolve("shared/onnx-backend-tests").toString()));

    @TempDir
    Path dir;

    /**
     * Conv 3x3 (4 channels) → ReLU → MaxPool 2x2 → Flatten → Dense over an {@code image: float[batch, 1, 8, 8]};
     * output {@code logits: float[batch, 4]}, and {@code probabilities} too when asked.
     */
    static ModelGraph cnn(boolean withProbabilities) {
        GraphBuilder b = new GraphBuilder("cnn", 7);
        Dim batch = Dim.symbolic("batch");
        String x = b.input("image", DataType.FLOAT, batch, Dim.of(1), Dim.of(8), Dim.of(8));
        b.group("conv");
        String w = b.parameter("conv.weight", ParameterInit.xavierUniform(7, "conv.weight", new long[] {4, 1, 3, 3}, 9, 36));
        String bias = b.parameter("conv.bias", ParameterInit.constant(new long[] {4}, 0f));
        String conv = b.op("conv", "Conv", List.of(x, w, bias), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("pads", 1, 1, 1, 1));
        String pooled = b.op("pool", "MaxPool", List.of(b.relu("conv.relu", conv)), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInts("strides", 2, 2));
        String flat = b.op("flatten", "Flatten", List.of(pooled), Attribute.of("axis", 1L));
        b.group("head");
        String logits = b.dense("head", flat, 4 * 4 * 4, 4);
        b.output(logits, "logits", DataType.FLOAT, batch, Dim.of(4));
        if (withProbabilities) {
            b.output(b.softmax("head.softmax", logits), "probabilities", DataType.FLOAT, batch, Dim.of(4));
        }
        return b.build();
    }

    /** 8x8 images of noise with one brighter quadrant; the label is that quadrant (0 to 3). */
    static void writeImages(Path file, int n, long seed) throws Exception {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int quadrant = r.nextInt(4);
            StringBuilder rows = new StringBuilder("[[");
            for (int y = 0; y < 8; y++) {
                rows.append(y == 0 ? "[" : ", [");
                for (int x = 0; x < 8; x++) {
                    int q = (y / 4) * 2 + x / 4;
                    float v = r.nextFloat() * 0.6f + (q == quadrant ? 0.4f : 0f);
                    rows.append(x == 0 ? "" : ", ").append(v);
                }
                rows.append(']');
            }
            rows.append("]]");
            sb.append("{\"image\": ").append(rows).append(", \"label\": ").append(quadrant).append("}\n");
        }
        Files.writeString(file, sb);
    }

    private CliRun finetune(Path model, Path train, Path eval, Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("finetune", "--model", model.toString(), "--train", train.toString(),
                "--eval", eval.toString(), "--out", out.toString(), "--threads", "1"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void aCnnLearnsWhichQuadrantIsBrighterAndOnnxRuntimeAgrees() throws Exception {
        Path model = dir.resolve("cnn.onnx");
        OnnxFormat.write(cnn(false), model);
        writeImages(dir.resolve("train.jsonl"), 400, 1);
        writeImages(dir.resolve("eval.jsonl"), 200, 2);
        Path out = dir.resolve("refined.onnx");

        // Before: the untrained CNN is near chance (4 classes).
        double before = accuracy(OnnxFormat.read(model), dir.resolve("eval.jsonl"));

        CliRun run = finetune(model, dir.resolve("train.jsonl"), dir.resolve("eval.jsonl"), out, "--method", "full", "--lr", "1e-2",
                "--max-steps", "60", "--batch", "16", "--eval-every", "20");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("task: 4 classes from output 'logits', inputs [image], 400 train / 200 eval examples"), run.err());
        JsonNode m = new ObjectMapper().readTree(dir.resolve("refined.onnx.metrics.json").toFile());
        assertEquals(60, m.get("steps").asInt());
        double after = m.get("eval_accuracy").asDouble();
        assertTrue(before < 0.45, "untrained accuracy " + before);
        assertTrue(after >= 0.8, "eval accuracy after 60 steps " + after + " (before: " + before + ")");
        assertEquals(1.0, m.get("export_check").get("argmax_agreement").asDouble());
        assertTrue(m.get("export_check").get("max_probability_diff").asDouble() <= 1e-5, m.get("export_check").toString());
        assertEquals(200, m.get("export_check").get("examples").asInt());

        // The exported model, run by ONNX Runtime alone, classifies as well as TensorFlow's evaluation said.
        ModelGraph refined = OnnxFormat.read(out);
        assertEquals(after, accuracy(refined, dir.resolve("eval.jsonl")), 1e-9);
        Provenance provenance = Provenance.readFrom(refined, out.toString()).orElseThrow();
        assertEquals("full", provenance.method());
        assertEquals(Provenance.sha256(Files.readAllBytes(dir.resolve("train.jsonl"))), provenance.trainData());
        assertEquals("", provenance.tokenizer());
        assertTrue(provenance.base().startsWith("file sha256:"), provenance.base());

        // rsr predict takes the same lines (the label is not an input, so it is dropped here).
        Path input = dir.resolve("input.jsonl");
        Files.writeString(input, Files.readAllLines(dir.resolve("eval.jsonl")).get(0).replaceAll(", \"label\": \\d+", "") + "\n");
        CliRun predicted = CliRun.of("predict", "--model", out.toString(), "--input", input.toString(), "--output",
                dir.resolve("p.jsonl").toString());
        assertEquals(0, predicted.exitCode(), predicted.err());
        assertEquals(4, new ObjectMapper().readTree(Files.readString(dir.resolve("p.jsonl"))).get("logits").size());
    }

    /** Every method of the engine refines the CNN and exports a model ONNX Runtime agrees with. */
    @ParameterizedTest
    @ValueSource(strings = {"bitfit", "child-tuning-f", "fish", "lisa", "rsr"})
    void everyMethodRefinesTheCnn(String method) throws Exception {
        Path model = dir.resolve("cnn.onnx");
        OnnxFormat.write(cnn(false), model);
        writeImages(dir.resolve("train.jsonl"), 64, 3);
        writeImages(dir.resolve("eval.jsonl"), 32, 4);
        Path out = dir.resolve("refined.onnx");
        CliRun run = finetune(model, dir.resolve("train.jsonl"), dir.resolve("eval.jsonl"), out, "--method", method, "--lr", "1e-2",
                "--max-steps", "12", "--batch", "8", "--eval-every", "6");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode m = new ObjectMapper().readTree(dir.resolve("refined.onnx.metrics.json").toFile());
        assertEquals(method, m.get("method").asText());
        assertEquals(12, m.get("steps").asInt());
        assertEquals(1.0, m.get("export_check").get("argmax_agreement").asDouble());
        assertTrue(m.get("export_check").get("max_probability_diff").asDouble() <= 1e-5, m.get("export_check").toString());
        assertTrue(Files.exists(out));
    }

    /**
     * {@code test_Linear_no_bias} of the suite's pytorch-converted cases: a Transpose of the weight and a
     * MatMul, input {@code 0: float[4, 10]}, output {@code 3: float[4, 8]}, the batch size PyTorch traced
     * with fixed in the file. ({@code test_Linear} is the same with a bias, but its Gemm is opset 6, which
     * ONNX Runtime 1.29 no longer implements, so its export could not be checked.) Refined a few
     * steps on synthetic data (the class is the argmax of the first 8 features), it takes batches of any
     * size and ONNX Runtime agrees with TensorFlow.
     */
    @Test
    void aPytorchConvertedLinearModelIsRefined() throws Exception {
        Path model = SUITE.resolve("pytorch-converted/test_Linear_no_bias/model.onnx");
        assumeTrue(Files.isRegularFile(model), "the ONNX backend test cases are not at " + SUITE);
        Random r = new Random(5);
        for (String name : List.of("train.jsonl", "eval.jsonl")) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < (name.startsWith("train") ? 200 : 50); i++) {
                float[] x = new float[10];
                int best = 0;
                for (int j = 0; j < 10; j++) {
                    x[j] = (float) r.nextGaussian();
                    if (j < 8 && x[j] > x[best]) {
                        best = j;
                    }
                }
                sb.append("{\"0\": ").append(java.util.Arrays.toString(x)).append(", \"label\": ").append(best).append("}\n");
            }
            Files.writeString(dir.resolve(name), sb);
        }
        Path out = dir.resolve("linear.onnx");
        CliRun run = finetune(model, dir.resolve("train.jsonl"), dir.resolve("eval.jsonl"), out, "--lr", "1e-2", "--max-steps", "40",
                "--batch", "10", "--eval-every", "20");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("declares a fixed batch size"), run.err());
        assertTrue(run.err().contains("task: 8 classes from output '3', inputs [0]"), run.err());
        JsonNode m = new ObjectMapper().readTree(dir.resolve("linear.onnx.metrics.json").toFile());
        assertEquals(40, m.get("steps").asInt());
        assertEquals(1.0, m.get("export_check").get("argmax_agreement").asDouble());
        assertTrue(m.get("export_check").get("max_probability_diff").asDouble() <= 1e-5, m.get("export_check").toString());
        // Random weights give 1 in 8; 40 steps of the full method on a linear task do clearly better.
        assertTrue(m.get("eval_accuracy").asDouble() > 0.4, "eval accuracy " + m.get("eval_accuracy"));
        ModelGraph refined = OnnxFormat.read(out);
        assertTrue(!refined.graph().input("0").orElseThrow().shape().dim(0).isFixed(), refined.graph().inputs().toString());
        ModelGraph original = OnnxFormat.read(model);
        for (Map.Entry<String, TensorData> e : original.graph().initializers().entrySet()) {
            assertTrue(e.getValue().maxAbsDiff(refined.graph().initializers().get(e.getKey())) > 1e-4, "unchanged: " + e.getKey());
        }
    }

    /**
     * A text classifier takes the tensor path when its JSONL data holds {@code input_ids} and no text,
     * and the text path (tokenizer and labels saved) when the JSONL holds texts.
     */
    @Test
    void aTextModelTrainsOnTokenIdsOrOnTexts() throws Exception {
        Path model = dir.resolve("tc.onnx");
        assertEquals(0, CliRun.of("zoo", "--model", "text-classifier", "--vocab", "50", "--dim", "16", "--heads", "2", "--classes", "2",
                "--out", model.toString()).exitCode());
        Random r = new Random(9);
        StringBuilder ids = new StringBuilder(), texts = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            int label = i % 2;
            ids.append("{\"input_ids\": [").append(1 + r.nextInt(40)).append(", ").append(label == 0 ? 45 : 46)
                    .append("], \"attention_mask\": [1, 1], \"label\": ").append(label).append("}\n");
            texts.append("{\"text\": \"a ").append(label == 0 ? "bad" : "good").append(" one\", \"label\": \"")
                    .append(label == 0 ? "neg" : "pos").append("\"}\n");
        }
        Files.writeString(dir.resolve("ids.jsonl"), ids);
        Files.writeString(dir.resolve("texts.jsonl"), texts);

        CliRun run = finetune(model, dir.resolve("ids.jsonl"), dir.resolve("ids.jsonl"), dir.resolve("ids.onnx"), "--max-steps", "3",
                "--batch", "8", "--logits", "logits");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("task: 2 classes from output 'logits', inputs [input_ids, attention_mask]"), run.err());
        assertTrue(dev.rsr.engine.TextTask.fromModel(OnnxFormat.read(dir.resolve("ids.onnx")), "ids").isEmpty());

        run = finetune(model, dir.resolve("texts.jsonl"), dir.resolve("texts.jsonl"), dir.resolve("texts.onnx"), "--max-steps", "3",
                "--batch", "8");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of("neg", "pos"),
                dev.rsr.engine.TextTask.fromModel(OnnxFormat.read(dir.resolve("texts.onnx")), "texts").orElseThrow().labels());
        run = finetune(model, dir.resolve("texts.jsonl"), dir.resolve("texts.jsonl"), dir.resolve("texts.onnx"), "--max-steps", "3",
                "--logits", "logits");
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("--logits: applies to models whose examples are their input tensors"), run.errorLine());
    }

    @Test
    void badDataAndAmbiguousModelsAreNamed() throws Exception {
        Path model = dir.resolve("cnn.onnx");
        OnnxFormat.write(cnn(false), model);
        writeImages(dir.resolve("train.jsonl"), 20, 1);
        List<String> good = Files.readAllLines(dir.resolve("train.jsonl"));
        Path eval = dir.resolve("eval.jsonl");
        Path out = dir.resolve("r.onnx");

        Files.writeString(eval, good.get(0) + "\n" + good.get(1).replaceAll("\"label\": \\d+", "\"label\": 4") + "\n");
        CliRun run = finetune(model, dir.resolve("train.jsonl"), eval, out, "--max-steps", "2");
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("eval.jsonl line 2: field 'label' is 4, outside the model's classes 0 to 3"), run.errorLine());

        Files.writeString(eval, good.get(0).replaceAll("\"label\": \\d+", "\"label\": \"cat\"") + "\n");
        run = finetune(model, dir.resolve("train.jsonl"), eval, out, "--max-steps", "2");
        assertTrue(run.errorLine().contains("eval.jsonl line 1: field 'label' must be an integer class id, 0 to 3, but is \"cat\""),
                run.errorLine());

        Files.writeString(eval, "\n" + good.get(0).replaceAll("\"image\"", "\"picture\"") + "\n");
        run = finetune(model, dir.resolve("train.jsonl"), eval, out, "--max-steps", "2");
        assertTrue(run.errorLine().contains("eval.jsonl line 2: unknown field 'picture'"), run.errorLine());

        Files.writeString(eval, "{\"label\": 1}\n");
        run = finetune(model, dir.resolve("train.jsonl"), eval, out, "--max-steps", "2");
        assertTrue(run.errorLine().contains("eval.jsonl line 1: missing field 'image', the model's input float[1, 8, 8]"),
                run.errorLine());

        Files.writeString(eval, "{\"image\": [[[1, 2], [3, 4]]], \"label\": 1}\n");
        run = finetune(model, dir.resolve("train.jsonl"), eval, out, "--max-steps", "2");
        assertTrue(run.errorLine().contains("eval.jsonl line 1: field 'image': expected shape"), run.errorLine());

        Files.writeString(eval, good.get(0).replaceFirst("\\[\\[\\[[-0-9.E]+", "[[[true") + "\n");
        run = finetune(model, dir.resolve("train.jsonl"), eval, out, "--max-steps", "2");
        assertTrue(run.errorLine().contains("eval.jsonl line 1: image[0][0][0] must be a number (float) but is true"), run.errorLine());

        Files.writeString(eval, good.get(0).replaceAll(", \"label\": \\d+", "") + "\n");
        run = finetune(model, dir.resolve("train.jsonl"), eval, out, "--max-steps", "2");
        assertTrue(run.errorLine().contains("eval.jsonl line 1: missing field 'label' (an integer class id, 0 to 3)"), run.errorLine());

        // Two float [batch, classes] outputs: which one holds the logits must be said, and an unknown name is refused.
        Files.writeString(eval, good.get(0) + "\n");
        Path both = dir.resolve("both.onnx");
        OnnxFormat.write(cnn(true), both);
        run = finetune(both, dir.resolve("train.jsonl"), eval, out, "--max-steps", "2");
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("has 2 float outputs of shape [batch, classes] (logits: float[batch, 4], "
                + "probabilities: float[batch, 4]); name the one that holds the logits (--logits NAME)"), run.errorLine());
        run = finetune(both, dir.resolve("train.jsonl"), eval, out, "--max-steps", "2", "--logits", "scores");
        assertTrue(run.errorLine().contains("--logits: " + both + ": the model has no output 'scores' (outputs: logits: "
                + "float[batch, 4], probabilities: float[batch, 4])"), run.errorLine());
        run = finetune(both, dir.resolve("train.jsonl"), eval, out, "--max-steps", "2", "--logits", "logits");
        assertEquals(0, run.exitCode(), run.err());
        Files.delete(out);

        // A model with no such output at all.
        run = finetune(noLogits(), dir.resolve("train.jsonl"), eval, out,
                "--max-steps", "2");
        assertTrue(run.errorLine().contains("has no float output of shape [batch, classes] to train against"), run.errorLine());
        assertTrue(Files.notExists(out));
    }

    /** A model whose only output is a per-pixel map, not class scores. */
    private Path noLogits() throws Exception {
        GraphBuilder b = new GraphBuilder("map", 1);
        Dim batch = Dim.symbolic("batch");
        String x = b.input("image", DataType.FLOAT, batch, Dim.of(1), Dim.of(8), Dim.of(8));
        String s = b.parameter("scale", ParameterInit.constant(new long[] {1}, 1f));
        b.output(b.op("mul", "Mul", List.of(x, s)), "map", DataType.FLOAT, batch, Dim.of(1), Dim.of(8), Dim.of(8));
        Path file = dir.resolve("map.onnx");
        OnnxFormat.write(b.build(), file);
        return file;
    }

    /** The share of a JSONL file's examples whose label is ONNX Runtime's argmax of the model's {@code logits}. */
    private static double accuracy(ModelGraph model, Path jsonl) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(jsonl);
        long correct = 0;
        try (Predictor ort = new OrtInferenceBackend().open(model, InferenceOptions.defaults())) {
            for (String line : lines) {
                JsonNode node = json.readTree(line);
                float[] pixels = new float[64];
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        pixels[y * 8 + x] = (float) node.get("image").get(0).get(y).get(x).asDouble();
                    }
                }
                TensorData logits = ort.predict(Map.of("image", TensorData.ofFloats(new long[] {1, 1, 8, 8}, pixels))).get("logits");
                correct += dev.rsr.engine.Classification.argmax(logits)[0] == node.get("label").asInt() ? 1 : 0;
            }
        }
        return correct / (double) lines.size();
    }
}
