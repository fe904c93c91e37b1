package dev.rsr.ir;

import dev.rsr.error.ModelException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model: its main {@link Graph} and its {@link ModelMetadata}. The unit RSR reads, refines and
 * writes. Immutable.
 *
 * @param graph    the main graph
 * @param metadata what the model file says about itself besides the graph
 */
public record ModelGraph(Graph graph, ModelMetadata metadata) {

    /**
     * Checks that neither component is null; see {@link #validate()} for the model's validity.
     *
     * @param graph    the main graph
     * @param metadata what the model file says about itself besides the graph
     * @throws NullPointerException naming the missing component
     */
    public ModelGraph {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(metadata, "metadata");
    }

    /**
     * Every problem {@link GraphValidator} finds; empty for a valid model.
     *
     * @return the problems, in the order found
     */
    public List<String> problems() {
        return GraphValidator.problems(this);
    }

    /**
     * Checks the model and returns it.
     *
     * @return this model, when valid
     * @throws ModelException listing every problem, each naming the node, value or initializer at fault
     */
    public ModelGraph validate() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new ModelException("model '" + graph.name() + "' is invalid", problems);
        }
        return this;
    }

    /**
     * Number of elements over all floating-point initializers: the trainable parameter count.
     *
     * @return the element count
     */
    public long parameterCount() {
        return graph.initializers().values().stream()
                .filter(t -> t.type().isFloatingPoint())
                .mapToLong(TensorData::elementCount)
                .sum();
    }

    /**
     * The same model with refined weights (same names, shapes and types).
     *
     * @param replacements new initializer values by name
     * @return a new model; this one is unchanged
     * @throws IllegalArgumentException for an unknown name or a different type or shape
     */
    public ModelGraph withInitializers(Map<String, TensorData> replacements) {
        return new ModelGraph(graph.withInitializers(replacements), metadata);
    }

    /**
     * The same graph with other metadata.
     *
     * @param newMetadata the metadata to use instead
     * @return a new model; this one is unchanged
     */
    public ModelGraph withMetadata(ModelMetadata newMetadata) {
        return new ModelGraph(graph, newMetadata);
    }
}
