package dev.rsr.cli;

import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Node;
import dev.rsr.ir.TensorData;
import java.util.List;
import java.util.Map;

/**
 * Judges a training-mode Dropout case by its distribution. Its recorded outputs are one random
 * draw that no other generator reproduces (the suite says such cases "cannot match"), so instead:
 * every output element is 0 or {@code x / (1 − ratio)}, the mask (when asked for) is true exactly
 * where an element was kept, and the share kept lies within five binomial standard deviations of
 * {@code 1 − ratio} (a false alarm about once in three million runs).
 */
final class TrainingDropout {
    private static final double SIGMAS = 5;

    private TrainingDropout() {
    }

    /** Whether the model is one Dropout run in training mode with these inputs (else compare it as usual). */
    static boolean appliesTo(ModelGraph model, Map<String, TensorData> inputs) {
        List<Node> nodes = model.graph().nodes();
        if (nodes.size() != 1 || !nodes.get(0).opType().equals("Dropout") || !nodes.get(0).isDefaultDomain()) {
            return false;
        }
        TensorData training = value(model, inputs, nodes.get(0), 2);
        return value(model, inputs, nodes.get(0), 0) != null && training != null && training.getAsDouble(0) != 0;
    }

    /**
     * Judges the outputs of a model {@link #appliesTo} accepts, as {@link Conformance#compare} judges
     * others.
     *
     * @return null when the outputs are a plausible draw, else what is wrong with them
     */
    static String check(ModelGraph model, Map<String, TensorData> inputs, Map<String, TensorData> actual) {
        Node dropout = model.graph().nodes().get(0);
        TensorData x = value(model, inputs, dropout, 0);
        TensorData ratioValue = value(model, inputs, dropout, 1);
        double ratio = ratioValue == null ? 0.5 : ratioValue.getAsDouble(0);
        TensorData y = actual.get(dropout.outputs().get(0));
        if (y == null) {
            return "output '" + dropout.outputs().get(0) + "' missing from the backend's outputs";
        }
        TensorData mask = dropout.outputs().size() > 1 && !dropout.outputs().get(1).isEmpty() ? actual.get(dropout.outputs().get(1)) : null;
        double scale = ratio >= 1 ? 0 : 1 / (1 - ratio);
        long n = 0, kept = 0; // over the elements whose x is not 0: only there can one tell kept from dropped
        for (int i = 0; i < x.elementCount(); i++) {
            double xi = x.getAsDouble(i), yi = y.getAsDouble(i), scaled = xi * scale;
            boolean isKept = scaled != 0 && Math.abs(yi - scaled) <= Conformance.ATOL + Conformance.RTOL * Math.abs(scaled);
            boolean isDropped = yi == 0;
            if (!isKept && !isDropped) {
                return "element " + i + ": " + yi + " is neither 0 nor x/(1 - ratio) = " + scaled;
            }
            if (mask != null && xi != 0 && (mask.getAsDouble(i) != 0) != isKept) {
                return "mask element " + i + " is " + (mask.getAsDouble(i) != 0) + " where the output was "
                        + (isKept ? "kept" : "dropped");
            }
            n += xi != 0 ? 1 : 0;
            kept += isKept ? 1 : 0;
        }
        double expected = n * (1 - ratio), spread = SIGMAS * Math.sqrt(n * ratio * (1 - ratio));
        if (Math.abs(kept - expected) > spread) {
            return kept + " of " + n + " elements kept, expected " + Math.round(expected) + " ± " + Math.round(spread)
                    + " for ratio " + ratio;
        }
        return null;
    }

    /** The node's input {@code k} from the fed inputs or the initializers; null when absent. */
    private static TensorData value(ModelGraph model, Map<String, TensorData> inputs, Node node, int k) {
        if (node.inputs().size() <= k || node.inputs().get(k).isEmpty()) {
            return null;
        }
        String name = node.inputs().get(k);
        TensorData fed = inputs.get(name);
        return fed != null ? fed : model.graph().initializers().get(name);
    }
}
