package dev.rsr.ir;

import dev.rsr.error.ModelException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model: its main {@link Graph} and its {@link ModelMetadata}. The unit RSR reads, refines and
 * writes. Immutable.
 */
public record ModelGraph(Graph graph, ModelMetadata metadata) {

    public ModelGraph {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(metadata, "metadata");
    }

    /** Every problem {@link GraphValidator} finds; empty for a valid model. */
    public List<String> problems() {
        return GraphValidator.problems(this);
    }

    /**
     * Checks the model and returns it.
     *
     * @throws ModelException listing every problem, each naming the node, value or initializer at fault
     */
    public ModelGraph validate() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new ModelException("model '" + graph.name() + "' is invalid", problems);
        }
        return this;
    }

    /** Number of elements over all floating-point initializers: the trainable parameter count. */
    public long parameterCount() {
        return graph.initializers().values().stream()
                .filter(t -> t.type().isFloatingPoint())
                .mapToLong(TensorData::elementCount)
                .sum();
    }

    /** The same model with refined weights (same names, shapes and types). */
    public ModelGraph withInitializers(Map<String, TensorData> replacements) {
        return new ModelGraph(graph.withInitializers(replacements), metadata);
    }

    public ModelGraph withMetadata(ModelMetadata newMetadata) {
        return new ModelGraph(graph, newMetadata);
    }
}
