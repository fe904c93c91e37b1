package dev.rsr.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rsr.engine.Classification;
import dev.rsr.engine.FineTuneConfig;
import dev.rsr.engine.FineTuneMetrics;
import dev.rsr.engine.FineTuner;
import dev.rsr.engine.RefineConfig;
import dev.rsr.engine.TextBatches;
import dev.rsr.error.ConfigurationException;
import dev.rsr.error.ModelException;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.inject.Plugins;
import dev.rsr.io.AtomicFiles;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.onnx.OrtInferenceBackend;
import dev.rsr.spi.TrainingBackend;
import dev.rsr.tensorflow.TensorFlowInferenceBackend;
import dev.rsr.training.Batch;
import dev.rsr.zoo.TextClassifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = {"Refine a text classifier on labelled texts (TSV, CSV or JSONL) with TensorFlow, by any method of the engine "
                + "(full, bitfit, child-tuning-f, fish, lisa, rsr), export it as ONNX with its tokenizer, labels and provenance, and "
                + "check that ONNX Runtime reproduces TensorFlow's predictions on the eval set.",
                "Any other classifier (--model M.onnx that takes no input_ids, or whose JSONL data holds input_ids and no text) "
                        + "trains on JSONL examples of its inputs: one JSON object per line with the model's inputs by name, as rsr "
                        + "predict takes them (one example, without the batch dimension), and \"label\", an integer class id from 0 "
                        + "to classes-1 (string labels are not taken). It trains the softmax cross-entropy of --logits; the refined "
                        + "model carries provenance but no tokenizer or label names. A model file counts as pretrained (default base rate "
                        + "5e-05): give --lr (or --reinit) for one that is not. A fixed first dimension of its inputs and outputs "
                        + "is taken as the batch size it was exported with and becomes free in the refined model."})
final class FinetuneCommand implements Callable<Integer>, DerivedOutputs {
    @Mixin
    TaskOptions taskOptions = new TaskOptions();

    @Option(names = "--method", description = "Refinement method: full, bitfit, child-tuning-f, fish, lisa, rsr (default: the "
            + "configuration file's, else full).")
    String method;

    @Option(names = "--logits", paramLabel = "NAME", description = "For a model of any inputs: the output to train against, float "
            + "[batch, classes] logits (default: the model's only such output).")
    String logits;

    @Mixin
    MethodOptions methodOptions = new MethodOptions();

    @Mixin
    PluginOptions pluginOptions = new PluginOptions();

    @PathRole(PathRole.Kind.OUTPUT_FILE)
    @Option(names = "--out", required = true, description = "Where to write the refined ONNX model.")
    Path out;

    @PathRole(PathRole.Kind.OUTPUT_FILE)
    @Option(names = "--metrics", description = "Where to write metrics.json (default: beside --out).")
    Path metrics;

    @Range(min = 0, max = 1e9, note = "0 = no step limit")
    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many steps (0 = no step limit).")
    int maxSteps;

    @Range(min = 0, max = 1_000_000, note = "0 = no epoch limit")
    @Option(names = "--epochs", defaultValue = "0", description = "Stop after this many passes over the data (0 = no epoch limit; default 3 when neither is given).")
    int epochs;

