package dev.rsr.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rsr.data.Fortunes;
import dev.rsr.data.SyntheticTasks;
import dev.rsr.data.TextExample;
import dev.rsr.data.TextTableReader;
import dev.rsr.data.WordNet;
import dev.rsr.engine.TextTask;
import dev.rsr.io.AtomicFiles;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.zoo.TextClassifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end tour on built-in defaults, through the same commands a user runs: a small
 * encoder pretrained on unlabelled text (or the one an earlier demo left), RSR against full
 * fine-tuning from it on every built-in synthetic task and one real task when its data is
 * installed, with one report across the tasks; then one task refined with RSR, exported as ONNX
 * and checked against ONNX Runtime, inspected, predicted and served over HTTP.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the end-to-end tour on built-in defaults: pretrain a small encoder -> RSR against full fine-tuning on "
                + "each built-in task and a real one (WordNet or fortunes, when installed), one report with charts -> refine with "
                + "RSR on TensorFlow -> ONNX file checked against ONNX Runtime -> inspect -> predict -> serve over HTTP.")
final class DemoCommand implements Callable<Integer> {
    /** Examples generated per synthetic task (a fifth held out for evaluation). */
    static final int SYNTHETIC_SIZE = 2400;

    @PathRole(PathRole.Kind.OUTPUT_DIR)
    @Option(names = "--dir", defaultValue = "rsr-demo", description = "Where the demo writes its files (default: ${DEFAULT-VALUE}). "
            + "An encoder.onnx left there by an earlier demo is used again instead of pretraining.")
    Path dir;

    @Range(min = 1, max = 1e9)
    @Option(names = "--steps", defaultValue = "300", description = "Fine-tuning steps per run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Range(min = 1, max = 1e9)
    @Option(names = "--pretrain-steps", defaultValue = "600", description = "Pretraining steps of the encoder (default: "
            + "${DEFAULT-VALUE}).")
    int pretrainSteps;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path encoder = dir.resolve("encoder.onnx");
        Path model = dir.resolve("text-classifier.onnx");
        Path input = dir.resolve("examples.jsonl");
        Path output = dir.resolve("predictions.jsonl");

        boolean wordnet = Files.isRegularFile(WordNet.DEFAULT_DIR.resolve("data.verb"));
        boolean fortunes = Fortunes.DEFAULT_CATEGORIES.stream().allMatch(c -> Files.isRegularFile(Fortunes.DEFAULT_DIR.resolve(c)));
        String stale = Files.isRegularFile(encoder) ? staleEncoder(encoder) : "none yet";
        if (stale == null) {
            step(out, 1, "task-agnostic pretraining: reusing " + encoder + " from an earlier demo (delete it to pretrain again)");
        } else {
            if (Files.isRegularFile(encoder)) {
                out.printf("%s: not reused (%s)%n", encoder, stale);
            }
            List<String> sources = new ArrayList<>();
            if (wordnet) {
                sources.addAll(List.of("wordnet-all", "wordnet-links"));
            }
            if (fortunes) {
                sources.add("fortunes");
            }
            step(out, 1, "task-agnostic pretraining: a small encoder, contrastive, on "
                    + (sources.isEmpty() ? "the built-in corpus (install wordnet-base and fortunes for real text)" : String.join(", ", sources))
                    + ", " + pretrainSteps + " steps");
            List<String> args = new ArrayList<>(List.of("pretrain", "--out", encoder.toString(), "--max-steps", Integer.toString(pretrainSteps),
                    "--checkpoint-every", Integer.toString(pretrainSteps)));
            args.addAll(sources.isEmpty() ? List.of("--builtin") : List.of("--source", String.join(",", sources)));
            run(args.toArray(String[]::new));
        }

        // Each task: its data, then full and rsr from the same encoder, seed, data and budget.
        Map<String, String> tasks = new LinkedHashMap<>();
        SyntheticTasks.NAMES.forEach(name -> tasks.put(name, "synthetic:" + name));
        if (wordnet) {
            tasks.put("wordnet-verb", "wordnet-verb");
        } else if (fortunes) {
            tasks.put("fortunes", "fortunes");
        }
        step(out, 2, "RSR against full fine-tuning from that encoder on " + String.join(", ", tasks.keySet())
                + (wordnet || fortunes ? "" : " (no real task: install wordnet-base or fortunes)")
                + "; same data, seed and " + steps + " steps each (rsr bench)");
        List<Path> benches = new ArrayList<>();
        for (Map.Entry<String, String> task : tasks.entrySet()) {
            Path data = dir.resolve("tasks").resolve(task.getKey());
            Path bench = dir.resolve("bench").resolve(task.getKey());
            out.printf("%n-- %s%n", task.getKey());
            out.flush();
            run("data", "export", "--source", task.getValue(), "--size", Integer.toString(SYNTHETIC_SIZE), "--out", data.toString());
            run("bench", "--model", encoder.toString(), "--train", data.resolve("train.tsv").toString(),
                    "--eval", data.resolve("eval.tsv").toString(), "--methods", "full,rsr", "--max-steps", Integer.toString(steps),
                    "--eval-every", "25", "--out", bench.toString());
            benches.add(bench);
        }
        List<String> report = new ArrayList<>(List.of("report", "--out", dir.toString()));
        benches.forEach(b -> report.add(b.toString()));
        run(report.toArray(String[]::new));
        printAcrossTasks(out, benches);

        Path demoTask = dir.resolve("tasks").resolve(SyntheticTasks.NAMES.get(0));
        step(out, 3, "refine the encoder with RSR on " + SyntheticTasks.NAMES.get(0) + " (TensorFlow), export it as ONNX, checked "
                + "against ONNX Runtime");
        run("finetune", "--model", encoder.toString(), "--train", demoTask.resolve("train.tsv").toString(),
                "--eval", demoTask.resolve("eval.tsv").toString(), "--method", "rsr", "--out", model.toString(), "--metrics",
                dir.resolve("metrics.json").toString(), "--max-steps", Integer.toString(steps), "--eval-every", "100");

        step(out, 4, "inspect the exported model");
        run("inspect", model.toString());

        step(out, 5, "predict with ONNX Runtime: token ids from the model's own tokenizer -> rsr predict");
        TextTask task = TextTask.fromModel(OnnxFormat.read(model), model.toString()).orElseThrow();
        List<TextExample> shown = TextTableReader.readAuto(demoTask.resolve("eval.tsv")).subList(0, 8);
        writeExamples(input, shown, task);
        run("predict", "--model", model.toString(), "--input", input.toString(), "--output", output.toString());
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < shown.size(); i++) {
            JsonNode p = mapper.readTree(lines.get(i)).get(TextClassifier.PROBABILITIES);
            int best = 0;
            for (int c = 1; c < p.size(); c++) {
                best = p.get(c).asDouble() > p.get(best).asDouble() ? c : best;
            }
            out.printf("  %-42s -> %-8s (p=%.3f; true: %s)%n", '"' + shown.get(i).text() + '"', task.labels().get(best),
                    p.get(best).asDouble(), shown.get(i).label());
        }

