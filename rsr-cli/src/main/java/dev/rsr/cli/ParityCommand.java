package dev.rsr.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rsr.error.ModelException;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.onnx.OrtInferenceBackend;
import dev.rsr.spi.TrainingBackend;
import dev.rsr.tensorflow.TensorFlowInferenceBackend;
import dev.rsr.tensorflow.TensorFlowTrainingBackend;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "parity", mixinStandardHelpOptions = true,
        description = {"Compare TensorFlow's forward pass with ONNX Runtime's on random valid inputs.",
                "Exits 1 when the largest absolute difference exceeds the tolerance or when TensorFlow cannot compile an op."})
final class ParityCommand implements Callable<Integer> {
    static final class Source {
        @PathRole(PathRole.Kind.INPUT_FILE)
        @Option(names = "--model", description = "The ONNX file.")
        Path model;

        @Option(names = "--pretrained", description = "A pretrained model shipped with RSR: all-minilm-l6-v2.")
        String pretrained;
    }

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Range(min = 1, max = 10_000)
    @Option(names = "--samples", defaultValue = "3", description = "Random input batches (default: ${DEFAULT-VALUE}).")
    int samples;

    @Range(min = 1, max = 65536)
    @Option(names = "--batch", defaultValue = "4", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Range(min = 2, max = 65536)
    @Option(names = "--sequence", defaultValue = "16", description = "Length of symbolic non-batch dimensions (default: ${DEFAULT-VALUE}).")
    int sequence;

    @Range(min = 0, max = 1e6)
    @Option(names = "--tolerance", defaultValue = "1e-5", description = "Largest allowed absolute difference (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @picocli.CommandLine.Mixin
    PluginOptions pluginOptions = new PluginOptions();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelGraph graph = ServingOptions.read(source.model, source.pretrained);
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", source.model != null ? source.model.toString() : source.pretrained);
        TrainingBackend tf = pluginOptions.plugins().get(TrainingBackend.class, TensorFlowTrainingBackend.NAME);
        Map<String, String> unsupported = new LinkedHashMap<>();
        tf.unsupportedOps(graph).forEach((op, node) -> unsupported.put(op, node.describe()));
        report.put("unsupported_ops", unsupported);
        if (!unsupported.isEmpty()) {
            print(out, report);
            throw new ModelException(report.get("model") + ": TensorFlow cannot compile " + String.join(", ", unsupported.keySet()));
        }
        Map<String, Double> worst = new LinkedHashMap<>();
        InferenceOptions options = InferenceOptions.defaults();
        try (Predictor tfPredictor = new TensorFlowInferenceBackend().open(graph, options);
             Predictor ortPredictor = new OrtInferenceBackend().open(graph, options)) {
            for (int s = 0; s < samples; s++) {
                Map<String, TensorData> feeds = RandomInputs.make(graph, batch, sequence, 1000 + s);
                Map<String, TensorData> a = tfPredictor.predict(feeds);
                Map<String, TensorData> b = ortPredictor.predict(feeds);
                for (String name : b.keySet()) {
                    worst.merge(name, maxAbsDiff(name, a.get(name), b.get(name)), Math::max);
                }
            }
        }
        double max = worst.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        report.put("samples", samples);
        report.put("batch", batch);
        report.put("sequence", sequence);
        report.put("max_abs_diff_by_output", worst);
        report.put("max_abs_diff", max);
        report.put("tolerance", tolerance);
        report.put("pass", max <= tolerance);
        print(out, report);
        return max <= tolerance ? 0 : RsrCommand.EXIT_FAILURE;
    }

    static double maxAbsDiff(String name, TensorData a, TensorData b) {
        try {
            return a.maxAbsDiff(b);
        } catch (IllegalArgumentException e) {
            throw new ModelException("output '" + name + "': TensorFlow gives " + a + " but ONNX Runtime " + b, e);
        }
    }

    private void print(PrintWriter out, Map<String, Object> report) throws Exception {
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            out.printf("model      %s%n", report.get("model"));
            @SuppressWarnings("unchecked")
            Map<String, String> unsupported = (Map<String, String>) report.get("unsupported_ops");
            if (!unsupported.isEmpty()) {
                unsupported.forEach((op, node) -> out.printf("unsupported %s (e.g. %s)%n", op, node));
            }
            if (report.containsKey("max_abs_diff")) {
                @SuppressWarnings("unchecked")
                Map<String, Double> byOutput = (Map<String, Double>) report.get("max_abs_diff_by_output");
                byOutput.forEach((name, d) -> out.printf("output     %s: max |TF - ORT| = %.3g%n", name, d));
                out.printf("%s       max |TF - ORT| = %.3g over %d batches of %d (tolerance %.1g)%n",
                        (Boolean) report.get("pass") ? "PASS" : "FAIL", (Double) report.get("max_abs_diff"), samples, batch, tolerance);
            }
        }
        out.flush();
    }

}