    @Range(min = 1, max = 65536)
    @Option(names = "--batch", defaultValue = "32", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Range(min = Long.MIN_VALUE, max = Long.MAX_VALUE)
    @Option(names = "--seed", defaultValue = "42", description = "Seed of initialization, shuffling and every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Range(min = 1, max = 1e9)
    @Option(names = "--eval-every", defaultValue = "100", description = "Evaluate every this many steps (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Range(min = 0, max = 1024, note = "0 = all cores")
    @Option(names = "--threads", defaultValue = "0", description = "TensorFlow threads an op; 0 = all cores, shared out among parallel workers (default: ${DEFAULT-VALUE}).")
    int threads;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        taskOptions.requireOptions(spec.commandLine());
        PrintWriter err = spec.commandLine().getErr();
        RefineConfig refineConfig = methodOptions.resolve(method, "full");
        FineTuneConfig config = new FineTuneConfig(refineConfig, maxSteps, maxSteps == 0 && epochs == 0 ? 3 : epochs, batch, seed, evalEvery);
        Plugins plugins = pluginOptions.plugins();
        TrainingBackend backend = plugins.trainingBackend();
        FineTuner.Result result;
        Map<String, Object> exportCheck;
        if (taskOptions.tensorTask()) {
            TaskOptions.PreparedTensors prepared = taskOptions.prepareTensors(seed, logits, err);
            result = new FineTuner(backend, plugins, threads).run(prepared.start(), prepared.logits(), prepared.data(), config,
                    new ProgressPrinter(err, refineConfig.method()));
            exportCheck = checkExport(result.model(), prepared.data().eval().inOrder(64), prepared.logits().name(), true);
        } else {
            if (logits != null) {
                throw new ConfigurationException("--logits: applies to models whose examples are their input tensors; a text "
                        + "classifier trains against its 'logits' output");
            }
            TaskOptions.Prepared prepared = taskOptions.prepare(seed, err);
            result = new FineTuner(backend, plugins, threads).run(prepared.start(), prepared.task(), prepared.data(), config,
                    new ProgressPrinter(err, refineConfig.method()));
            exportCheck = checkExport(result.model(), TextBatches.inOrder(prepared.data().eval(), 64,
                    TextBatches.Layout.of(result.model(), prepared.task().tokenizer())), TextClassifier.PROBABILITIES, false);
        }
        ModelGraph refined = result.model();
        OnnxFormat.write(refined, out);
        Path metricsFile = metricsFile();
        writeMetrics(metricsFile, result.metrics(), exportCheck);
        err.printf("wrote %s and %s%n", out, metricsFile);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("method %s: %d steps in %.1f s, eval accuracy %.4f, eval loss %.4f; ONNX Runtime agrees on %.2f%% of argmaxes, "
                        + "max probability difference %.2g%n", refineConfig.method(), result.metrics().steps(), result.metrics().trainSeconds(),
                result.metrics().evalAccuracy(), result.metrics().evalLoss(), 100 * (double) exportCheck.get("argmax_agreement"),
                (double) exportCheck.get("max_probability_diff"));
        stdout.flush();
        if ((double) exportCheck.get("argmax_agreement") < 1.0 || (double) exportCheck.get("max_probability_diff") > 1e-5) {
            throw new ModelException("the exported model does not reproduce TensorFlow's predictions: " + exportCheck);
        }
        return 0;
    }

    /** TensorFlow and ONNX Runtime on the refined model, over the eval set. */
    /**
     * TensorFlow and ONNX Runtime on the refined model, over the eval batches: their argmaxes of
     * {@code output}, and their largest difference in probability ({@code output} itself, or its
     * softmax when {@code softmax} is set, as for logits).
     */
    static Map<String, Object> checkExport(ModelGraph refined, List<Batch> evalBatches, String output, boolean softmax) {
        long agree = 0, total = 0;
        double worst = 0;
        InferenceOptions options = InferenceOptions.defaults();
        try (Predictor tf = new TensorFlowInferenceBackend().open(refined, options);
             Predictor ort = new OrtInferenceBackend().open(refined, options)) {
            for (Batch b : evalBatches) {
                TensorData p = tf.predict(b.inputs()).get(output);
                TensorData q = ort.predict(b.inputs()).get(output);
                if (softmax) {
                    p = Classification.softmax(p);
                    q = Classification.softmax(q);
                }
                int[] a1 = Classification.argmax(p), a2 = Classification.argmax(q);
                for (int i = 0; i < a1.length; i++) {
                    agree += a1[i] == a2[i] ? 1 : 0;
                }
                total += a1.length;
                worst = Math.max(worst, ParityCommand.maxAbsDiff(output, p, q));
            }
        }
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("examples", total);
        check.put("argmax_agreement", agree / (double) total);
        check.put("max_probability_diff", worst);
        return check;
    }


    /** metrics.json: every field of the metrics in snake_case, and the export check. */
    /** {@code --metrics}, or {@code OUT.metrics.json} beside the model. */
    private Path metricsFile() {
        return metrics != null ? metrics : out.resolveSibling(out.getFileName() + ".metrics.json");
    }

    @Override
    public Map<String, Path> derivedOutputs() {
        return metrics != null || out == null ? Map.of() : Map.of("--metrics (default)", metricsFile());
    }

    static void writeMetrics(Path file, FineTuneMetrics m, Map<String, Object> exportCheck) {
        Map<String, Object> json = metricsJson(m);
        json.put("export_check", exportCheck);
        AtomicFiles.write(file, stream -> stream.write(JSON.writeValueAsBytes(json)));
    }

    static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    static Map<String, Object> metricsJson(FineTuneMetrics m) {
        return JSON.convertValue(m, new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { });
    }
}