        step(out, 6, "serve it over HTTP (Open Inference Protocol) to concurrent clients, against rsr predict (rsr bench serving)");
        run("bench", "serving", "--model", model.toString(), "--clients", "1,8", "--seconds", "2", "--warmup-seconds", "1",
                "--examples", "1024");

        out.printf("%ndone. Files are in %s; the report across the tasks: %s. Next: ./rsr serve --model %s%n", dir,
                dir.resolve(HtmlReport.FILE), model);
        out.flush();
        return 0;
    }

    /**
     * Why an encoder left by an earlier demo does not fit this one (null when it does): unreadable,
     * pretrained for another number of steps, or written before encoders carried their base rate.
     */
    private String staleEncoder(Path encoder) {
        Map<String, String> properties;
        try {
            properties = OnnxFormat.read(encoder).metadata().properties();
        } catch (RuntimeException e) {
            return "cannot read it: " + e.getMessage();
        }
        String steps = properties.get(PretrainCommand.STEPS_PROPERTY);
        if (!Integer.toString(pretrainSteps).equals(steps)) {
            return "pretrained for " + (steps == null ? "an unrecorded number of" : steps) + " steps, not " + pretrainSteps;
        }
        if (!properties.containsKey(dev.rsr.engine.Refiner.FINETUNE_RATE_PROPERTY)) {
            return "written before encoders carried their fine-tuning rate";
        }
        return null;
    }

    /** One line per task: each method's final accuracy and time to 99 % of full's best, and whether RSR lost. */
    @SuppressWarnings("unchecked")
    private static void printAcrossTasks(PrintWriter out, List<Path> benches) {
        out.printf("%n%-16s %-6s %10s %10s %9s %18s%n", "task", "method", "final %", "best %", "train s", "s to 99% of full");
        for (Path dir : benches) {
            HtmlReport.Bench bench = HtmlReport.load(dir);
            Map<String, Object> summary = bench.report().summaryJson();
            for (String method : bench.report().methods()) {
                Map<String, Object> m = (Map<String, Object>) summary.get(method);
                out.printf("%-16s %-6s %10s %10s %9s %18s%n", HtmlReport.taskName(bench), method, mean(m.get("final_accuracy"), 100),
                        mean(m.get("best_accuracy"), 100), mean(m.get("train_seconds"), 1),
                        m.get("time_to_target_seconds") == null ? "never" : mean(m.get("time_to_target_seconds"), 1));
            }
            Map<String, String> lost = HtmlReport.losses(bench.report());
            if (lost != null && !lost.isEmpty()) {
                lost.forEach((method, why) -> out.printf("%-16s %s lost: %s%n", "", method, why));
            }
        }
        out.flush();
    }

    @SuppressWarnings("unchecked")
    private static String mean(Object stats, double scale) {
        return String.format("%.1f", scale * (double) ((Map<String, Object>) stats).get("mean"));
    }

    private static void step(PrintWriter out, int n, String what) {
        out.printf("%n== %d. %s%n", n, what);
        out.flush();
    }

    private void run(String... args) {
        CommandLine cli = RsrCommand.newCommandLine();
        cli.setOut(spec.commandLine().getOut());
        cli.setErr(spec.commandLine().getErr());
        int code = cli.execute(args);
        if (code != 0) {
            throw new dev.rsr.error.RsrException("demo step 'rsr " + String.join(" ", args) + "' failed with exit code " + code);
        }
    }

    private static void writeExamples(Path file, List<TextExample> examples, TextTask task) {
        AtomicFiles.write(file, stream -> {
            JsonGenerator gen = new JsonFactory().createGenerator(stream);
            gen.setRootValueSeparator(null);
            for (TextExample e : examples) {
                long[] ids = task.tokenizer().encode(e.text(), task.maxLength());
                gen.writeStartObject();
                gen.writeArrayFieldStart(TextClassifier.INPUT_IDS);
                for (long id : ids) {
                    gen.writeNumber(id);
                }
                gen.writeEndArray();
                gen.writeArrayFieldStart(TextClassifier.ATTENTION_MASK);
                for (int t = 0; t < ids.length; t++) {
                    gen.writeNumber(1);
                }
                gen.writeEndArray();
                gen.writeEndObject();
                gen.writeRaw('\n');
            }
            gen.flush();
        });
    }
}
