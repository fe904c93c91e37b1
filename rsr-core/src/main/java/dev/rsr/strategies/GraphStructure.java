package dev.rsr.strategies;

import dev.rsr.ir.Graph;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a model's graph says about which parameters belong together, for partitioners: the
 * parameters a node uses, the nodes next to each other, and the residual additions that separate
 * repeated blocks. Imported models often name only some parameters (all-MiniLM-L6-v2 names its
 * biases and layer norms {@code encoder.layer.<i>…} but its weight matrices {@code onnx::MatMul_<n>}),
 * so a name alone does not place every parameter.
 */
final class GraphStructure {
    /** A hierarchical name: dot-separated words, as a framework's module path gives. */
    private static final Pattern HIERARCHICAL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)+");

    private final List<Node> nodes;
    private final Map<String, Integer> producer = new HashMap<>();
    private final Map<String, List<Integer>> consumers = new HashMap<>();
    private final Set<String> initializers;
    /** Shapes of the initializers. */
    private final Map<String, long[]> shapes = new HashMap<>();

    GraphStructure(ModelGraph model) {
        Graph g = model.graph();
        this.nodes = g.nodes();
        this.initializers = g.initializers().keySet();
        g.initializers().forEach((name, t) -> shapes.put(name, t.shape()));
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).outputs()) {
                producer.put(out, i);
            }
            for (String in : nodes.get(i).inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
            }
        }
    }

    static boolean isHierarchical(String name) {
        return HIERARCHICAL.matcher(name).matches();
    }

    /**
     * The module a hierarchical name suggests: its path up to and including its first numeric part
     * ({@code encoder.layer.3.attention.self.query.bias} → {@code encoder.layer.3}), or its first
     * part when none is numeric ({@code embeddings.LayerNorm.weight} → {@code embeddings}).
     */
    static String prefixModule(String name) {
        String[] parts = name.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].matches("[0-9]+")) {
                return String.join(".", java.util.Arrays.copyOf(parts, i + 1));
            }
        }
        // A numbered word counts as a layer index too: zoo names like encoder.layer3.attn.q.weight.
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].matches("[A-Za-z_]+[0-9]+")) {
                return String.join(".", java.util.Arrays.copyOf(parts, i + 1));
            }
        }
        return parts[0];
    }

    /**
     * Places each parameter of {@code unplaced} in the module of the nearest placed parameter in the
     * graph, counting nodes that share a value as one hop (a MatMul's weight joins the module of the
     * bias its output is added to). Parameters connected to no placed one are left out.
     */
    Map<String, String> placeByNeighbours(Collection<String> unplaced, Map<String, String> placed) {
        Map<Integer, String> nodeModule = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                String m = placed.get(in);
                if (m != null) {
                    nodeModule.putIfAbsent(i, m);
                }
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : unplaced) {
            String found = nearest(consumers.getOrDefault(p, List.of()), nodeModule);
            if (found != null) {
                out.put(p, found);
            }
        }
        return out;
    }

    /** Breadth-first from the start nodes over shared values (downstream first), to the first node using a placed parameter. */
    private String nearest(List<Integer> start, Map<Integer, String> nodeModule) {
        Deque<Integer> queue = new ArrayDeque<>(start);
        Set<Integer> seen = new HashSet<>(start);
        while (!queue.isEmpty()) {
            int n = queue.poll();
            String m = nodeModule.get(n);
            if (m != null) {
                return m;
            }
            for (String out : nodes.get(n).outputs()) {
                for (int c : consumers.getOrDefault(out, List.of())) {
                    if (seen.add(c)) {
                        queue.add(c);
                    }
                }
            }
            for (String in : nodes.get(n).inputs()) {
                Integer p = producer.get(in);
                if (p != null && seen.add(p)) {
                    queue.add(p);
                }
            }
        }
        return null;
    }

    /**
     * Parameters in blocks: a graph cut at every residual addition (an Add of two computed values,
     * one of which depends on the other) and where the first residual stream begins (so that a stem,
     * such as the embeddings, is a block of its own), each parameter in the block of its first use;
     * then blocks that repeat with the same parameter shapes merged into one per repetition (a
     * transformer layer's attention and feed-forward halves, say).
     */
    List<List<String>> residualBlocks(List<String> parameters) {
        Set<String> wanted = new HashSet<>(parameters);
        Set<Integer> cuts = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (isResidualAdd(i)) {
                if (cuts.isEmpty()) {
                    Integer stem = producer.get(skipInput(i));
                    if (stem != null) {
                        cuts.add(stem);
                    }
                }
                cuts.add(i);
            }
        }
        List<List<String>> segments = new ArrayList<>();
        List<String> current = new ArrayList<>();
        Set<String> assigned = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            for (String in : n.inputs()) {
                if (wanted.contains(in) && assigned.add(in)) {
                    current.add(in);
                }
            }
            if (cuts.contains(i) && !current.isEmpty()) {
                segments.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            segments.add(current);
        }
        return mergeRepeats(segments);
    }

    /** Of a residual addition's two inputs, the one the other depends on: the stream that skips the block. */
    private String skipInput(int residualAdd) {
        Node n = nodes.get(residualAdd);
        String a = n.inputs().get(0), b = n.inputs().get(1);
        return dependsOn(producer.get(b), a) ? a : b;
    }

    private boolean isResidualAdd(int index) {
        Node n = nodes.get(index);
        if (!n.opType().equals("Add") || n.inputs().size() != 2) {
            return false;
        }
        String a = n.inputs().get(0), b = n.inputs().get(1);
        if (!producer.containsKey(a) || !producer.containsKey(b) || initializers.contains(a) || initializers.contains(b)) {
            return false;
        }
        // Both sides carry learned features: an attention mask added to the scores is not a residual stream.
        return (dependsOn(producer.get(a), b) || dependsOn(producer.get(b), a)) && carriesWeights(a) && carriesWeights(b);
    }

    /** Whether a value is computed from some weight matrix (an initializer of rank two or more). */
    private boolean carriesWeights(String value) {
        Integer start = producer.get(value);
        if (start == null) {
            return false;
        }
        Deque<Integer> queue = new ArrayDeque<>(List.of(start));
        Set<Integer> seen = new HashSet<>(queue);
        while (!queue.isEmpty() && seen.size() < 400) {
            for (String in : nodes.get(queue.poll()).inputs()) {
                long[] shape = shapes.get(in);
                if (shape != null && shape.length >= 2) {
                    return true;
                }
                Integer p = producer.get(in);
                if (p != null && seen.add(p)) {
                    queue.add(p);
                }
            }
        }
        return false;
    }

    /** Whether the node's output depends on {@code value}, looking up to a few hundred nodes back. */
    private boolean dependsOn(int node, String value) {
        Deque<Integer> queue = new ArrayDeque<>(List.of(node));
        Set<Integer> seen = new HashSet<>(queue);
        while (!queue.isEmpty() && seen.size() < 400) {
            for (String in : nodes.get(queue.poll()).inputs()) {
                if (in.equals(value)) {
                    return true;
                }
                Integer p = producer.get(in);
                if (p != null && seen.add(p)) {
                    queue.add(p);
                }
            }
        }
        return false;
    }

    /**
     * Merges runs of segments into repetitions: the shortest period {@code p > 1} for which the
     * middle segments' shape signatures repeat is taken, and each run of {@code p} segments becomes
     * one block; segments before the first and after the last repetition stay on their own.
     */
    private List<List<String>> mergeRepeats(List<List<String>> segments) {
        for (int p = 2; p <= 3; p++) {
            int first = firstRepeat(segments, p);
            if (first >= 0) {
                List<List<String>> out = new ArrayList<>(segments.subList(0, first));
                int i = first;
                for (; i + p <= segments.size() && sameShapes(segments.get(i), segments.get(first)); i += p) {
                    List<String> merged = new ArrayList<>();
                    for (int j = i; j < i + p; j++) {
                        merged.addAll(segments.get(j));
                    }
                    out.add(merged);
                }
                out.addAll(segments.subList(i, segments.size()));
                return out;
            }
        }
        return segments;
    }

    /** The first segment index from which at least two repetitions of period p follow. */
    private int firstRepeat(List<List<String>> segments, int p) {
        for (int start = 0; start + 2 * p <= segments.size(); start++) {
            boolean repeats = true;
            for (int j = 0; j < p && repeats; j++) {
                repeats = sameShapes(segments.get(start + j), segments.get(start + p + j));
            }
            boolean periodOne = sameShapes(segments.get(start), segments.get(start + 1));
            if (repeats && !periodOne) {
                return start;
            }
        }
        return -1;
    }

    private boolean sameShapes(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(shapes.get(a.get(i)), shapes.get(b.get(i)))) {
                return false;
            }
        }
        return true;
    }
}
