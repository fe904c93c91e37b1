package dev.rsr.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.rsr.io.AtomicFiles;
import dev.rsr.zoo.TextClassifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end tour on built-in defaults: build a zoo text classifier, write it as ONNX,
 * inspect it, and serve it with ONNX Runtime on generated token sequences, through the same
 * commands a user runs.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the end-to-end tour on built-in defaults: zoo -> ONNX file -> inspect -> predict with ONNX Runtime.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "rsr-demo", description = "Where the demo writes its files (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--examples", defaultValue = "64", description = "Generated examples to predict (default: ${DEFAULT-VALUE}).")
    int examples;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path model = dir.resolve("text-classifier.onnx");
        Path input = dir.resolve("examples.jsonl");
        Path output = dir.resolve("predictions.jsonl");
        TextClassifier defaults = TextClassifier.defaults();

        step(out, 1, "build the zoo text classifier and write it as ONNX");
        run("zoo", "--model", "text-classifier", "--out", model.toString());

        step(out, 2, "inspect the file");
        run("inspect", model.toString());

        step(out, 3, "generate " + examples + " token sequences of varied lengths (padded, with attention masks)");
        writeExamples(input, defaults);
        out.printf("wrote %s%n", input);

        step(out, 4, "predict with ONNX Runtime");
        run("predict", "--model", model.toString(), "--input", input.toString(), "--output", output.toString());
        out.printf("wrote %s (one line of logits and probabilities per example)%n", output);
        out.printf("%ndone. Try: ./rsr bench inference --model %s%n", model);
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

    private void writeExamples(Path file, TextClassifier model) {
        SplittableRandom random = new SplittableRandom(7);
        int sequence = 16;
        AtomicFiles.write(file, stream -> {
            JsonGenerator gen = new JsonFactory().createGenerator(stream);
            gen.setRootValueSeparator(null);
            for (int e = 0; e < examples; e++) {
                int length = 4 + random.nextInt(sequence - 3);
                gen.writeStartObject();
                gen.writeArrayFieldStart(TextClassifier.INPUT_IDS);
                for (int t = 0; t < sequence; t++) {
                    gen.writeNumber(t < length ? 1 + random.nextInt(model.vocabSize() - 1) : 0);
                }
                gen.writeEndArray();
                gen.writeArrayFieldStart(TextClassifier.ATTENTION_MASK);
                for (int t = 0; t < sequence; t++) {
                    gen.writeNumber(t < length ? 1 : 0);
                }
                gen.writeEndArray();
                gen.writeEndObject();
                gen.writeRaw('\n');
            }
            gen.flush();
        });
    }
}
