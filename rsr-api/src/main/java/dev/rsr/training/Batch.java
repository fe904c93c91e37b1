package dev.rsr.training;

import dev.rsr.ir.TensorData;
import java.util.Map;

/**
 * One mini-batch: the model's inputs by name, and the targets (int64 class ids {@code [batch]}
 * for cross-entropy, floats shaped like the output for squared error).
 */
public record Batch(Map<String, TensorData> inputs, TensorData targets) {
    public Batch {
        inputs = Map.copyOf(inputs);
    }

    public int size() {
        return (int) targets.dim(0);
    }
}
