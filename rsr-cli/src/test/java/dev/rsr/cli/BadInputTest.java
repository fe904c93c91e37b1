package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.zoo.Mlp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gives one error line naming the culprit, a non-zero exit, and no output file. */
class BadInputTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] content) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private void assertFailsOneLine(CliRun run, String... fragments) {
        assertEquals(1, run.exitCode(), run.out() + run.err());
        String line = run.errorLine();
        assertFalse(line.contains("\n"), "one line expected, got: " + line);
        assertFalse(line.contains("internal error"), line);
        for (String f : fragments) {
            assertTrue(line.contains(f), "'" + f + "' not in: " + line);
        }
    }

    // ---------------------------------------------------------------- model files

    @Test
    void truncatedAndRandomModelFiles() throws Exception {
        byte[] good = OnnxFormat.toBytes(Mlp.defaults().build());
        Path truncated = file("truncated.onnx", Arrays.copyOf(good, good.length - 100));
        assertFailsOneLine(CliRun.of("inspect", truncated.toString()), "truncated.onnx", "not a valid ONNX model");
        byte[] noise = new byte[10_000];
        new Random(1).nextBytes(noise);
        Path random = file("random.onnx", noise);
        assertFailsOneLine(CliRun.of("inspect", random.toString()), "random.onnx");
        assertFailsOneLine(CliRun.of("inspect", dir.resolve("absent.onnx").toString()), "absent.onnx: no such file");
    }

    private static OnnxMl.ModelProto.Builder mlpProto() throws Exception {
        return OnnxMl.ModelProto.parseFrom(OnnxFormat.toBytes(Mlp.defaults().build())).toBuilder();
    }

    @Test
    void unknownOpDanglingInputAndWrongLengthInitializer() throws Exception {
        OnnxMl.ModelProto.Builder unknownOp = mlpProto();
        unknownOp.getGraphBuilder().getNodeBuilder(2).setOpType("Relu6");
        String name = unknownOp.getGraph().getNode(2).getName();
        Path m1 = file("unknown-op.onnx", unknownOp.build().toByteArray());
        assertFailsOneLine(CliRun.of("inspect", m1.toString()), "unknown-op.onnx", "node '" + name + "' (Relu6)",
                "not an ONNX operator");

        OnnxMl.ModelProto.Builder dangling = mlpProto();
        dangling.getGraphBuilder().getNodeBuilder(0).setInput(0, "featurez");
        Path m2 = file("dangling.onnx", dangling.build().toByteArray());
        assertFailsOneLine(CliRun.of("inspect", m2.toString()), "dangling.onnx", "reads 'featurez'");

        OnnxMl.ModelProto.Builder shortInit = mlpProto();
        OnnxMl.TensorProto.Builder w = shortInit.getGraphBuilder().getInitializerBuilder(0);
        w.setRawData(ByteString.copyFrom(w.getRawData().toByteArray(), 0, 40));
        Path m3 = file("short.onnx", shortInit.build().toByteArray());
        assertFailsOneLine(CliRun.of("predict", "--model", m3.toString(), "--input", m3.toString(), "--output",
                dir.resolve("never.jsonl").toString()), "short.onnx", "initializer '" + w.getName() + "'", "holds 10 elements");
        assertTrue(Files.notExists(dir.resolve("never.jsonl")));
    }

    // ---------------------------------------------------------------- predict lines

    private Path model() {
        Path m = dir.resolve("mlp.onnx");
        if (Files.notExists(m)) {
            OnnxFormat.write(new Mlp(3, java.util.List.of(4), 2, 1).build(), m);
        }
        return m;
    }

    private CliRun predict(String jsonl) throws Exception {
        return predict(jsonl.getBytes(StandardCharsets.UTF_8));
    }

    private CliRun predict(byte[] jsonl) throws Exception {
        Path in = file("in.jsonl", jsonl);
        return CliRun.of("predict", "--model", model().toString(), "--input", in.toString(), "--output",
                dir.resolve("out.jsonl").toString(), "--batch-size", "2");
    }

    private static final String GOOD = "{\"features\": [1, 2, 3]}\n";

    @Test
    void predictLinesWithWrongNameShapeTypeOrJson() throws Exception {
        assertFailsOneLine(predict(GOOD + GOOD + "{\"feature\": [1, 2, 3]}\n"), "in.jsonl line 3", "unknown input 'feature'");
        assertFailsOneLine(predict(GOOD + "{\"features\": [1, 2]}\n"), "in.jsonl line 2", "input 'features'",
                "expected shape [3] but got [2]");
        assertFailsOneLine(predict(GOOD + "{\"features\": [[1, 2, 3]]}\n"), "in.jsonl line 2", "expected rank 1");
        assertFailsOneLine(predict(GOOD + "{\"features\": [1, \"2\", 3]}\n"), "in.jsonl line 2", "features[1] must be a number (float)");
        assertFailsOneLine(predict(GOOD + "{\"features\": [[1, 2], [3]]}\n"), "in.jsonl line 2", "not a rectangular array");
        assertFailsOneLine(predict(GOOD + GOOD + GOOD + "{\"features\": [1, 2, 3]\n"), "in.jsonl line 4", "malformed JSON");
        assertFailsOneLine(predict("[1, 2, 3]\n"), "in.jsonl line 1", "expected a JSON object");
        assertFailsOneLine(predict("{}\n"), "in.jsonl line 1", "missing input 'features'");
        assertFailsOneLine(predict("\n\n"), "in.jsonl: no examples");
        assertFailsOneLine(predict("{\"text\": \"hello\"}\n"), "in.jsonl line 1", "needs a model that carries its tokenizer");
        byte[] badUtf8 = (GOOD + "{\"features\": [1, 2, 3]} \u00e9\n").getBytes(StandardCharsets.ISO_8859_1);
        assertFailsOneLine(predict(badUtf8), "in.jsonl line 2", "not valid UTF-8");
        assertTrue(Files.notExists(dir.resolve("out.jsonl")), "no partial output file may be left");
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file may be left");
        }
    }

    @Test
    void anIntegerInputRefusesFractions() throws Exception {
        Path tc = dir.resolve("tc.onnx");
        OnnxFormat.write(new dev.rsr.zoo.TextClassifier(20, 8, 1, 2, 8, 8, 2, 1).build(), tc);
        Path in = file("ids.jsonl", "{\"input_ids\": [1, 2.5], \"attention_mask\": [1, 1]}\n".getBytes(StandardCharsets.UTF_8));
        assertFailsOneLine(CliRun.of("predict", "--model", tc.toString(), "--input", in.toString(), "--output",
                dir.resolve("o.jsonl").toString()), "ids.jsonl line 1", "input_ids[1] must be an integer (int64) but is 2.5");
    }

    @Test
    void aFailedRunKeepsThePreviousOutput() throws Exception {
        assertEquals(0, predict(GOOD + GOOD + GOOD).exitCode());
        byte[] before = Files.readAllBytes(dir.resolve("out.jsonl"));
        assertFailsOneLine(predict(GOOD + "{oops}\n"), "line 2");
        assertEquals(new String(before, StandardCharsets.UTF_8),
                new String(Files.readAllBytes(dir.resolve("out.jsonl")), StandardCharsets.UTF_8));
    }

    /** A token id past the vocabulary is the input's fault on both backends: one line naming the line, exit 1. */
    @Test
    void aTokenIdPastTheVocabularyIsOneErrorLineOnBothBackends() throws Exception {
        Path model = file("classifier.onnx", OnnxFormat.toBytes(new dev.rsr.zoo.TextClassifier(100, 16, 1, 2, 32, 16, 2, 1).build()));
        Path input = file("ids.jsonl", ("{\"input_ids\": [1, 2, 3], \"attention_mask\": [1, 1, 1]}\n"
                + "{\"input_ids\": [1, 2, 5000], \"attention_mask\": [1, 1, 1]}\n").getBytes(StandardCharsets.UTF_8));
        for (String backend : new String[] {"onnxruntime", "tensorflow"}) {
            CliRun run = CliRun.of("predict", "--model", model.toString(), "--input", input.toString(), "--output",
                    dir.resolve(backend + ".jsonl").toString(), "--batch-size", "1", "--backend", backend);
            assertFailsOneLine(run, "ids.jsonl line 2");
            assertFalse(Files.exists(dir.resolve(backend + ".jsonl")), backend + " wrote an output for a failed run");
        }
    }
}
