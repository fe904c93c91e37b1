package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.engine.TextTask;
import dev.rsr.ir.ModelGraph;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.text.SubwordTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void pretrainsResumesAndFinetunesFromTheEncoder() throws Exception {
        Path encoder = dir.resolve("encoder.onnx");
        String[] common = {"pretrain", "--builtin", "--out", encoder.toString(), "--dim", "32", "--layers", "1", "--heads", "2",
            "--vocab", "300", "--max-length", "24", "--batch-tokens", "256", "--threads", "1", "--checkpoint-every", "20"};
        CliRun first = CliRun.of(concat(common, "--max-steps", "40"));
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(Files.exists(dir.resolve("encoder.onnx.ckpt")));
        CliRun resumed = CliRun.of(concat(common, "--max-steps", "60", "--resume"));
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("steps 40..60"), resumed.out());

        ModelGraph model = OnnxFormat.read(encoder);
        assertEquals(SubwordTokenizer.KIND, TextTask.tokenizerOf(model, "e").orElseThrow().kind());
        assertEquals("contrastive", model.metadata().properties().get("rsr.provenance.pretraining.objective"), "the default objective");
        assertEquals("0.001", model.metadata().properties().get(dev.rsr.engine.Refiner.FINETUNE_RATE_PROPERTY),
                "the encoder carries the base rate its fine-tuning measured best at");
        assertTrue(model.graph().output("hidden").isPresent());
        assertEquals(List.of("input_ids", "attention_mask"), model.graph().inputs().stream().map(v -> v.name()).toList(),
                "the exported encoder has no pretraining head");

        assertEquals(0, CliRun.of("data", "export", "--source", "synthetic:agreement", "--size", "600", "--out", dir.toString()).exitCode());
        CliRun finetune = CliRun.of("finetune", "--model", encoder.toString(), "--train", dir.resolve("train.tsv").toString(),
                "--eval", dir.resolve("eval.tsv").toString(), "--out", dir.resolve("cls.onnx").toString(), "--max-steps", "20",
                "--threads", "1");
        assertEquals(0, finetune.exitCode(), finetune.err());
        assertTrue(finetune.err().contains("attached a fresh 2-class head to output 'hidden'"), finetune.err());
        TextTask task = TextTask.fromModel(OnnxFormat.read(dir.resolve("cls.onnx")), "cls").orElseThrow();
        assertEquals(SubwordTokenizer.KIND, task.tokenizer().kind());
        var metrics = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("cls.onnx.metrics.json").toFile());
        assertEquals("0.001", metrics.path("settings").path("base_rate").asText(), "no --lr: the rate the encoder carries");
    }

    @Test
    void otherObjectivesAndBadSettings() throws Exception {
        Path encoder = dir.resolve("d.onnx");
        for (String objective : new String[] {"denoising", "contrastive"}) {
            CliRun run = CliRun.of("pretrain", "--builtin", "--objective", objective, "--out", encoder.toString(), "--dim", "16",
                    "--layers", "1", "--heads", "2", "--vocab", "200", "--max-steps", "5", "--threads", "1");
            assertEquals(0, run.exitCode(), run.err());
            ModelGraph model = OnnxFormat.read(encoder);
            assertEquals(objective, model.metadata().properties().get("rsr.provenance.pretraining.objective"));
            assertEquals(List.of("input_ids", "attention_mask"), model.graph().inputs().stream().map(v -> v.name()).toList(),
                    "the exported encoder has no pretraining head");
        }
        CliRun noBudget = CliRun.of("pretrain", "--builtin", "--out", encoder.toString(), "--batch-tokens", "0", "--max-steps", "5");
        assertEquals(2, noBudget.exitCode());
        assertTrue(noBudget.errorLine().contains("--batch-tokens must be between 1 and 10000000, got 0"), noBudget.errorLine());
        CliRun bad = CliRun.of("pretrain", "--builtin", "--objective", "guess", "--out", encoder.toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.errorLine().contains("no PretrainingObjective plugin named 'guess'; available: contrastive, denoising, mlm"), bad.errorLine());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
