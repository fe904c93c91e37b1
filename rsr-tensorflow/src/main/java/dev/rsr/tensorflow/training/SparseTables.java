package dev.rsr.tensorflow.training;

import dev.rsr.ir.Graph;
import dev.rsr.ir.Node;
import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.compiler.CompiledModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;

/**
 * The embedding tables a training session updates lazily: large parameters the model reads only by
 * gathering rows. A batch of a few hundred tokens touches a few hundred rows of a table of tens of
 * thousands; differentiating, stashing and updating the whole table each step is work on rows whose
 * gradient is zero.
 */
final class SparseTables {
    private SparseTables() {
    }

    /**
     * One table and where the model gathers from it.
     *
     * @param name     the parameter
     * @param gathered the outputs of the gathers that read it (the gradient is taken there)
     * @param indices  the row indices of each gather, in the same order
     * @param shape    the table's shape; rows along the first axis
     */
    record Table(String name, List<Output<?>> gathered, List<Output<?>> indices, long[] shape) {
        long rows() {
            return shape[0];
        }
    }

    /**
     * The trainable parameters of at least {@code minElements} elements whose every reader in the
     * model is a Gather along axis 0 that takes them as its data (not tied to an output layer, not
     * read whole anywhere), by name.
     */
    static Map<String, Table> find(CompiledModel compiled, Set<String> trainable, long minElements) {
        Graph graph = compiled.model().graph();
        Map<String, List<Node>> readers = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            for (String in : n.inputs()) {
                if (trainable.contains(in)) {
                    List<Node> r = readers.computeIfAbsent(in, k -> new ArrayList<>());
                    if (r.isEmpty() || r.get(r.size() - 1) != n) {
                        r.add(n);
                    }
                }
            }
        }
        Set<String> outputs = new java.util.HashSet<>();
        graph.outputs().forEach(v -> outputs.add(v.name()));
        Map<String, Table> tables = new LinkedHashMap<>();
        for (Map.Entry<String, List<Node>> e : readers.entrySet()) {
            String p = e.getKey();
            TensorData init = graph.initializers().get(p);
            CompiledModel.Parameter param = compiled.parameters().get(p);
            if (param == null || init == null || init.shape().length < 1 || init.elementCount() < minElements || outputs.contains(p)) {
                continue;
            }
            List<Output<?>> gathered = new ArrayList<>();
            List<Output<?>> indices = new ArrayList<>();
            for (Node n : e.getValue()) {
                Output<?> out = rowGather(compiled, param, n, init.shape().length);
                if (out == null) {
                    gathered = null;
                    break;
                }
                gathered.add(out);
                indices.add(((GraphOperation) out.op()).input(1));
            }
            if (gathered != null && readsOnlyThroughGathers(param, gathered)) {
                tables.put(p, new Table(p, List.copyOf(gathered), List.copyOf(indices), init.shape()));
            }
        }
        return tables;
    }

    /** The TensorFlow output of {@code n} if it gathers rows of {@code param} (axis 0, as data only); null otherwise. */
    private static Output<?> rowGather(CompiledModel compiled, CompiledModel.Parameter param, Node n, int rank) {
        if (!n.opType().equals("Gather") || !n.isDefaultDomain() || n.inputs().size() != 2 || n.inputs().get(1).equals(param.name())) {
            return null;
        }
        long axis = n.intAttribute("axis", 0);
        if (axis != 0 && axis != -rank) {
            return null;
        }
        Output<?> out = compiled.value(n.outputs().get(0));
        if (!(out.op() instanceof GraphOperation op) || !op.type().equals("GatherV2") || !sameOutput(op.input(0), param.read())) {
            return null;
        }
        return out;
    }

    /**
     * True when nothing but the gathers reads the parameter's values in the model's TensorFlow graph;
     * ops that read only its shape (a gather's wrap-around of negative ids) do not count.
     */
    private static boolean readsOnlyThroughGathers(CompiledModel.Parameter param, List<Output<?>> gathered) {
        Set<GraphOperation> consumers = ((GraphOperation) param.read().op()).consumers(param.read().index());
        Set<String> gathers = new java.util.HashSet<>();
        gathered.forEach(g -> gathers.add(g.op().name()));
        return consumers.stream().allMatch(c -> gathers.contains(c.name()) || SHAPE_ONLY.contains(c.type()));
    }

    private static final Set<String> SHAPE_ONLY = Set.of("Shape", "Size", "Rank");

    private static boolean sameOutput(Output<?> a, Output<?> b) {
        return a.index() == b.index() && a.op().name().equals(b.op().name());
    }
}
