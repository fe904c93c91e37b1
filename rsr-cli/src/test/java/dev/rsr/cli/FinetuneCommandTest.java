package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rsr.engine.Provenance;
import dev.rsr.engine.RefineConfig;
import dev.rsr.engine.TextTask;
import dev.rsr.ir.ModelGraph;
import dev.rsr.onnx.OnnxFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FinetuneCommandTest {
    @TempDir
    Path dir;

    /** Sentiment by keyword, with filler words around it: learnable in a few hundred steps. */
    static void writeTask(Path file, int n, long seed) throws Exception {
        Random r = new Random(seed);
        List<String> good = List.of("great", "good", "lovely", "superb");
        List<String> bad = List.of("awful", "bad", "dull", "poor");
        List<String> filler = List.of("the", "movie", "was", "plot", "acting", "really", "story", "film");
        StringBuilder sb = new StringBuilder("text\tlabel\n");
        for (int i = 0; i < n; i++) {
            boolean positive = r.nextBoolean();
            StringBuilder text = new StringBuilder();
            int len = 3 + r.nextInt(5);
            int at = r.nextInt(len);
            for (int w = 0; w < len; w++) {
                text.append(w == at ? (positive ? good : bad).get(r.nextInt(4)) : filler.get(r.nextInt(filler.size()))).append(' ');
            }
            sb.append(text.toString().strip()).append('\t').append(positive ? "pos" : "neg").append('\n');
        }
        Files.writeString(file, sb);
    }

    @Test
    void finetunesExportsAndOnnxRuntimeAgrees() throws Exception {
        writeTask(dir.resolve("train.tsv"), 400, 1);
        writeTask(dir.resolve("eval.tsv"), 100, 2);
        Path out = dir.resolve("r.onnx");
        Path metrics = dir.resolve("metrics.json");
        CliRun run = CliRun.of("finetune", "--zoo", "text-classifier", "--train", dir.resolve("train.tsv").toString(),
                "--eval", dir.resolve("eval.tsv").toString(), "--method", "full", "--out", out.toString(), "--metrics",
                metrics.toString(), "--max-steps", "120", "--eval-every", "40", "--dim", "32", "--layers", "1", "--heads", "2",
                "--threads", "1");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode m = new ObjectMapper().readTree(metrics.toFile());
        for (String field : List.of("method", "settings", "steps", "train_seconds", "wall_seconds", "eval_accuracy", "eval_loss",
                "best_eval_accuracy", "updated_parameter_fraction", "time", "peak_rss_mb", "modules", "curve", "events")) {
            assertTrue(m.has(field), "metrics.json lacks " + field);
        }
        assertEquals(120, m.get("steps").asInt());
        assertTrue(m.get("eval_accuracy").asDouble() >= 0.95, "eval accuracy " + m.get("eval_accuracy"));
        assertEquals(1.0, m.get("updated_parameter_fraction").asDouble());
        assertEquals(4, m.get("curve").size());
        assertTrue(m.get("curve").get(0).get("train_loss").isNull());
        assertEquals(1.0, m.get("export_check").get("argmax_agreement").asDouble());
        assertTrue(m.get("export_check").get("max_probability_diff").asDouble() <= 1e-5);

        ModelGraph refined = OnnxFormat.read(out);
        TextTask task = TextTask.fromModel(refined, out.toString()).orElseThrow();
        assertEquals(List.of("neg", "pos"), task.labels());
        assertEquals(120, m.get("events").get("steps").size());
        assertTrue(m.get("time").get("forward_ms").asDouble() > 0 && m.get("time").get("step_ms").asDouble() > 0, m.get("time").toString());

        // Provenance, written by the engine, survives the ONNX file: read back, it is the run's.
        Provenance provenance = Provenance.readFrom(refined, out.toString()).orElseThrow();
        assertEquals("full", provenance.method());
        Map<String, String> resolved = new java.util.LinkedHashMap<>(RefineConfig.method("full").values());
        resolved.put("base_rate", "0.001"); // resolved for a model trained from scratch
        assertEquals(resolved, provenance.settings());
        assertEquals(Provenance.sha256(Files.readAllBytes(dir.resolve("train.tsv"))), provenance.trainData());
        assertEquals(Provenance.sha256(Files.readAllBytes(dir.resolve("eval.tsv"))), provenance.evalData());
        assertEquals(Provenance.sha256(task.tokenizer().serialize()), provenance.tokenizer());
        assertEquals(42, provenance.seed());
        assertEquals(120, provenance.steps());
        assertTrue(provenance.base().startsWith("zoo "), provenance.base());
        assertEquals(provenance, Provenance.readFrom(provenance.writeTo(OnnxFormat.read(out)), "again").orElseThrow());

        // Raw text in, labels out, through the tokenizer saved in the model.
        Path raw = dir.resolve("raw.jsonl");
        Files.writeString(raw, "{\"text\": \"the film was superb\"}\n{\"text\": \"the plot was really dull\"}\n");
        CliRun predicted = CliRun.of("predict", "--model", out.toString(), "--input", raw.toString(), "--output",
                dir.resolve("raw.out.jsonl").toString());
        assertEquals(0, predicted.exitCode(), predicted.err());
        List<String> lines = Files.readAllLines(dir.resolve("raw.out.jsonl"));
        assertEquals("pos", new ObjectMapper().readTree(lines.get(0)).get("label").asText());
        assertEquals("neg", new ObjectMapper().readTree(lines.get(1)).get("label").asText());

        // Fine-tune the refined model again from the file: the saved tokenizer and labels are reused.
        CliRun again = CliRun.of("finetune", "--model", out.toString(), "--train", dir.resolve("train.tsv").toString(),
                "--eval", dir.resolve("eval.tsv").toString(), "--out", dir.resolve("r2.onnx").toString(), "--max-steps", "5",
                "--threads", "1");
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(task.tokenizer().serialize(),
                TextTask.fromModel(OnnxFormat.read(dir.resolve("r2.onnx")), "r2").orElseThrow().tokenizer().serialize());
    }

    @Test
    void badDataIsNamedByFileAndLine() throws Exception {
        writeTask(dir.resolve("train.tsv"), 50, 1);
        Files.writeString(dir.resolve("eval.tsv"), "fine film\tpos\nodd one\tneutral\n");
        Path out = dir.resolve("r.onnx");
        CliRun run = CliRun.of("finetune", "--zoo", "text-classifier", "--train", dir.resolve("train.tsv").toString(),
                "--eval", dir.resolve("eval.tsv").toString(), "--out", out.toString(), "--max-steps", "2");
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("eval.tsv line 2: label 'neutral' does not occur in the training data"), run.errorLine());
        Files.writeString(dir.resolve("eval.tsv"), "no tab here\n");
        run = CliRun.of("finetune", "--zoo", "text-classifier", "--train", dir.resolve("train.tsv").toString(),
                "--eval", dir.resolve("eval.tsv").toString(), "--out", out.toString(), "--max-steps", "2");
        assertTrue(run.errorLine().contains("eval.tsv line 1: has 1 column(s) but the label column (1) is missing"), run.errorLine());
        run = CliRun.of("finetune", "--zoo", "text-classifier", "--train", dir.resolve("train.tsv").toString(),
                "--eval", dir.resolve("train.tsv").toString(), "--out", out.toString(), "--method", "magic");
        assertTrue(run.errorLine().contains("--method 'magic' is not available; available: full"), run.errorLine());
        assertTrue(Files.notExists(out));
    }

    @Test
    void parityPassesOnAZooModelAndReportsJson() throws Exception {
        Path model = dir.resolve("tc.onnx");
        assertEquals(0, CliRun.of("zoo", "--model", "text-classifier", "--vocab", "100", "--dim", "16", "--heads", "2",
                "--out", model.toString()).exitCode());
        CliRun run = CliRun.of("parity", "--model", model.toString(), "--json", "--samples", "2");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode r = new ObjectMapper().readTree(run.out());
        assertTrue(r.get("pass").asBoolean());
        assertTrue(r.get("max_abs_diff").asDouble() <= 1e-5);
        assertEquals(0, r.get("unsupported_ops").size());
    }
}
