package dev.rsr.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A computation graph with ONNX semantics: declared inputs and outputs, initializers (the
 * parameters, by name, in file order) and nodes in topological order. Immutable; see
 * {@link GraphValidator} for what makes a graph valid.
 *
 * @param name         graph name
 * @param inputs       declared inputs (may also list initializers, as older ONNX files do)
 * @param outputs      declared outputs
 * @param initializers named constant tensors, in order
 * @param nodes        nodes, in topological order
 * @param valueInfos   optional type annotations of intermediate values
 * @param docString    free text, kept for round trips
 */
public record Graph(String name, List<ValueInfo> inputs, List<ValueInfo> outputs, Map<String, TensorData> initializers,
                    List<Node> nodes, List<ValueInfo> valueInfos, String docString) {

    /**
     * Copies every collection; a null {@code docString} becomes empty.
     *
     * @param name         graph name
     * @param inputs       declared inputs (may also list initializers, as older ONNX files do)
     * @param outputs      declared outputs
     * @param initializers named constant tensors, in order
     * @param nodes        nodes, in topological order
     * @param valueInfos   optional type annotations of intermediate values
     * @param docString    free text, kept for round trips
     * @throws NullPointerException when {@code name} is null
     */
    public Graph {
        Objects.requireNonNull(name, "name");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        nodes = List.copyOf(nodes);
        valueInfos = List.copyOf(valueInfos);
        docString = docString == null ? "" : docString;
    }

    /**
     * Inputs a caller must feed: the declared inputs that are not initializers.
     *
     * @return those inputs, in declaration order
     */
    public List<ValueInfo> feedInputs() {
        return inputs.stream().filter(v -> !initializers.containsKey(v.name())).toList();
    }

    /**
     * A declared input by name.
     *
     * @param inputName the input's name
     * @return the input, or empty when the graph declares none by that name
     */
    public Optional<ValueInfo> input(String inputName) {
        return inputs.stream().filter(v -> v.name().equals(inputName)).findFirst();
    }

    /**
     * A declared output by name.
     *
     * @param outputName the output's name
     * @return the output, or empty when the graph declares none by that name
     */
    public Optional<ValueInfo> output(String outputName) {
        return outputs.stream().filter(v -> v.name().equals(outputName)).findFirst();
    }

    /**
     * The same graph with some initializers replaced (same names, new values): how refined weights leave.
     *
     * @param replacements new values by initializer name, each of the old value's type and shape
     * @return a new graph; this one is unchanged
     * @throws IllegalArgumentException for an unknown name or a different type or shape
     */
    public Graph withInitializers(Map<String, TensorData> replacements) {
        Map<String, TensorData> updated = new LinkedHashMap<>(initializers);
        for (Map.Entry<String, TensorData> e : replacements.entrySet()) {
            if (!updated.containsKey(e.getKey())) {
                throw new IllegalArgumentException("graph '" + name + "' has no initializer '" + e.getKey() + "'");
            }
            TensorData old = updated.get(e.getKey());
            TensorData now = e.getValue();
            if (old.type() != now.type() || !java.util.Arrays.equals(old.shape(), now.shape())) {
                throw new IllegalArgumentException("initializer '" + e.getKey() + "' is " + old + " but the replacement is "
                        + now);
            }
            updated.put(e.getKey(), now);
        }
        return new Graph(name, inputs, outputs, updated, nodes, valueInfos, docString);
    }
}
