package dev.rsr.training;

import dev.rsr.ir.TensorData;
import java.util.Map;

/**
 * One mini-batch: the model's inputs by name, and the targets (int64 class ids {@code [batch]}
 * for cross-entropy, floats shaped like the output for squared error).
 *
 * @param inputs  the model's inputs by name (copied)
 * @param targets the targets; the first dimension is the batch
 */
public record Batch(Map<String, TensorData> inputs, TensorData targets) {
    /**
     * Copies the inputs.
     *
     * @param inputs  the model's inputs by name (copied)
     * @param targets the targets; the first dimension is the batch
     */
    public Batch {
        inputs = Map.copyOf(inputs);
    }

    /**
     * The number of examples.
     *
     * @return the targets' first dimension
     */
    public int size() {
        return (int) targets.dim(0);
    }
}
