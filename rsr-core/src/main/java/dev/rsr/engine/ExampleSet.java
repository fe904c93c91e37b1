package dev.rsr.engine;

import dev.rsr.training.Batch;
import java.util.ArrayList;
import java.util.List;

/**
 * Labelled examples a fine-tuning run draws mini-batches from, whatever the model takes: encoded
 * texts ({@link TextBatches}) or named input tensors ({@link TensorExamples}).
 */
public interface ExampleSet {
    /** The number of examples. */
    int size();

    /** The examples at {@code indices} as one batch: the model's inputs and int64 class ids {@code [batch]}. */
    Batch batch(int[] indices);

    /** Consecutive batches over all examples in order (the last may be smaller): for evaluation. */
    default List<Batch> inOrder(int batchSize) {
        List<Batch> out = new ArrayList<>();
        for (int start = 0; start < size(); start += batchSize) {
            int n = Math.min(batchSize, size() - start);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = start + i;
            }
            out.add(batch(idx));
        }
        return out;
    }
}
