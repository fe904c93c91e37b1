package dev.rsr.strategies;

import dev.rsr.ir.TensorData;
import dev.rsr.spi.ModulePartitioner;
import dev.rsr.spi.Settings;
import dev.rsr.training.TaskModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The built-in partitioners. */
public final class ModulePartitioners {
    private ModulePartitioners() {
    }

    /**
     * Modules from names and structure: the groups the model declares (the zoo's {@code embeddings},
     * {@code encoder.layer1}, …, {@code head}); then hierarchical names by their path up to the layer
     * index ({@code encoder.layer.3.attention.self.query.bias} → {@code encoder.layer.3}); then each
     * unnamed parameter joins the module of the nearest named parameter in the graph (a MatMul weight
     * joins its bias's); a model with no usable names at all is cut into repeated blocks at its
     * residual additions. Modules come in the order the graph first uses them.
     */
    public static final class ByNamePrefix implements ModulePartitioner {
        @Override
        public String name() {
            return "by-name-prefix";
        }

        @Override
        public Partitioner create(Settings settings) {
            return input -> {
                GraphStructure structure = new GraphStructure(input.model());
                Map<String, String> moduleOf = new LinkedHashMap<>();
                input.model().metadata().parameterGroups().forEach((group, params) -> params.forEach(p -> moduleOf.put(p, group)));
                moduleOf.keySet().retainAll(input.trainable());
                List<String> anonymous = new ArrayList<>();
                for (String p : input.trainable()) {
                    if (!moduleOf.containsKey(p)) {
                        if (GraphStructure.isHierarchical(p)) {
                            moduleOf.put(p, GraphStructure.prefixModule(p));
                        } else {
                            anonymous.add(p);
                        }
                    }
                }
                if (moduleOf.isEmpty()) {
                    List<List<String>> blocks = structure.residualBlocks(input.trainable());
                    List<TaskModule> modules = new ArrayList<>();
                    for (int i = 0; i < blocks.size(); i++) {
                        modules.add(new TaskModule("block" + i, blocks.get(i)));
                    }
                    return modules;
                }
                moduleOf.putAll(structure.placeByNeighbours(anonymous, Map.copyOf(moduleOf)));
                for (String p : anonymous) {
                    moduleOf.putIfAbsent(p, "ungrouped");
                }
                return inOrder(input.trainable(), moduleOf);
            };
        }
    }

    /** Every parameter tensor its own module. */
    public static final class PerTensor implements ModulePartitioner {
        @Override
        public String name() {
            return "per-tensor";
        }

        @Override
        public Partitioner create(Settings settings) {
            return input -> input.trainable().stream().map(p -> new TaskModule(p, List.of(p))).toList();
        }
    }

    /**
     * Modules found from the task itself: the gradients of a few probe batches give each parameter a
     * signature (its log root-mean-square gradient on each batch, centred over parameters per batch,
     * which is how strongly and how consistently the task pulls on it), and the parameters, in the
     * order the graph uses them, are cut into {@code modules} contiguous segments of the most similar
     * signatures (least squares, by dynamic programming). Parameters new to the task (a fresh head)
     * stay a module of their own, {@code head}.
     */
    public static final class Auto implements ModulePartitioner {
        @Override
        public String name() {
            return "auto";
        }

        @Override
        public Partitioner create(Settings settings) {
            int count = settings.integer("modules", 8, 1, 10_000);
            int batches = settings.integer("probe_batches", 4, 1, 1_000);
            return input -> {
                List<String> params = input.trainable().stream().filter(p -> !input.fresh().contains(p)).toList();
                List<Map<String, TensorData>> gradients = input.probeGradients(batches);
                double[][] signature = new double[params.size()][gradients.size()];
                for (int b = 0; b < gradients.size(); b++) {
                    double mean = 0;
                    for (int i = 0; i < params.size(); i++) {
                        signature[i][b] = Math.log(rms(gradients.get(b).get(params.get(i)).floats()) + 1e-12);
                        mean += signature[i][b];
                    }
                    mean /= Math.max(1, params.size());
                    for (int i = 0; i < params.size(); i++) {
                        signature[i][b] -= mean;
                    }
                }
                List<TaskModule> modules = new ArrayList<>();
                int[] cuts = Segmentation.cuts(signature, Math.min(count, params.size()));
                for (int s = 0; s < cuts.length - 1; s++) {
                    modules.add(new TaskModule("segment" + s, params.subList(cuts[s], cuts[s + 1])));
                }
                List<String> fresh = input.trainable().stream().filter(input.fresh()::contains).toList();
                if (!fresh.isEmpty()) {
                    modules.add(new TaskModule("head", fresh));
                }
                return modules;
            };
        }

        private static double rms(float[] g) {
            double s = 0;
            for (float x : g) {
                s += (double) x * x;
            }
            return Math.sqrt(s / Math.max(1, g.length));
        }
    }

    /** Modules from a parameter → module map, in the order of {@code ordered} (first use in the graph). */
    private static List<TaskModule> inOrder(List<String> ordered, Map<String, String> moduleOf) {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (String p : ordered) {
            grouped.computeIfAbsent(moduleOf.get(p), k -> new ArrayList<>()).add(p);
        }
        List<TaskModule> out = new ArrayList<>();
        grouped.forEach((name, params) -> out.add(new TaskModule(name, params)));
        return out;
    }
}
