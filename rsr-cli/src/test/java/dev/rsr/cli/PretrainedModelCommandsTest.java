package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect and parity on a real third-party model, all-MiniLM-L6-v2, read from its Maven artifact. */
@Tag("slow")
class PretrainedModelCommandsTest {
    @TempDir
    static Path dir;

    private static Path model() throws Exception {
        Path file = dir.resolve("all-minilm-l6-v2.onnx");
        if (Files.notExists(file)) {
            try (InputStream in = PretrainedModelCommandsTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
                Files.copy(in, file);
            }
        }
        return file;
    }

    @Test
    void inspectListsItsInputsAndFindsEveryOpCompilable() throws Exception {
        CliRun run = CliRun.of("inspect", model().toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode r = new ObjectMapper().readTree(run.out());
        assertEquals(11, r.get("opsets").get("").asInt());
        assertEquals(6, r.get("ir_version").asInt());
        assertEquals(3, r.get("inputs").size());
        assertEquals(102, r.get("initializers").asInt());
        assertEquals(49, r.get("ops").get("Shape").asInt());
        assertEquals(0, r.get("training_backends").get("tensorflow").get("unsupported_ops").size());
    }

    /** The whole path on a few steps: MiniLM + head, its tokenizer.json saved in the export, raw text served by ONNX Runtime. */
    @Test
    void finetunesThePretrainedShortcutAndServesRawText() throws Exception {
        assertEquals(0, CliRun.of("data", "export", "--source", "synthetic:word-order", "--size", "60", "--out", dir.toString()).exitCode());
        Path out = dir.resolve("minilm-cls.onnx");
        CliRun run = CliRun.of("finetune", "--pretrained", "all-minilm-l6-v2", "--train", dir.resolve("train.tsv").toString(),
                "--eval", dir.resolve("eval.tsv").toString(), "--out", out.toString(), "--max-steps", "3", "--batch", "4",
                "--lr", "5e-5", "--module-lr", "head=1e-3", "--max-length", "16");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("attached a fresh 2-class head to output 'last_hidden_state'"), run.err());
        assertTrue(run.out().contains("ONNX Runtime agrees on 100.00% of argmaxes"), run.out());
        Path raw = dir.resolve("raw.jsonl");
        Files.writeString(raw, "{\"text\": \"the dog chased the teacher\"}\n");
        CliRun predicted = CliRun.of("predict", "--model", out.toString(), "--input", raw.toString(), "--output",
                dir.resolve("raw.out.jsonl").toString());
        assertEquals(0, predicted.exitCode(), predicted.err());
        String label = new ObjectMapper().readTree(Files.readAllLines(dir.resolve("raw.out.jsonl")).get(0)).get("label").asText();
        assertTrue(label.equals("person") || label.equals("animal"), label);
    }

    @Test
    void parityHoldsWithinTheTolerance() throws Exception {
        CliRun run = CliRun.of("parity", "--model", model().toString(), "--tolerance", "1e-4", "--samples", "2", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode r = new ObjectMapper().readTree(run.out());
        assertTrue(r.get("max_abs_diff").asDouble() <= 1e-4, r.toString());
    }
}
