package dev.rsr.engine;

import dev.rsr.error.BackendException;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.spi.TrainingBackend;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.StepPlan;
import dev.rsr.training.TaskModule;
import dev.rsr.training.TrainingSession;
import dev.rsr.training.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fine-tunes a text classifier: trains on shuffled mini-batches, evaluates on a schedule,
 * reports progress, and returns the refined model with its task attached and the run's metrics.
 */
public final class FineTuner {
    /** Receives progress; called on the training thread. */
    @FunctionalInterface
    public interface Listener {
        void evaluated(FineTuneMetrics.CurvePoint point, int maxSteps);
    }

    /** The refined model and how the run went. */
    public record Result(ModelGraph model, FineTuneMetrics metrics) {
    }

    private final TrainingBackend backend;
    private final int threads;

    public FineTuner(TrainingBackend backend, int threads) {
        this.backend = backend;
        this.threads = threads;
    }

    public Result run(ModelGraph model, TextTask task, TextTask.EncodedExamples train, TextTask.EncodedExamples eval,
                      FineTuneConfig config, Listener listener) {
        List<TaskModule> modules = TaskModule.fromParameterGroups(model);
        TrainingSpec spec = TrainingSpec.builder(LossSpec.classification(), modules).threads(threads).build();
        TextBatches.Layout layout = TextBatches.Layout.of(model, task.tokenizer());
        TextBatches.Shuffled batches = new TextBatches.Shuffled(train, config.batchSize(), config.seed(), layout);
        int stepLimit = config.maxSteps() > 0 ? config.maxSteps() : Integer.MAX_VALUE;
        if (config.epochs() > 0) {
            stepLimit = (int) Math.min(stepLimit, (long) config.epochs() * batches.batchesPerEpoch());
        }
        List<Batch> evalBatches = TextBatches.inOrder(eval, 64, layout);
        List<FineTuneMetrics.CurvePoint> curve = new ArrayList<>();
        long start = System.nanoTime();
        try (TrainingSession session = backend.open(model, spec)) {
            StepPlan plan = plan(modules, config);
            // Linear warm-up over the first tenth of the run (at most 100 steps): Adam's first updates
            // are large, and without it they wreck what a pretrained encoder knows.
            int warmup = (int) Math.min(100, Math.max(1, stepLimit / 10L));
            double lossSum = 0;
            int lossCount = 0;
            int step = 0;
            double[] evalResult = evaluate(session, evalBatches);
            FineTuneMetrics.CurvePoint initial = new FineTuneMetrics.CurvePoint(0, 0, null, evalResult[0], evalResult[1]);
            curve.add(initial);
            listener.evaluated(initial, stepLimit);
            while (step < stepLimit) {
                double scale = Math.min(1.0, (step + 1) / (double) warmup);
                double loss = session.step(batches.next(), scale == 1.0 ? plan : scaled(plan, scale)).loss();
                step++;
                if (!Double.isFinite(loss)) {
                    throw new BackendException("training loss became " + loss + " at step " + step + "; lower --lr (now "
                            + config.learningRate() + ")");
                }
                lossSum += loss;
                lossCount++;
                if (step % config.evalEvery() == 0 || step == stepLimit) {
                    evalResult = evaluate(session, evalBatches);
                    FineTuneMetrics.CurvePoint p = new FineTuneMetrics.CurvePoint(step, seconds(start), lossSum / lossCount,
                            evalResult[0], evalResult[1]);
                    curve.add(p);
                    listener.evaluated(p, stepLimit);
                    lossSum = 0;
                    lossCount = 0;
                }
            }
            ModelGraph refined = task.attachTo(session.export());
            FineTuneMetrics.CurvePoint last = curve.get(curve.size() - 1);
            FineTuneMetrics metrics = new FineTuneMetrics(config.method(), step, seconds(start), last.evalAccuracy(), last.evalLoss(),
                    updatedFraction(model, modules), ProcessMemory.peakRssMb(), train.truncated(), curve);
            return new Result(refined, metrics);
        }
    }

    /** Every module active, each at its own rate; modules frozen at rate 0 are left out. Unknown module names are an error. */
    static StepPlan plan(List<TaskModule> modules, FineTuneConfig config) {
        Map<String, Double> rates = new java.util.LinkedHashMap<>();
        for (TaskModule m : modules) {
            rates.put(m.name(), config.moduleLearningRates().getOrDefault(m.name(), config.learningRate()));
        }
        for (String named : config.moduleLearningRates().keySet()) {
            if (!rates.containsKey(named)) {
                throw new dev.rsr.error.ConfigurationException("--module-lr: the model has no module '" + named + "' (modules: "
                        + rates.keySet() + ")");
            }
        }
        rates.values().removeIf(rate -> rate == 0);
        return new StepPlan(rates.keySet(), rates);
    }

    private static StepPlan scaled(StepPlan plan, double factor) {
        Map<String, Double> rates = new java.util.LinkedHashMap<>();
        plan.learningRates().forEach((m, r) -> rates.put(m, r * factor));
        return new StepPlan(plan.activeModules(), rates);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** {accuracy, mean loss} over the eval batches. */
    private static double[] evaluate(TrainingSession session, List<Batch> batches) {
        long correct = 0, total = 0;
        double lossSum = 0;
        for (Batch b : batches) {
            TrainingSession.Evaluation e = session.evaluate(b);
            lossSum += e.loss() * b.size();
            correct += Classification.correct(e.outputs().get("logits"), b.targets());
            total += b.size();
        }
        return new double[] {correct / (double) total, lossSum / total};
    }

    private static double updatedFraction(ModelGraph model, List<TaskModule> modules) {
        long trainable = 0;
        for (TaskModule m : modules) {
            for (String p : m.parameters()) {
                trainable += model.graph().initializers().get(p).elementCount();
            }
        }
        return trainable / (double) model.parameterCount();
    }

    /** Counting argmax agreement. */
    public static final class Classification {
        private Classification() {
        }

        /** Row-wise argmax of a {@code [batch, classes]} tensor. */
        public static int[] argmax(TensorData scores) {
            int rows = (int) scores.dim(0), classes = (int) scores.dim(1);
            int[] out = new int[rows];
            for (int r = 0; r < rows; r++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (scores.getAsDouble(r * classes + c) > scores.getAsDouble(r * classes + best)) {
                        best = c;
                    }
                }
                out[r] = best;
            }
            return out;
        }

        static long correct(TensorData logits, TensorData labels) {
            int[] predicted = argmax(logits);
            long[] y = labels.longs();
            long n = 0;
            for (int i = 0; i < y.length; i++) {
                n += predicted[i] == y[i] ? 1 : 0;
            }
            return n;
        }
    }
}
