package dev.rsr.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rsr.data.SyntheticTasks;
import dev.rsr.data.TextExample;
import dev.rsr.engine.TextTask;
import dev.rsr.io.AtomicFiles;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.zoo.TextClassifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end tour on built-in defaults, through the same commands a user runs: a generated
 * text task, RSR against full fine-tuning on it with a report, refining a zoo transformer with
 * RSR on TensorFlow, the exported ONNX model inspected, predictions by ONNX Runtime, and the model
 * served over HTTP.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the end-to-end tour on built-in defaults: generated task -> RSR against full fine-tuning, with a "
                + "report -> refine with RSR on TensorFlow -> ONNX file -> inspect -> predict with ONNX Runtime -> serve over HTTP.")
final class DemoCommand implements Callable<Integer> {
    @PathRole(PathRole.Kind.OUTPUT_DIR)
    @Option(names = "--dir", defaultValue = "rsr-demo", description = "Where the demo writes its files (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Range(min = 1, max = 1e9)
    @Option(names = "--steps", defaultValue = "300", description = "Fine-tuning steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path train = dir.resolve("train.tsv");
        Path eval = dir.resolve("eval.tsv");
        Path model = dir.resolve("text-classifier.onnx");
        Path input = dir.resolve("examples.jsonl");
        Path output = dir.resolve("predictions.jsonl");

        step(out, 1, "generate a text task: sentiment with negation (\"the plot was not really good\" is negative)");
        List<TextExample> evalExamples = SyntheticTasks.generate("negation", 400, 2);
        AtomicFiles.write(train, SyntheticTasks.toTsv(SyntheticTasks.generate("negation", 2000, 1)).getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(eval, SyntheticTasks.toTsv(evalExamples).getBytes(StandardCharsets.UTF_8));
        out.printf("wrote %s (2000 examples) and %s (400)%n", train, eval);

        step(out, 2, "RSR against full fine-tuning on it, same data, seed and steps (rsr bench), with a report and charts");
        Path bench = dir.resolve("bench");
        run("bench", "--zoo", "text-classifier", "--train", train.toString(), "--eval", eval.toString(), "--methods", "full,rsr",
                "--repeats", "1", "--max-steps", Integer.toString(steps), "--eval-every", "25", "--out", bench.toString(), "--report");

        step(out, 3, "refine the zoo text classifier with RSR (TensorFlow) and export it as ONNX, checked against ONNX Runtime");
        run("finetune", "--zoo", "text-classifier", "--train", train.toString(), "--eval", eval.toString(), "--method", "rsr",
                "--out", model.toString(), "--metrics", dir.resolve("metrics.json").toString(), "--max-steps", Integer.toString(steps),
                "--eval-every", "100");

        step(out, 4, "inspect the exported model");
        run("inspect", model.toString());

        step(out, 5, "predict with ONNX Runtime: token ids from the model's own tokenizer -> rsr predict");
        TextTask task = TextTask.fromModel(OnnxFormat.read(model), model.toString()).orElseThrow();
        List<TextExample> shown = evalExamples.subList(0, 8);
        writeExamples(input, shown, task);
        run("predict", "--model", model.toString(), "--input", input.toString(), "--output", output.toString());
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < shown.size(); i++) {
            JsonNode p = mapper.readTree(lines.get(i)).get(TextClassifier.PROBABILITIES);
            int best = p.get(0).asDouble() >= p.get(1).asDouble() ? 0 : 1;
            out.printf("  %-42s -> %-8s (p=%.3f; true: %s)%n", '"' + shown.get(i).text() + '"', task.labels().get(best),
                    p.get(best).asDouble(), shown.get(i).label());
        }

        step(out, 6, "serve it over HTTP (Open Inference Protocol) to concurrent clients, against rsr predict (rsr bench serving)");
        run("bench", "serving", "--model", model.toString(), "--clients", "1,8", "--seconds", "2", "--warmup-seconds", "1",
                "--examples", "1024");

        out.printf("%ndone. Files are in %s; the comparison's report: %s. Next: ./rsr serve --model %s%n", dir,
                bench.resolve("report.html"), model);
        out.flush();
        return 0;
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
