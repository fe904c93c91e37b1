package dev.rsr.cli;

import dev.rsr.engine.RefineConfig;
import dev.rsr.engine.Refiner;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.spi.ImportanceStrategy;
import dev.rsr.spi.InferenceBackend;
import dev.rsr.spi.TrainingBackend;
import dev.rsr.tensorflow.training.StepTrace;
import dev.rsr.tensorflow.training.TensorFlowTrainingSession;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.Statistic;
import dev.rsr.training.StepPlan;
import dev.rsr.training.TaskModule;
import dev.rsr.training.TrainingSession;
import dev.rsr.training.TrainingSpec;
import dev.rsr.zoo.Heads;
import dev.rsr.zoo.TextClassifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = {"Benchmarks, measured side by side in one run.",
        "Without a subcommand: refinement methods compared on one task (--train, --eval, a starting model and --methods), "
                + "one after another on identical data, seeds and budgets, written to DIR/bench.json."},
        subcommands = {BenchCommand.Inference.class, BenchCommand.Training.class, ServingBench.class})
final class BenchCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    TaskOptions task = new TaskOptions();

    @picocli.CommandLine.Mixin
    MethodOptions methodOptions = new MethodOptions();

    @picocli.CommandLine.Mixin
    PluginOptions pluginOptions = new PluginOptions();

    // Splits on commas outside braces, so a variant's list setting keeps its commas: rsr{selector.always=first,last}.
    @Option(names = "--methods", split = ",(?![^{}]*})", splitSynopsisLabel = ",", defaultValue = "full,rsr", description = "Methods to "
            + "compare; a variant changes settings, e.g. rsr{booster=linear;pheromone=none} or rsr{selector.always=first,last} "
            + "(default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Range(min = 1, max = 1000)
    @Option(names = "--repeats", defaultValue = "1", description = "Runs of each method, with seeds --seed, --seed+1, ... (default: ${DEFAULT-VALUE}).")
    int repeats;

    @PathRole(PathRole.Kind.OUTPUT_DIR)
    @Option(names = "--out", paramLabel = "DIR", description = "Where to write bench.json and every run's metrics (required).")
    Path out;

    @Range(min = 1, max = 1e9)
    @Option(names = "--max-steps", defaultValue = "300", description = "Steps per run (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Range(min = 1, max = 65536)
    @Option(names = "--batch", defaultValue = "32", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Range(min = 1, max = 1e9)
    @Option(names = "--eval-every", defaultValue = "25", description = "Evaluate every this many steps (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Range(min = Long.MIN_VALUE, max = Long.MAX_VALUE)
    @Option(names = "--seed", defaultValue = "42", description = "Seed of the first repeat (default: ${DEFAULT-VALUE}).")
    long seed;

    @Range(min = Double.MIN_VALUE, max = 1, note = "a fraction of full's best accuracy")
    @Option(names = "--target", defaultValue = "0.99", description = "Time to target: the first evaluation reaching this fraction of "
            + "full's best accuracy with the same seed (default: ${DEFAULT-VALUE}).")
    double target;

    @Range(min = 0, max = 1024, note = "0 = all cores")
    @Option(names = "--threads", defaultValue = "0", description = "TensorFlow threads an op; 0 = all cores, shared out among parallel workers (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--report", description = "After the bench, also write report.html and its PNG charts into --out (as rsr report DIR does).")
    boolean report;

    /**
     * How long a benchmark measures each setting (a batch size, a number of clients), after an
     * unmeasured warm-up: the options the benchmarks share. Each command gives its own defaults.
     */
    static final class Timing {
        @Range(min = 0.01, max = 86400)
        @Option(names = "--seconds", description = "Measured time per setting (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Range(min = 0, max = 86400)
        @Option(names = "--warmup-seconds", description = "Unmeasured time per setting first (default: ${DEFAULT-VALUE}).")
        double warmupSeconds;

        Timing(double seconds, double warmupSeconds) {
            this.seconds = seconds;
            this.warmupSeconds = warmupSeconds;
        }
    }

    /**
     * The {@code q} quantile (0 to 1) of ascending {@code sorted} values by the nearest-rank rule
     * (the median of 1..4 is 2); NaN for no values.
     */
    static double percentile(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1))];
    }

    @Override
    public Integer call() throws Exception {
        task.requireOptions(spec.commandLine());
        if (out == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: --out");
        }
        int code = MethodsBench.run(task, methodOptions, pluginOptions, methods, repeats, out, maxSteps, batch, evalEvery, seed, target,
                threads, spec.commandLine().getOut(), spec.commandLine().getErr());
        if (code == 0 && report) {
            List<Path> written = HtmlReport.write(List.of(HtmlReport.load(out)), out);
            spec.commandLine().getErr().printf("wrote %s and %d charts%n", written.get(written.size() - 1), written.size() - 1);
            spec.commandLine().getErr().flush();
        }
        return code;
    }

    @Command(name = "inference", mixinStandardHelpOptions = true,
            description = "Prediction throughput and latency at several batch sizes, on random valid inputs.")
    static final class Inference implements Callable<Integer> {
        static final class Source {
            @PathRole(PathRole.Kind.INPUT_FILE)
            @Option(names = "--model", description = "The ONNX file to benchmark.")
            Path model;

            @Option(names = "--zoo", description = "Benchmark a zoo model with default settings: text-classifier.")
            String zoo;

            @Option(names = "--pretrained", description = "Benchmark a pretrained model shipped with RSR: all-minilm-l6-v2.")
            String pretrained;
        }

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Source source;

        @Range(min = 1, max = 65536)
        @Option(names = "--batch-sizes", split = ",", defaultValue = "1,32", description = "Batch sizes (default: ${DEFAULT-VALUE}).")
        List<Integer> batchSizes;

        @Range(min = 2, max = 65536)
        @Option(names = "--sequence", defaultValue = "64", description = "Length of symbolic non-batch dimensions (default: ${DEFAULT-VALUE}).")
        int sequence;

        @picocli.CommandLine.Mixin
        Timing timing = new Timing(5, 2);

        @Option(names = "--backends", split = ",", defaultValue = "onnxruntime,tensorflow",
                description = "Inference backends, measured one after the other in this run (default: ${DEFAULT-VALUE}).")
        List<String> backends;

        @Range(min = 0, max = 1024, note = "0 = all cores")
        @Option(names = "--threads", defaultValue = "0", description = "Threads inside one op; 0 = all cores (default: ${DEFAULT-VALUE}).")
        int threads;

        @picocli.CommandLine.Mixin
        PluginOptions pluginOptions = new PluginOptions();

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ModelGraph model = source != null && (source.model != null || source.pretrained != null)
                    ? ServingOptions.read(source.model, source.pretrained) : zooModel();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("model %s: %,d parameters; threads %s, sequence %d%n", model.graph().name(),
                    model.parameterCount(), threads == 0 ? "all cores" : threads, sequence);
            out.printf("%-12s %6s %14s %12s %12s %12s %8s%n", "backend", "batch", "examples/s", "ms/call p50", "ms/call p90",
                    "ms/call min", "calls");
            InferenceOptions options = new InferenceOptions(threads, 0, InferenceOptions.GraphOptimization.ALL);
            for (String backend : backends) {
                try (Predictor predictor = pluginOptions.plugins().get(InferenceBackend.class, backend).open(model, options)) {
                    for (int batch : batchSizes) {
                        Map<String, TensorData> feeds = RandomInputs.make(model, batch, sequence, 1);
                        measure(predictor, feeds, timing.warmupSeconds);
                        double[] ms = measure(predictor, feeds, timing.seconds);
                        double total = Arrays.stream(ms).sum() / 1000;
                        Arrays.sort(ms);
                        out.printf("%-12s %6d %14.1f %12.3f %12.3f %12.3f %8d%n", backend, batch, batch * ms.length / total,
                                percentile(ms, 0.5), percentile(ms, 0.9), ms[0], ms.length);
                        out.flush();
                    }
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

    @Command(name = "training", mixinStandardHelpOptions = true,
            description = {"Training step time (Adam, all parameters; then the head alone) with achieved GFLOP/s as a share of "
                    + "TensorFlow's dense MatMul throughput measured in the same run: the zoo text classifier at two sizes, or the "
                    + "model given (an encoder gets a fresh 2-class head)."})
    static final class Training implements Callable<Integer> {
        @Range(min = 1, max = 65536)
        @Option(names = "--batch", defaultValue = "32", description = "Examples per step (default: ${DEFAULT-VALUE}).")
        int batch;

        @Range(min = 2, max = 65536)
        @Option(names = "--sequence", defaultValue = "64", description = "Tokens per example (default: ${DEFAULT-VALUE}).")
        int sequence;

        @Range(min = 1, max = 1e9)
        @Option(names = "--steps", defaultValue = "30", description = "Measured steps per model (default: ${DEFAULT-VALUE}).")
        int steps;

        @Range(min = 0, max = 1024, note = "0 = all cores")
        @Option(names = "--threads", defaultValue = "0", description = "TensorFlow threads; 0 = all cores (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--profile", description = "Also trace a few steps of each model and print where the time goes: by kind of "
                + "op (matmuls, elementwise, reductions, data movement, softmax, optimizer) and by phase (forward, backward, update).")
        boolean profile;

        static final class Source {
            @PathRole(PathRole.Kind.INPUT_FILE)
            @Option(names = "--model", description = "Time this ONNX text classifier or encoder instead of the zoo sizes.")
            Path model;

            @Option(names = "--pretrained", description = "Time a pretrained encoder shipped with RSR instead: all-minilm-l6-v2.")
            String pretrained;
        }

        @ArgGroup(exclusive = true)
        Source source;

        @picocli.CommandLine.Mixin
        PluginOptions pluginOptions = new PluginOptions();

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        /** Traced steps per model for --profile. */
        static final int PROFILED_STEPS = 5;

        /** The two sizes: the zoo default and a wider, deeper one. */
        static final Map<String, TextClassifier> SIZES = Map.of(
                "small", TextClassifier.defaults(),
                "base", new TextClassifier(8000, 256, 4, 4, 1024, 128, 2, 42));

        /** A model to time, and the FLOPs of one training step in its dense layers ({@link #denseWeights}). */
        private record Subject(String name, ModelGraph model, double flops) {
        }

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            List<Subject> subjects = subjects();
            double ceiling = dev.rsr.tensorflow.MatMulProbe.gflops(1024, 3, threads);
            out.printf("TensorFlow MatMul 1024x1024 ceiling, this run: %.1f GFLOP/s%n", ceiling);
            out.printf("%-16s %-10s %12s %8s %10s %12s %12s %10s %10s%n", "model", "updating", "parameters", "batch", "sequence",
                    "ms/step p50", "examples/s", "GFLOP/s", "% ceiling");
            TrainingBackend backend = pluginOptions.plugins().get(TrainingBackend.class, dev.rsr.tensorflow.TensorFlowTrainingBackend.NAME);
            if (profile && !(backend instanceof dev.rsr.tensorflow.TensorFlowTrainingBackend)) {
                throw new dev.rsr.error.ConfigurationException("--profile: only the TensorFlow training backend traces its steps");
            }
            // Printed after the table, which then reads as one block.
            Map<String, List<StepTrace>> profiles = new LinkedHashMap<>();
            Map<String, Double> untraced = new HashMap<>();
            for (Subject subject : subjects) {
                ModelGraph model = subject.model();
                List<TaskModule> modules = TaskModule.fromParameterGroups(model);
                TrainingSpec trainingSpec = TrainingSpec.builder(LossSpec.classification(), modules).threads(threads).build();
                Map<String, TensorData> inputs = RandomInputs.make(model, batch, sequence, 3);
                long[] labels = new long[batch];
                for (int i = 0; i < batch; i++) {
                    labels[i] = i % classes(subject);
                }
                Batch b = new Batch(inputs, TensorData.ofLongs(new long[] {batch}, labels));
                try (TrainingSession session = backend.open(model, trainingSpec)) {
                    // Every module, then only the head: the head-only step skips the encoder's backward pass.
                    double all = medianStepMs(b, StepPlan.all(modules, 1e-4), session)[0];
                    double gflops = subject.flops() / (all / 1000) / 1e9;
                    out.printf("%-16s %-10s %,12d %8d %10d %12.1f %12.1f %10.1f %9.0f%%%n", subject.name(), "all", model.parameterCount(),
                            batch, sequence, all, batch / (all / 1000), gflops, 100 * gflops / ceiling);
                    if (modules.stream().anyMatch(m -> m.name().equals(Heads.CLASSIFIER_GROUP))) {
                        double head = medianStepMs(b, new StepPlan(Set.of(Heads.CLASSIFIER_GROUP),
                                Map.of(Heads.CLASSIFIER_GROUP, 1e-4)), session)[0];
                        out.printf("%-16s %-10s %,12d %8d %10d %12.1f %12.1f %10s %10s%n", subject.name(), "head only",
                                model.parameterCount(), batch, sequence, head, batch / (head / 1000), "-", "-");
                    }
                    if (largestGatheredTable(model) >= TrainingSpec.DEFAULT_SPARSE_TABLES_FROM) {
                        // The same step with every embedding table updated densely, steps alternating
                        // with the lazy session's so that both see the same machine.
                        try (TrainingSession dense = backend.open(model, TrainingSpec.builder(LossSpec.classification(), modules)
                                .threads(threads).sparseTablesFrom(TrainingSpec.NO_SPARSE_TABLES).build())) {
                            double[] pair = medianStepMs(b, StepPlan.all(modules, 1e-4), session, dense);
                            out.printf("%-16s %-10s %,12d %8d %10d %12.1f %12.1f %10s %10s%n", subject.name(), "all, lazy",
                                    model.parameterCount(), batch, sequence, pair[0], batch / (pair[0] / 1000), "-", "-");
                            out.printf("%-16s %-10s %,12d %8d %10d %12.1f %12.1f %10s %10s%n", subject.name(), "all, dense",
                                    model.parameterCount(), batch, sequence, pair[1], batch / (pair[1] / 1000), "-", "-");
                            out.printf("  embedding tables of %,d+ elements update lazily (only the rows a batch uses): %.2fx the "
                                    + "step time of dense updates, measured alternating%n", TrainingSpec.DEFAULT_SPARSE_TABLES_FROM, pair[0] / pair[1]);
                        }
                    }
                    out.flush();
                    // A step like rsr's with masks asked for (mask=top-per-tensor, density 0.5; rsr's
                    // default has neither mask nor booster, so no multipliers): half of every
                    // tensor masked, multipliers on the update, and the statistics of rsr's default
                    // importance, updated every step (rsr updates them only in the steps before a refresh).
                    RefineConfig rsr = RefineConfig.method("rsr");
                    Set<Statistic> statistics = pluginOptions.plugins().get(ImportanceStrategy.class, rsr.plugin("importance"))
                            .create(rsr.settings("importance")).statistics();
                    try (TrainingSession masked = backend.open(model, TrainingSpec.builder(LossSpec.classification(), modules)
                            .threads(threads).updateMultipliers(true).statistics(statistics, Refiner.STATISTICS_DECAY).build())) {
                        masked.setUpdateMultipliers(halfMasked(model, modules));
                        double[] pair = medianStepMs(b, StepPlan.all(modules, 1e-4), masked, session);
                        out.printf("%-16s %-10s %,12d %8d %10d %12.1f %12.1f %10s %10s%n", subject.name(), "all, masked",
                                model.parameterCount(), batch, sequence, pair[0], batch / (pair[0] / 1000), "-", "-");
                        out.printf("  half of every tensor masked, with %s statistics every step: %.2fx the step time of TensorFlow's fused "
                                + "Adam (%.1f ms), measured alternating%n", rsr.plugin("importance"), pair[0] / pair[1], pair[1]);
                        out.flush();
                        if (profile) {
                            profiles.put(subject.name(), traces(session, b, modules));
                            untraced.put(subject.name(), pair[1]);
                            profiles.put(subject.name() + ", masked", traces(masked, b, modules));
                            untraced.put(subject.name() + ", masked", pair[0]);
                        }
                    }
                }
            }
            profiles.forEach((name, traces) -> TrainingProfile.print(out, name, traces, untraced.get(name)));
            return 0;
        }

        /** {@link #PROFILED_STEPS} traced steps of every module, on a TensorFlow session (--profile refuses other backends). */
        private static List<StepTrace> traces(TrainingSession session, Batch b, List<TaskModule> modules) {
            List<StepTrace> traces = new ArrayList<>();
            for (int i = 0; i < PROFILED_STEPS; i++) {
                traces.add(((TensorFlowTrainingSession) session).traceStep(b, StepPlan.all(modules, 1e-4)));
            }
            return traces;
        }

        /** Multipliers of 1 on every other element of each trainable tensor and 0 on the rest: a mask of density 0.5. */
        private static Map<String, TensorData> halfMasked(ModelGraph model, List<TaskModule> modules) {
            Map<String, TensorData> multipliers = new LinkedHashMap<>();
            for (TaskModule m : modules) {
                for (String p : m.parameters()) {
                    TensorData w = model.graph().initializers().get(p);
                    float[] half = new float[Math.toIntExact(w.elementCount())];
                    for (int i = 0; i < half.length; i += 2) {
                        half[i] = 1;
                    }
                    multipliers.put(p, TensorData.ofFloats(w.shape(), half));
                }
            }
            return multipliers;
        }

        /** The number of classes of a classifier: the fixed size of its logits' last axis. */
        private static long classes(Subject subject) {
            var logits = subject.model().graph().output(TextClassifier.LOGITS).orElseThrow();
            long classes = logits.shape().hasRank() && logits.shape().rank() == 2 && logits.shape().dim(1).isFixed()
                    ? logits.shape().dim(1).size() : -1;
            if (classes < 1) {
                throw new dev.rsr.error.ModelException(subject.name() + ": output 'logits' must be [batch, classes] with a fixed number of "
                        + "classes, is " + logits.shape());
            }
            return classes;
        }

        /** The zoo sizes, or the model the options name, as a classifier. */
        private List<Subject> subjects() throws IOException {
            if (source == null) {
                return List.of("small", "base").stream().map(size -> subject(size, SIZES.get(size).build())).toList();
            }
            ModelGraph loaded = ServingOptions.read(source.model, source.pretrained);
            ModelGraph classifier = loaded.graph().output(TextClassifier.LOGITS).isPresent() ? loaded
                    : Heads.classifier(loaded, TaskOptions.hiddenOutput(loaded), 2, 42);
            return List.of(subject(source.model != null ? source.model.getFileName().toString() : source.pretrained, classifier));
        }

        private Subject subject(String name, ModelGraph model) {
            return new Subject(name, model, 6.0 * batch * sequence * denseWeights(model));
        }

        /**
         * Elements of the weight matrices a model multiplies its activations by (MatMul or Gemm with
         * a 2-D initializer): a training step costs about 6 FLOPs per token for each (2 forward, 4
         * backward); attention's own products are left out.
         */
        static long denseWeights(ModelGraph model) {
            long elements = 0;
            for (dev.rsr.ir.Node n : model.graph().nodes()) {
                if ((n.opType().equals("MatMul") || n.opType().equals("Gemm")) && n.inputs().size() > 1) {
                    TensorData w = model.graph().initializers().get(n.inputs().get(1));
                    elements += w != null && w.rank() == 2 ? w.elementCount() : 0;
                }
            }
            return elements;
        }

        /** The largest initializer that a Gather takes rows from (0 if none): an embedding table. */
        static long largestGatheredTable(ModelGraph model) {
            long largest = 0;
            for (dev.rsr.ir.Node n : model.graph().nodes()) {
                TensorData t = n.opType().equals("Gather") ? model.graph().initializers().get(n.inputs().get(0)) : null;
                largest = Math.max(largest, t == null ? 0 : t.elementCount());
            }
            return largest;
        }

        /** The median step time of each session, after three warm-up steps; several sessions step in turn, so all see the same machine. */
        private double[] medianStepMs(Batch b, StepPlan plan, TrainingSession... sessions) {
            for (int i = 0; i < 3; i++) {
                for (TrainingSession s : sessions) {
                    s.step(b, plan);
                }
            }
            double[][] ms = new double[sessions.length][steps];
            for (int i = 0; i < steps; i++) {
                for (int k = 0; k < sessions.length; k++) {
                    long t0 = System.nanoTime();
                    sessions[k].step(b, plan);
                    ms[k][i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            double[] medians = new double[sessions.length];
            for (int k = 0; k < sessions.length; k++) {
                Arrays.sort(ms[k]);
                medians[k] = percentile(ms[k], 0.5);
            }
            return medians;
        }
    }
}
