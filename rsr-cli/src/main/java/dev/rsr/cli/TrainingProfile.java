package dev.rsr.cli;

import dev.rsr.tensorflow.training.StepTrace;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code rsr bench training --profile}: where a TensorFlow training step's time goes, from traced
 * steps, by kind of op (matmuls, elementwise, reductions, data movement, softmax, optimizer) and by
 * phase (forward pass and loss, backward pass, the update), and the op types that cost most.
 */
final class TrainingProfile {
    static final List<String> PHASES = List.of("forward", "backward", "update");

    private static final Map<String, Set<String>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("matmul", Set.of("MatMul", "BatchMatMulV2", "BatchMatMulV3", "_MklMatMul", "_FusedMatMul"));
        KINDS.put("elementwise", Set.of("Mul", "AddV2", "Add", "Sub", "RealDiv", "Div", "Neg", "Square", "Sqrt", "Rsqrt", "Erf", "Exp",
                "Tanh", "Pow", "Maximum", "Minimum", "SelectV2", "Cast", "Greater", "Less", "Reciprocal", "SquaredDifference", "AddN",
                "BiasAdd"));
        KINDS.put("reduction", Set.of("Sum", "Mean", "L2Loss", "Prod", "Max", "Min", "BiasAddGrad"));
        KINDS.put("data movement", Set.of("Transpose", "Reshape", "Tile", "ConcatV2", "StridedSlice", "StridedSliceGrad", "Pack",
                "GatherV2", "UnsortedSegmentSum", "DynamicStitch", "Identity", "Slice", "ExpandDims", "Squeeze", "BroadcastTo",
                "Assign"));
        KINDS.put("softmax and loss", Set.of("Softmax", "LogSoftmax", "SoftmaxCrossEntropyWithLogits",
                "SparseSoftmaxCrossEntropyWithLogits"));
        // Plain Assigns are copies (the gradient stash, the masked update's copy of a parameter, a sparse table's slots): data movement.
        KINDS.put("optimizer", Set.of("ApplyAdam", "ApplyMomentum", "AssignSub", "AssignAdd"));
    }

    private TrainingProfile() {
    }

    /**
     * The phase of a node: the step's last session run applies the update; in the run before, the
     * gradient graph's nodes (under "gradients/") are the backward pass and the rest the forward
     * pass with the loss (and the small ops that stash the gradients).
     */
    static String phase(StepTrace.NodeTime node, int runs) {
        return node.run() == runs - 1 && runs > 1 ? "update" : node.name().startsWith("gradients/") ? "backward" : "forward";
    }

    static String kind(String opType) {
        for (Map.Entry<String, Set<String>> e : KINDS.entrySet()) {
            if (e.getValue().contains(opType)) {
                return e.getKey();
            }
        }
        return "other";
    }

    /** Prints the split of {@code traces} (ms per step, averaged over the traces) beside the untraced step time. */
    static void print(PrintWriter out, String model, List<StepTrace> traces, double untracedMs) {
        Map<String, double[]> byKind = new LinkedHashMap<>();
        KINDS.keySet().forEach(k -> byKind.put(k, new double[PHASES.size()]));
        byKind.put("other", new double[PHASES.size()]);
        Map<String, Double> byType = new TreeMap<>();
        double nodes = 0;
        double wall = 0;
        for (StepTrace t : traces) {
            wall += t.wallMs() / traces.size();
            for (StepTrace.NodeTime n : t.nodes()) {
                double ms = n.ms() / traces.size();
                byKind.get(kind(n.opType()))[PHASES.indexOf(phase(n, t.runs()))] += ms;
                byType.merge(n.opType().isEmpty() ? "(outside the graph)" : n.opType(), ms, Double::sum);
                nodes += ms;
            }
        }
        out.printf("%n%s: where a step's time goes (%d traced steps; untraced step %.1f ms, traced %.1f ms; node times add up to "
                + "%.1f ms, more than the wall time where nodes ran side by side)%n", model, traces.size(), untracedMs, wall, nodes);
        out.printf("%-18s %10s %10s %10s %10s %8s%n", "kind", "forward", "backward", "update", "ms", "share");
        double total = nodes;
        byKind.forEach((kind, ms) -> {
            double sum = ms[0] + ms[1] + ms[2];
            out.printf("%-18s %10.2f %10.2f %10.2f %10.2f %7.0f%%%n", kind, ms[0], ms[1], ms[2], sum, 100 * sum / total);
        });
        out.printf("top op types: %s%n", String.join(", ", byType.entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(8)
                .map(e -> String.format("%s %.1f ms", e.getKey(), e.getValue())).toList()));
        out.flush();
    }
}
