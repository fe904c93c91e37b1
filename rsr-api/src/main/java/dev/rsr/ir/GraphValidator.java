package dev.rsr.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds what makes a model invalid, all of it at once: nodes out of topological order, inputs no
 * one defines, names defined twice, outputs never produced, ops that ONNX does not have, a default
 * domain used without an opset import. Subgraphs (If, Loop, Scan bodies) are checked with the
 * enclosing scope's values visible, as ONNX specifies.
 */
public final class GraphValidator {
    private GraphValidator() {
    }

    /**
     * Every problem of {@code model}, each naming the node, value or initializer at fault.
     *
     * @param model the model to check
     * @return the problems, in the order found; empty for a valid model
     */
    public static List<String> problems(ModelGraph model) {
        List<String> problems = new ArrayList<>();
        if (!model.graph().nodes().isEmpty() && model.metadata().defaultOpset() == 0
                && model.graph().nodes().stream().anyMatch(Node::isDefaultDomain)) {
            problems.add("the model imports no opset for the default ONNX domain; add an opset import (e.g. 17)");
        }
        checkGraph(model.graph(), Set.of(), "", problems);
        return problems;
    }

    private static void checkGraph(Graph graph, Set<String> outerScope, String where, List<String> problems) {
        Set<String> defined = new HashSet<>(outerScope);
        Set<String> declaredInputs = new HashSet<>();
        for (ValueInfo in : graph.inputs()) {
            if (!declaredInputs.add(in.name())) {
                problems.add(where + "graph input '" + in.name() + "' is declared twice");
            }
        }
        defined.addAll(declaredInputs);
        defined.addAll(graph.initializers().keySet());

        // Where each value is produced, to tell "defined later" (order) from "never defined".
        Map<String, Integer> producerIndex = new HashMap<>();
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).outputs()) {
                if (!out.isEmpty()) {
                    producerIndex.putIfAbsent(out, i);
                }
            }
        }

        Set<String> nodeNames = new HashSet<>();
        Map<String, Node> producedBy = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            String what = where + node.describe();
            if (!node.name().isEmpty() && !nodeNames.add(node.name())) {
                problems.add(where + "node name '" + node.name() + "' is used by more than one node");
            }
            if (node.opType().isEmpty()) {
                problems.add(what + " has no op type");
            } else if (node.isDefaultDomain() && !OnnxOperators.isDefaultDomainOp(node.opType())) {
                problems.add(what + " uses op '" + node.opType() + "', which is not an ONNX operator");
            }
            for (String in : node.inputs()) {
                if (in.isEmpty() || defined.contains(in)) {
                    continue;
                }
                Integer later = producerIndex.get(in);
                if (later != null && later > i) {
                    problems.add(what + " reads '" + in + "' before " + nodes.get(later).describe()
                            + " produces it: nodes are not in topological order");
                } else {
                    problems.add(what + " reads '" + in + "', which no graph input, initializer or earlier node defines");
                }
            }
            for (Attribute a : node.attributes().values()) {
                List<Graph> bodies = a.kind() == Attribute.Kind.GRAPH ? List.of(a.asGraph())
                        : a.kind() == Attribute.Kind.GRAPHS ? a.asGraphs() : List.of();
                for (Graph body : bodies) {
                    checkGraph(body, defined, what + " attribute '" + a.name() + "': ", problems);
                }
            }
            if (node.outputs().isEmpty()) {
                problems.add(what + " has no outputs");
            }
            for (String out : node.outputs()) {
                if (out.isEmpty()) {
                    continue;
                }
                Node previous = producedBy.put(out, node);
                if (previous != null) {
                    problems.add(where + "value '" + out + "' is produced by " + previous.describe() + " and again by "
                            + node.describe());
                } else if (declaredInputs.contains(out) || graph.initializers().containsKey(out)) {
                    problems.add(what + " output '" + out + "' redefines a graph input or initializer of that name");
                }
                defined.add(out);
            }
        }
        Set<String> outputNames = new HashSet<>();
        for (ValueInfo out : graph.outputs()) {
            if (!outputNames.add(out.name())) {
                problems.add(where + "graph output '" + out.name() + "' is declared twice");
            }
            if (!defined.contains(out.name())) {
                problems.add(where + "graph output '" + out.name() + "' is never produced");
            }
        }
    }
}
