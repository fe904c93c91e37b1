package dev.rsr.training;

import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/**
 * A model being trained on a backend. Parameters stay on the backend between steps; nothing is
 * copied to the host unless asked for ({@link #values}, {@link #gradients}, {@link #export}).
 * Not thread-safe. Holds native resources until {@link #close()}.
 */
public interface TrainingSession extends AutoCloseable {

    /** The task modules, as given in the spec. */
    java.util.List<TaskModule> modules();

    /**
     * One update of the active modules on one batch.
     *
     * @return the batch's loss before the update
     */
    double step(Batch batch, StepPlan plan);

    /** Loss and outputs on a batch, without updating anything. */
    Evaluation evaluate(Batch batch);

    /** The model's outputs for inputs alone. */
    Map<String, TensorData> predict(Map<String, TensorData> inputs);

    /** Current values of some parameters (a host copy). */
    Map<String, TensorData> values(Collection<String> parameters);

    /** Gradients of the loss on {@code batch} for some parameters (a host copy), without updating. */
    Map<String, TensorData> gradients(Batch batch, Collection<String> parameters);

    /**
     * Sets the per-element multiplier applied to a parameter's gradient before the update
     * (mask × (1 + boost)); requires a spec with gradient multipliers on.
     */
    void setGradientMultiplier(String parameter, TensorData multiplier);

    /** The model with the current parameter values as its initializers. */
    ModelGraph export();

    /** Writes parameters, optimizer state, multipliers and step counts to {@code file} atomically. */
    void saveCheckpoint(Path file);

    /** Restores what {@link #saveCheckpoint} wrote (the same model and spec). */
    void restoreCheckpoint(Path file);

    /** Update steps each module has taken (restored with a checkpoint). */
    Map<String, Long> moduleSteps();

    /** Frees native resources; never throws. */
    @Override
    void close();

    /** Loss and outputs of one evaluated batch. */
    record Evaluation(double loss, Map<String, TensorData> outputs) {
    }
}
