package dev.rsr.cli;

import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.zoo.TextClassifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks, measured side by side in one run.",
        subcommands = {BenchCommand.Inference.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "inference", mixinStandardHelpOptions = true,
            description = "Prediction throughput and latency at several batch sizes, on random valid inputs.")
    static final class Inference implements Callable<Integer> {
        static final class Source {
            @Option(names = "--model", description = "The ONNX file to benchmark.")
            Path model;

            @Option(names = "--zoo", description = "Benchmark a zoo model with default settings: text-classifier.")
            String zoo;
        }

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Source source;

        @Option(names = "--batch-sizes", split = ",", defaultValue = "1,32", description = "Batch sizes (default: ${DEFAULT-VALUE}).")
        List<Integer> batchSizes;

        @Option(names = "--sequence", defaultValue = "64", description = "Length of symbolic non-batch dimensions (default: ${DEFAULT-VALUE}).")
        int sequence;

        @Option(names = "--seconds", defaultValue = "5", description = "Measured time per batch size (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(names = "--warmup-seconds", defaultValue = "2", description = "Unmeasured time per batch size first (default: ${DEFAULT-VALUE}).")
        double warmupSeconds;

        @Mixin
        ServingOptions serving;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ModelGraph model = source != null && source.model != null ? ServingOptions.read(source.model) : zooModel();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("model %s: %,d parameters; backend %s, threads %s, sequence %d%n", model.graph().name(),
                    model.parameterCount(), serving.backend, serving.threads == 0 ? "all cores" : serving.threads, sequence);
            out.printf("%8s %14s %12s %12s %12s %8s%n", "batch", "examples/s", "ms/call p50", "ms/call p90", "ms/call min", "calls");
            try (Predictor predictor = serving.open(model)) {
                for (int batch : batchSizes) {
                    Map<String, TensorData> feeds = RandomInputs.make(model, batch, sequence, 1);
                    measure(predictor, feeds, warmupSeconds);
                    double[] ms = measure(predictor, feeds, seconds);
                    double total = Arrays.stream(ms).sum() / 1000;
                    Arrays.sort(ms);
                    out.printf("%8d %14.1f %12.3f %12.3f %12.3f %8d%n", batch, batch * ms.length / total,
                            ms[ms.length / 2], ms[(int) (ms.length * 0.9)], ms[0], ms.length);
                    out.flush();
                }
            }
            return 0;
        }

        private ModelGraph zooModel() {
            String name = source == null ? "text-classifier" : source.zoo;
            if (!name.equals("text-classifier")) {
                throw new dev.rsr.error.ConfigurationException("--zoo: unknown model '" + name + "'; choose text-classifier");
            }
            return TextClassifier.defaults().build();
        }

        /** Runs for at least {@code duration} seconds (and at least 3 calls); returns each call's milliseconds. */
        private static double[] measure(Predictor predictor, Map<String, TensorData> feeds, double duration) {
            List<Double> times = new ArrayList<>();
            long end = System.nanoTime() + (long) (duration * 1e9);
            while (System.nanoTime() < end || times.size() < 3) {
                long t0 = System.nanoTime();
                predictor.predict(feeds);
                times.add((System.nanoTime() - t0) / 1e6);
            }
            return times.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }
}
