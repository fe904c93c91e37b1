package dev.rsr.training;

import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model being trained on a backend. Parameters, optimizer slots, update multipliers and running
 * statistics stay on the backend between steps; nothing per element is copied to the host unless
 * asked for ({@link #values}, {@link #gradients}, {@link #statistics}, {@link #export}). Holds
 * native resources until {@link #close()}.
 *
 * <p><b>Threads.</b> {@link #step} and {@link #observe} may run on several threads at once when
 * their modules are disjoint (a module in use by one call is refused to another): that is how
 * parallel workers refine disjoint module groups against one model. A concurrent step reads the
 * other modules' parameters as they are at that moment, possibly while another step updates them
 * (asynchronous block-coordinate descent, as Hogwild!); with one thread every run is deterministic.
 * The other methods must not overlap a step on the modules they touch.
 *
 * <p><b>An update</b> of a parameter {@code w} with gradient {@code g}, optimizer slots and update
 * multiplier {@code u} (1 unless set): Adam moves every element's moments, with the module's step
 * count and bias correction, and takes {@code w ← w − lr_t · u ⊙ m̂ / (√v̂ + ε)}; momentum likewise.
 * A multiplier of 0 therefore freezes an element (its moments still follow its gradient, so when
 * admitted again it takes the step Adam gives it then, with no stale momentum; a lazily updated
 * table's moments move only on the rows a batch gathers), and a multiplier of 10 makes its step ten
 * times larger, which scaling the gradient could not do under Adam.
 */
public interface TrainingSession extends AutoCloseable {

    /**
     * The task modules, as given in the spec.
     *
     * @return the modules, in order
     */
    List<TaskModule> modules();

    /**
     * One update of the active modules on one batch. Only the active modules' gradients are
     * computed. A loss or module gradient that is not finite leaves everything as it was and is
     * reported with {@link StepResult#applied()} false. The active modules' running statistics
     * take the step's gradient unless the plan says not to ({@link StepPlan#updateStatistics()}).
     *
     * @param batch the batch
     * @param plan  the active modules, their learning rates and whether the statistics take the step
     * @return the loss, whether the update was applied, and the module signals
     */
    StepResult step(Batch batch, StepPlan plan);

    /**
     * The loss on a batch and the running statistics of {@code modules}' parameters updated with
     * its gradients, without changing any parameter or optimizer slot (a probe).
     *
     * @param batch   the batch
     * @param modules the names of the modules whose statistics are updated
     * @return the loss on the batch
     */
    double observe(Batch batch, Set<String> modules);

    /**
     * Loss and outputs on a batch, without updating anything.
     *
     * @param batch the batch
     * @return the loss and the outputs
     */
    Evaluation evaluate(Batch batch);

    /**
     * The model's outputs for inputs alone.
     *
     * @param inputs the model's inputs by name
     * @return the outputs by name
     */
    Map<String, TensorData> predict(Map<String, TensorData> inputs);

    /**
     * Current values of some trainable parameters (a host copy).
     *
     * @param parameters initializer names
     * @return the values by name
     */
    Map<String, TensorData> values(Collection<String> parameters);

    /**
     * Gradients of the loss on {@code batch} for some trainable parameters (a host copy), without updating.
     *
     * @param batch      the batch
     * @param parameters initializer names
     * @return the gradients by name
     */
    Map<String, TensorData> gradients(Batch batch, Collection<String> parameters);

    /**
     * A running statistic of some trainable parameters (a host copy); the spec must accumulate it.
     *
     * @param statistic  which statistic
     * @param parameters initializer names
     * @return the statistic of each parameter, by name
     */
    Map<String, TensorData> statistics(Statistic statistic, Collection<String> parameters);

    /**
     * Sets the per-element multipliers of some parameters' updates (mask × boost), all in one call;
     * requires a spec with update multipliers. Elements at 0 do not move.
     *
     * @param multipliers a float tensor per parameter name, shaped like the parameter
     */
    void setUpdateMultipliers(Map<String, TensorData> multipliers);

    /**
     * Remembers the parameters, optimizer state and step counts of some modules, on the backend, for {@link #rollback}.
     *
     * @param modules the names of the modules to remember
     */
    void snapshot(Set<String> modules);

    /**
     * Restores what the last {@link #snapshot} of each module saved (modules never saved are left as they are).
     *
     * @param modules the names of the modules to restore
     */
    void rollback(Set<String> modules);

    /**
     * The model with the current parameter values as its initializers.
     *
     * @return the model with the current values; the session stays open
     */
    ModelGraph export();

    /**
     * Writes parameters, optimizer state, multipliers, statistics and step counts to {@code file}
     * atomically, with the caller's {@code settings} (what must match for a resume to make sense)
     * and a checksum.
     *
     * @param file     where to write
     * @param settings what must match for a resume, by name
     */
    void saveCheckpoint(Path file, Map<String, String> settings);

    /**
     * Restores what {@link #saveCheckpoint} wrote. Before changing anything, refuses (with a
     * {@link dev.rsr.error.DataException} naming the file and what differs) a checkpoint that fails
     * its checksum, was made with other {@code settings}, or whose parameters differ from this
     * session's in name, type or shape.
     *
     * @param file     what {@link #saveCheckpoint} wrote
     * @param settings the settings to compare with the saved ones
     */
    void restoreCheckpoint(Path file, Map<String, String> settings);

    /**
     * Update steps each module has taken (restored with a checkpoint).
     *
     * @return the step count by module name
     */
    Map<String, Long> moduleSteps();

    /** Frees native resources; never throws. */
    @Override
    void close();

    /**
     * Loss and outputs of one evaluated batch.
     *
     * @param loss    the loss on the batch
     * @param outputs the model's outputs by name
     */
    record Evaluation(double loss, Map<String, TensorData> outputs) {
    }
}
