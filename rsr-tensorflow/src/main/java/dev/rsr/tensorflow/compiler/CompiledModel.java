package dev.rsr.tensorflow.compiler;

import dev.rsr.ir.ModelGraph;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.Output;

/**
 * A model compiled into a TensorFlow graph: placeholders for its inputs, one variable per
 * parameter (read through an identity op, which keeps TensorFlow's gradient code away from the
 * raw variable; see the project's stack notes), and the output of every IR value. Owns the graph.
 */
public final class CompiledModel implements AutoCloseable {

    /**
     * One trainable parameter.
     *
     * @param name        the initializer name
     * @param variable    the TensorFlow variable
     * @param read        its value, read through an identity op: use this in computations and gradients
     * @param initValue   placeholder that {@code initialize} assigns from
     * @param initialize  the assign op
     */
    public record Parameter(String name, Output<?> variable, Output<?> read, Output<?> initValue, Operation initialize) {
    }

    private final ModelGraph model;
    private final Graph graph;
    private final org.tensorflow.op.Ops ops;
    private final Map<String, Output<?>> inputs;
    private final Map<String, Parameter> parameters;
    private final Map<String, Output<?>> values;

    CompiledModel(ModelGraph model, Graph graph, org.tensorflow.op.Ops ops, Map<String, Output<?>> inputs,
                  Map<String, Parameter> parameters, Map<String, Output<?>> values) {
        this.model = model;
        this.graph = graph;
        this.ops = ops;
        this.inputs = Collections.unmodifiableMap(inputs);
        this.parameters = Collections.unmodifiableMap(parameters);
        this.values = Collections.unmodifiableMap(values);
    }

    public ModelGraph model() {
        return model;
    }

    public Graph graph() {
        return graph;
    }

    /** The op factory the graph was built with: add further ops through it so names stay unique. */
    public org.tensorflow.op.Ops ops() {
        return ops;
    }

    /** Placeholders by graph input name. */
    public Map<String, Output<?>> inputs() {
        return inputs;
    }

    /** Trainable parameters by initializer name, in model order. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /** The TensorFlow output of an IR value. */
    public Output<?> value(String name) {
        Output<?> v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("model '" + model.graph().name() + "' has no value '" + name + "'");
        }
        return v;
    }

    /** The TensorFlow outputs of the model's declared outputs, in order. */
    public List<Output<?>> outputs() {
        return model.graph().outputs().stream().<Output<?>>map(v -> value(v.name())).toList();
    }

    /**
     * Adds the gradient of a scalar {@code loss} with respect to the named parameters to the graph,
     * taken at their identity reads (never at the raw variables; see the class comment).
     */
    public List<Output<?>> gradients(Output<?> loss, List<String> parameterNames) {
        Output<?>[] reads = new Output<?>[parameterNames.size()];
        for (int i = 0; i < reads.length; i++) {
            Parameter p = parameters.get(parameterNames.get(i));
            if (p == null) {
                throw new IllegalArgumentException("model '" + model.graph().name() + "' has no trainable parameter '"
                        + parameterNames.get(i) + "'");
            }
            reads[i] = p.read();
        }
        return gradientsAt(loss, List.of(reads));
    }

    /**
     * Adds the gradient of a scalar {@code loss} with respect to any outputs of the graph (null
     * where {@code loss} does not depend on one). For a parameter, take {@link #gradients}; this is
     * for gradients at what reads a parameter, such as the rows a gather took from a table.
     */
    public List<Output<?>> gradientsAt(Output<?> loss, List<Output<?>> points) {
        return java.util.Arrays.asList(graph.addGradients(loss, points.toArray(new Output<?>[0])));
    }

    @Override
    public void close() {
        graph.close();
    }
}
