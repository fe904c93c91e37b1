package dev.rsr.cli;

import dev.rsr.error.ConfigurationException;
import dev.rsr.ir.Dim;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Node;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random but valid inputs for any model: symbolic dimensions become the batch size (the first)
 * or the sequence length (the others); integer inputs that index an embedding table stay inside
 * it; inputs named like masks are all ones.
 */
final class RandomInputs {
    private RandomInputs() {
    }

    static Map<String, TensorData> make(ModelGraph model, int batch, int sequence, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, TensorData> feeds = new LinkedHashMap<>();
        for (ValueInfo v : model.graph().feedInputs()) {
            if (!v.shape().hasRank()) {
                throw new ConfigurationException("input '" + v.name() + "' has no declared rank; cannot make random inputs for it");
            }
            List<Dim> dims = v.shape().dims();
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = dims.get(i).isFixed() ? dims.get(i).size() : i == 0 ? batch : sequence;
            }
            int n = (int) TensorData.elementCount(shape);
            boolean mask = v.name().toLowerCase(java.util.Locale.ROOT).contains("mask");
            long bound = mask ? 1 : gatherRows(model, v.name()).orElse(2);
            feeds.put(v.name(), switch (v.type()) {
                case FLOAT -> {
                    float[] x = new float[n];
                    for (int i = 0; i < n; i++) {
                        x[i] = (float) random.nextGaussian();
                    }
                    yield TensorData.ofFloats(shape, x);
                }
                case INT64 -> {
                    long[] x = new long[n];
                    for (int i = 0; i < n; i++) {
                        x[i] = mask ? 1 : random.nextLong(bound);
                    }
                    yield TensorData.ofLongs(shape, x);
                }
                case INT32 -> {
                    int[] x = new int[n];
                    for (int i = 0; i < n; i++) {
                        x[i] = mask ? 1 : (int) random.nextLong(bound);
                    }
                    yield TensorData.ofInts(shape, x);
                }
                default -> throw new ConfigurationException("input '" + v.name() + "' is " + v.type().onnxName()
                        + "; random inputs are made for float, int64 and int32 inputs only");
            });
        }
        return feeds;
    }

    /** Rows of the smallest initializer table this input indexes through Gather, if it indexes any. */
    static java.util.OptionalLong gatherRows(ModelGraph model, String input) {
        long bound = Long.MAX_VALUE;
        for (Node n : model.graph().nodes()) {
            if (n.opType().equals("Gather") && n.inputs().size() == 2 && n.inputs().get(1).equals(input)) {
                TensorData table = model.graph().initializers().get(n.inputs().get(0));
                if (table != null && table.rank() > 0) {
                    bound = Math.min(bound, table.dim((int) n.intAttribute("axis", 0)));
                }
            }
        }
        return bound == Long.MAX_VALUE ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(bound);
    }
}
