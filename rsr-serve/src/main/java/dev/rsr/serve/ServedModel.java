package dev.rsr.serve;

import dev.rsr.engine.TextTask;
import dev.rsr.error.ModelException;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.ValueInfo;
import dev.rsr.zoo.TextClassifier;
import java.util.List;

/**
 * One model the server answers for: its open predictor (owned: {@link #close()} frees it), its
 * text classification when it carries a tokenizer and labels, the input bounds its graph implies,
 * and its batcher. Thread-safe.
 */
final class ServedModel implements AutoCloseable {
    final String name;
    final String platform;
    final ModelGraph graph;
    final Predictor predictor;
    /** Null when the model carries no tokenizer and labels, or has no logits output. */
    final TextClassification text;
    /** True when every input and output has a dynamic first dimension, so requests can be joined along it. */
    final boolean batchable;
    final InputBounds bounds;
    /** Most rows one request may carry. */
    final int maxRequestRows;
    final Batcher batcher;

    /**
     * Takes ownership of {@code predictor}, closing it if anything here fails.
     *
     * @param where how errors name the model, e.g. {@code model 'tc' (models/tc.onnx)}
     */
    ServedModel(String name, String where, String platform, ModelGraph graph, Predictor predictor, ServerConfig config,
                ServeMetrics metrics) {
        try {
            this.name = name;
            this.platform = platform;
            this.graph = graph;
            this.predictor = predictor;
            this.maxRequestRows = config.maxRequestRows();
            TextTask task = TextTask.fromModel(graph, where).orElse(null);
            this.text = task != null && TextClassification.producesLogits(predictor.outputs())
                    ? new TextClassification(task, predictor.inputs()) : null;
            if (text != null) {
                text.checkClasses(predictor, where);
            }
            this.batchable = dynamicFirst(predictor.inputs()) && dynamicFirst(predictor.outputs());
            this.bounds = InputBounds.of(graph);
            if (text != null) {
                long limit = bounds.idLimit(TextClassifier.INPUT_IDS).orElse(Long.MAX_VALUE);
                if (task.tokenizer().vocabularySize() > limit) {
                    throw new ModelException(where + ": its tokenizer has " + task.tokenizer().vocabularySize()
                            + " tokens but its embedding table only " + limit);
                }
            }
            this.batcher = new Batcher(name, predictor::predict, text == null ? null : text::feeds, batchable ? config.maxBatch() : 1,
                    config.maxWait().toNanos(), config.maxQueue(), rows -> metrics.batch(name, rows));
        } catch (RuntimeException e) {
            predictor.close();
            throw e;
        }
    }

    private static boolean dynamicFirst(List<ValueInfo> values) {
        return !values.isEmpty() && values.stream().allMatch(v -> v.shape().hasRank() && v.shape().rank() > 0 && !v.shape().dim(0).isFixed());
    }

    /** Finishes queued requests (up to {@code timeoutMillis}), then frees the predictor. Never throws. */
    void close(long timeoutMillis) {
        try {
            batcher.close(timeoutMillis);
        } finally {
            predictor.close();
        }
    }

    @Override
    public void close() {
        close(30_000);
    }
}
