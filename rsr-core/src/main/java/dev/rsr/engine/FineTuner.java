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

/**
 * Fine-tunes a text classifier: a {@link Refiner} fed shuffled mini-batches of the task, scored by
 * accuracy on the eval set, its result exported with the task (tokenizer, labels) and the run's
 * provenance attached.
 */
public final class FineTuner {
    /** The refined model and how the run went. */
    public record Result(ModelGraph model, FineTuneMetrics metrics) {
    }

    /**
     * Where the run starts.
     *
     * @param model      the classifier to refine (inputs {@code input_ids}, {@code attention_mask}; output {@code logits})
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

    public Result run(Start start, TextTask task, Data data, FineTuneConfig config, RefineListener listener) {
        TextBatches.Layout layout = TextBatches.Layout.of(start.model(), task.tokenizer());
        List<TextBatches.Shuffled> streams = new ArrayList<>();
        long stepLimit = config.maxSteps() > 0 ? config.maxSteps() : Long.MAX_VALUE;
        if (config.epochs() > 0) {
            int perEpoch = new TextBatches.Shuffled(data.train(), config.batchSize(), config.seed(), layout).batchesPerEpoch();
            stepLimit = Math.min(stepLimit, (long) config.epochs() * perEpoch);
        }
        List<Batch> evalBatches = TextBatches.inOrder(data.eval(), 64, layout);
        Refiner.Setup setup = new Refiner.Setup(LossSpec.classification(), start.fresh(), start.pretrained(), stepLimit, config.evalEvery(),
                config.seed(), threads);
        // Worker 0 draws the batches an unparallel run draws; other workers shuffle with seeds of their own.
        Refiner.BatchSource batches = worker -> {
            TextBatches.Shuffled stream;
            synchronized (streams) {
                while (streams.size() <= worker) {
                    streams.add(new TextBatches.Shuffled(data.train(), config.batchSize(), config.seed() + 7919L * streams.size(), layout));
                }
                stream = streams.get(worker);
            }
            return stream.next(); // each stream is drawn from by its own worker only
        };
        MetricsRecorder recorder = new MetricsRecorder();
        try (Refiner refiner = new Refiner(start.model(), backend, plugins, config.method(), setup, batches)) {
            Refiner.Summary summary = refiner.run(session -> evaluate(session, evalBatches), RefineListener.all(List.of(recorder, listener)));
            ModelGraph refined = task.attachTo(refiner.export());
            Provenance provenance = new Provenance(start.base(), config.method().method(), refiner.resolvedSettings(), data.trainDigest(),
                    data.evalDigest(), Provenance.sha256(task.tokenizer().serialize()), config.seed(), summary.steps(), Provenance.rsrVersion());
            FineTuneMetrics metrics = recorder.metrics(config.method().method(), refiner.resolvedSettings(), summary,
                    data.train().truncated());
            return new Result(provenance.writeTo(refined), metrics);
        }
    }

    /** Accuracy and mean loss over the eval batches. */
    static Refiner.Score evaluate(TrainingSession session, List<Batch> batches) {
        long correct = 0, total = 0;
        double lossSum = 0;
        for (Batch b : batches) {
            TrainingSession.Evaluation e = session.evaluate(b);
            lossSum += e.loss() * b.size();
            correct += Classification.correct(e.outputs().get("logits"), b.targets());
            total += b.size();
        }
        return new Refiner.Score(correct / (double) total, lossSum / total);
    }
}
