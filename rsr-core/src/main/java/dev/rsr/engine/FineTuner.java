package dev.rsr.engine;

import dev.rsr.inject.Plugins;
import dev.rsr.ir.ModelGraph;
import dev.rsr.spi.TrainingBackend;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.TrainingSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Fine-tunes a classifier: a {@link Refiner} fed shuffled mini-batches of the task, scored by
 * accuracy on the eval set, its result exported with the run's provenance attached. A text
 * classifier's examples are encoded texts and its result also carries the task (tokenizer,
 * labels); any other classifier's examples are its named input tensors ({@link TensorExamples}).
 */
public final class FineTuner {
    /** The refined model and how the run went. */
    public record Result(ModelGraph model, FineTuneMetrics metrics) {
    }

    /**
     * Where the run starts.
     *
     * @param model      the classifier to refine: a text classifier (inputs {@code input_ids}, {@code attention_mask}; output
     *                   {@code logits}), or any model with float logits {@code [batch, classes]}
     * @param base       how provenance names the start (a model file's digest, a pretrained name, a zoo configuration)
     * @param fresh      parameters new to this task (a head attached to a pretrained encoder)
     * @param pretrained whether the rest of the model is pretrained
     */
    public record Start(ModelGraph model, String base, Set<String> fresh, boolean pretrained) {
    }

    /**
     * The task's data.
     *
     * @param train       training examples
     * @param eval        evaluation examples
     * @param trainDigest how provenance names the training data (its file's SHA-256)
     * @param evalDigest  how provenance names the evaluation data
     */
    public record Data(TextTask.EncodedExamples train, TextTask.EncodedExamples eval, String trainDigest, String evalDigest) {
    }

    private final TrainingBackend backend;
    private final Plugins plugins;
    private final int threads;

    public FineTuner(TrainingBackend backend, Plugins plugins, int threads) {
        this.backend = backend;
        this.plugins = plugins;
        this.threads = threads;
    }

    /**
     * The data of a classifier that takes any inputs.
     *
     * @param train       training examples
     * @param eval        evaluation examples
     * @param trainDigest how provenance names the training data (its file's SHA-256)
     * @param evalDigest  how provenance names the evaluation data
     */
    public record ExampleData(ExampleSet train, ExampleSet eval, String trainDigest, String evalDigest) {
    }

    /** Refines a text classifier on encoded texts; the result carries the task (tokenizer, labels). */
    public Result run(Start start, TextTask task, Data data, FineTuneConfig config, RefineListener listener) {
        TextBatches.Layout layout = TextBatches.Layout.of(start.model(), task.tokenizer());
        return refine(start, LossSpec.classification(), TextBatches.examples(data.train(), layout),
                TextBatches.inOrder(data.eval(), 64, layout), config, listener, task::attachTo,
                new Digests(data.trainDigest(), data.evalDigest(), Provenance.sha256(task.tokenizer().serialize())),
                data.train().truncated());
    }

    /**
     * Refines any classifier: softmax cross-entropy of the {@code logits} output against the
     * examples' class ids. The result carries no task metadata (there is no tokenizer), only the
     * run's provenance.
     */
    public Result run(Start start, ClassifierOutput logits, ExampleData data, FineTuneConfig config, RefineListener listener) {
        String target = "labels";
        while (start.model().graph().input(target).isPresent()) {
            target = "_" + target; // the loss's target must not shadow an input of the model
        }
        LossSpec loss = new LossSpec(LossSpec.Kind.SOFTMAX_CROSS_ENTROPY, logits.name(), target);
        return refine(start, loss, data.train(), data.eval().inOrder(64), config, listener, m -> m,
                new Digests(data.trainDigest(), data.evalDigest(), ""), 0);
    }

    private record Digests(String train, String eval, String tokenizer) {
    }

    private Result refine(Start start, LossSpec loss, ExampleSet train, List<Batch> evalBatches, FineTuneConfig config,
                          RefineListener listener, UnaryOperator<ModelGraph> attach, Digests digests, int truncated) {
        List<ShuffledBatches> streams = new ArrayList<>();
        long stepLimit = config.maxSteps() > 0 ? config.maxSteps() : Long.MAX_VALUE;
        if (config.epochs() > 0) {
            int perEpoch = new ShuffledBatches(train, config.batchSize(), config.seed()).batchesPerEpoch();
            stepLimit = Math.min(stepLimit, (long) config.epochs() * perEpoch);
        }
        Refiner.Setup setup = new Refiner.Setup(loss, start.fresh(), start.pretrained(), stepLimit, config.evalEvery(),
                config.seed(), threads);
        // Worker 0 draws the batches an unparallel run draws; other workers shuffle with seeds of their own.
        Refiner.BatchSource batches = worker -> {
            ShuffledBatches stream;
            synchronized (streams) {
                while (streams.size() <= worker) {
                    streams.add(new ShuffledBatches(train, config.batchSize(), config.seed() + 7919L * streams.size()));
                }
                stream = streams.get(worker);
            }
            return stream.next(); // each stream is drawn from by its own worker only
        };
        MetricsRecorder recorder = new MetricsRecorder();
        try (Refiner refiner = new Refiner(start.model(), backend, plugins, config.method(), setup, batches)) {
            Refiner.Summary summary = refiner.run(session -> evaluate(session, evalBatches, loss.output()),
                    RefineListener.all(List.of(recorder, listener)));
            ModelGraph refined = attach.apply(refiner.export());
            Provenance provenance = new Provenance(start.base(), config.method().method(), refiner.resolvedSettings(), digests.train(),
                    digests.eval(), digests.tokenizer(), config.seed(), summary.steps(), Provenance.rsrVersion());
            FineTuneMetrics metrics = recorder.metrics(config.method().method(), refiner.resolvedSettings(), summary, truncated);
            return new Result(provenance.writeTo(refined), metrics);
        }
    }

    /** Accuracy and mean loss over the eval batches. */
    static Refiner.Score evaluate(TrainingSession session, List<Batch> batches) {
        return evaluate(session, batches, LossSpec.classification().output());
    }

    /** Accuracy of the {@code logits} output's argmax, and mean loss, over the eval batches. */
    static Refiner.Score evaluate(TrainingSession session, List<Batch> batches, String logits) {
        long correct = 0, total = 0;
        double lossSum = 0;
        for (Batch b : batches) {
            TrainingSession.Evaluation e = session.evaluate(b);
            lossSum += e.loss() * b.size();
            correct += Classification.correct(e.outputs().get(logits), b.targets());
            total += b.size();
        }
        return new Refiner.Score(correct / (double) total, lossSum / total);
    }
}
