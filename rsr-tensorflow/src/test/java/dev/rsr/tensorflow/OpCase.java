package dev.rsr.tensorflow;

import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Graph;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.ModelMetadata;
import dev.rsr.ir.Node;
import dev.rsr.ir.Shape;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One op with one set of attributes and inputs, as a one-node model: float inputs are
 * initializers (so they are TensorFlow variables, and gradients can be taken), other inputs are
 * Constant nodes.
 */
record OpCase(String label, String op, long opset, List<Attribute> attributes, List<Input> inputs, List<DataType> outputTypes,
              boolean differentiable) {

    /**
     * An input: a value, and whether it is a trainable parameter or a constant; a computed one is
     * a constant passed through Identity, which the converter cannot read while compiling; an
     * outer one is defined in the graph but not given to the node (its subgraphs read it by name).
     */
    record Input(TensorData value, boolean parameter, boolean computed, boolean outer) {
        Input(TensorData value, boolean parameter) {
            this(value, parameter, false, false);
        }
    }

    OpCase withOutputs(List<DataType> types, boolean isDifferentiable) {
        return new OpCase(label, op, opset, attributes, inputs, types, isDifferentiable);
    }

    @Override
    public String toString() {
        return label;
    }

    ModelGraph model() {
        Map<String, TensorData> initializers = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Input in = inputs.get(i);
            if (in == null) {
                names.add("");
                continue;
            }
            String name = "in" + i;
            if (!in.outer()) {
                names.add(name);
            }
            if (in.parameter()) {
                initializers.put(name, in.value());
            } else if (in.computed()) {
                nodes.add(new Node("const" + i, "Constant", List.of(), List.of(name + "_value"), List.of(Attribute.of("value", in.value()))));
                nodes.add(new Node("computed" + i, "Identity", List.of(name + "_value"), List.of(name), List.of()));
            } else {
                nodes.add(new Node("const" + i, "Constant", List.of(), List.of(name), List.of(Attribute.of("value", in.value()))));
            }
        }
        List<String> outs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        for (int i = 0; i < outputTypes.size(); i++) {
            outs.add("out" + i);
            outputs.add(new ValueInfo("out" + i, outputTypes.get(i), Shape.unknownRank()));
        }
        nodes.add(new Node("node", op, names, outs, attributes));
        Graph g = new Graph(label.replaceAll("[^A-Za-z0-9]", "_"), List.of(), outputs, initializers, nodes, List.of(), "");
        return new ModelGraph(g, new ModelMetadata(8, Map.of("", opset), "test", "", 0, "", Map.of(), Map.of()));
    }

    // ---------------------------------------------------------------- builders used by the case table

    static TensorData randn(long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) TensorData.elementCount(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return TensorData.ofFloats(shape, v);
    }

    /** Uniform in [lo, hi): for ops defined on a range (Sqrt, Log, Pow bases). */
    static TensorData uniform(long seed, float lo, float hi, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) TensorData.elementCount(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * (float) r.nextDouble();
        }
        return TensorData.ofFloats(shape, v);
    }

    static Input param(TensorData t) {
        return new Input(t, true);
    }

    static Input constant(TensorData t) {
        return new Input(t, false);
    }

    /** A value known only when the graph runs (for converters that treat constants apart). */
    static Input computed(TensorData t) {
        return new Input(t, false, true, false);
    }

    /** {@code in} defined in the graph as in{@code i}, but not an input of the node: what its subgraphs read from outside. */
    static Input outer(Input in) {
        return new Input(in.value(), in.parameter(), in.computed(), true);
    }
}
