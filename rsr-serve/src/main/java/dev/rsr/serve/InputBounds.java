package dev.rsr.serve;

import dev.rsr.engine.TextTask;
import dev.rsr.ir.Graph;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Node;
import dev.rsr.ir.TensorData;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Limits on input values that a model's declared shapes do not state but its graph does, checked
 * before ONNX Runtime sees a request: the ids an embedding table can look up (a feed input used as
 * the indices of a {@code Gather} on a weight table) and the longest sequence a position table
 * covers (a {@code Slice} of a weight table up to a feed input's dimension, or the task's longest
 * sequence in the model's metadata). Immutable.
 */
final class InputBounds {
    /** Per input: ids must be in {@code [0, limit)}. */
    private final Map<String, Long> idLimits = new HashMap<>();
    /** Per input: the largest size of each bounded dimension. */
    private final Map<String, Map<Integer, Long>> dimLimits = new HashMap<>();

    private InputBounds() {
    }

    static InputBounds of(ModelGraph model) {
        InputBounds bounds = new InputBounds();
        Graph g = model.graph();
        Map<String, Node> producers = new HashMap<>();
        for (Node n : g.nodes()) {
            n.outputs().forEach(o -> producers.put(o, n));
        }
        java.util.Set<String> feeds = new java.util.HashSet<>();
        g.feedInputs().forEach(v -> feeds.add(v.name()));
        for (Node n : g.nodes()) {
            if (!n.isDefaultDomain() || n.inputs().isEmpty()) {
                continue;
            }
            TensorData table = g.initializers().get(n.inputs().get(0));
            if (table == null || table.rank() < 1) {
                continue;
            }
            if (n.opType().equals("Gather") && n.inputs().size() == 2 && feeds.contains(n.inputs().get(1))) {
                long axis = n.intAttribute("axis", 0);
                if (axis >= 0 && axis < table.rank()) {
                    bounds.idLimits.merge(n.inputs().get(1), table.dim((int) axis), Math::min);
                }
            }
            if (n.opType().equals("Slice") && n.inputs().size() >= 3 && sliceAlongFirstAxis(n, g, producers)) {
                Node shape = producers.get(n.inputs().get(2));
                if (shape != null && shape.opType().equals("Shape") && feeds.contains(shape.inputs().get(0))) {
                    long start = shape.intAttribute("start", 0);
                    long end = shape.intAttribute("end", Long.MAX_VALUE);
                    if (start >= 0 && end == start + 1) {
                        bounds.dimLimits.computeIfAbsent(shape.inputs().get(0), k -> new HashMap<>())
                                .merge((int) start, table.dim(0), Math::min);
                    }
                }
            }
        }
        TextTask.maxLengthOf(model, model.graph().name()).ifPresent(max -> {
            for (String name : java.util.List.of(dev.rsr.zoo.TextClassifier.INPUT_IDS, dev.rsr.zoo.TextClassifier.ATTENTION_MASK,
                    dev.rsr.engine.TextBatches.TOKEN_TYPE_IDS)) {
                if (feeds.contains(name)) {
                    bounds.dimLimits.computeIfAbsent(name, k -> new HashMap<>()).merge(1, (long) max, Math::min);
                }
            }
        });
        return bounds;
    }

    /** A Slice with no axes, or axes {@code [0]} given as a constant. */
    private static boolean sliceAlongFirstAxis(Node slice, Graph g, Map<String, Node> producers) {
        if (slice.inputs().size() < 4 || slice.inputs().get(3).isEmpty()) {
            return true;
        }
        return constant(slice.inputs().get(3), g, producers)
                .map(t -> t.elementCount() == 1 && t.getAsDouble(0) == 0)
                .orElse(false);
    }

    private static Optional<TensorData> constant(String name, Graph g, Map<String, Node> producers) {
        if (g.initializers().containsKey(name)) {
            return Optional.of(g.initializers().get(name));
        }
        Node n = producers.get(name);
        if (n != null && n.opType().equals("Constant")) {
            return n.attribute("value").map(dev.rsr.ir.Attribute::asTensor);
        }
        return Optional.empty();
    }

    /** The largest id {@code input} may hold plus one, if the graph bounds it. */
    Optional<Long> idLimit(String input) {
        return Optional.ofNullable(idLimits.get(input));
    }

    /**
     * Null when {@code t}, given for {@code input}, is within the bounds; otherwise what is wrong,
     * naming the input (and the first element at fault).
     */
    String violation(String input, TensorData t) {
        Map<Integer, Long> dims = dimLimits.getOrDefault(input, Map.of());
        for (Map.Entry<Integer, Long> d : dims.entrySet()) {
            if (d.getKey() < t.rank() && t.dim(d.getKey()) > d.getValue()) {
                return "input '" + input + "': dimension " + d.getKey() + " is " + t.dim(d.getKey()) + " but the model takes at most "
                        + d.getValue();
            }
        }
        Long limit = idLimits.get(input);
        if (limit != null) {
            for (int i = 0; i < t.elementCount(); i++) {
                double id = t.getAsDouble(i);
                if (id < 0 || id >= limit) {
                    return "input '" + input + "': element " + i + " is " + (long) id + ", outside the model's range of ids [0, "
                            + limit + ")";
                }
            }
        }
        return null;
    }
}
