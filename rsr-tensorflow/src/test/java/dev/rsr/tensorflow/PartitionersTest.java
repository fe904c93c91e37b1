package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.inject.Plugins;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.spi.ModulePartitioner;
import dev.rsr.spi.Settings;
import dev.rsr.training.TaskModule;
import dev.rsr.zoo.Heads;
import dev.rsr.zoo.TextClassifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Partitioners on real models: names, structure and gradient signatures. */
class PartitionersTest {
    private static final Plugins PLUGINS = Plugins.discover();

    private static ModulePartitioner.Input input(ModelGraph model, Set<String> fresh) {
        List<String> trainable = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        model.graph().nodes().forEach(n -> n.inputs().forEach(in -> {
            TensorData t = model.graph().initializers().get(in);
            if (t != null && t.type() == dev.rsr.ir.DataType.FLOAT && seen.add(in)) {
                trainable.add(in);
            }
        }));
        return new ModulePartitioner.Input() {
            @Override
            public ModelGraph model() {
                return model;
            }

            @Override
            public List<String> trainable() {
                return trainable;
            }

            @Override
            public Set<String> fresh() {
                return fresh;
            }

            @Override
            public List<Map<String, TensorData>> probeGradients(int batches) {
                throw new UnsupportedOperationException("not needed by this partitioner");
            }
        };
    }

    private static List<TaskModule> partition(String name, ModelGraph model) {
        return PLUGINS.get(ModulePartitioner.class, name).create(Settings.empty("partitioner", name)).partition(input(model, Set.of()));
    }

    /**
     * all-MiniLM-L6-v2 names its biases and layer norms but not its 36 weight matrices
     * ({@code onnx::MatMul_<n>}): each of those joins the layer of the bias it is added to.
     */
    @Test
    void miniLmSplitsIntoEmbeddingsSixLayersAndHead() {
        ModelGraph encoder = MiniLm.model();
        ModelGraph classifier = Heads.classifier(encoder, "last_hidden_state", 5, 1);
        List<TaskModule> modules = partition("by-name-prefix", classifier);
        assertEquals(List.of("embeddings", "encoder.layer.0", "encoder.layer.1", "encoder.layer.2", "encoder.layer.3", "encoder.layer.4",
                "encoder.layer.5", Heads.CLASSIFIER_GROUP), modules.stream().map(TaskModule::name).toList());
        for (TaskModule m : modules.subList(1, 7)) {
            assertEquals(16, m.parameters().size(), m.name() + ": " + m.parameters());
            // Query, key, value, output, and the feed-forward's two: six unnamed weight matrices per layer.
            assertEquals(6, m.parameters().stream().filter(p -> p.startsWith("onnx::MatMul")).count(), m.name() + ": " + m.parameters());
        }
        long unnamed = encoder.graph().initializers().keySet().stream().filter(p -> p.startsWith("onnx::MatMul")).count();
        assertEquals(36, unnamed);
    }

    @Test
    void zooModulesAreTheDeclaredGroupsAndPerTensorIsOneEach() {
        ModelGraph zoo = new TextClassifier(100, 16, 2, 2, 32, 8, 3, 1).build();
        List<TaskModule> modules = partition("by-name-prefix", zoo);
        assertEquals(List.of("embeddings", "encoder.layer1", "encoder.layer2", "encoder.final", "head"),
                modules.stream().map(TaskModule::name).toList());
        List<TaskModule> each = partition("per-tensor", zoo);
        assertEquals(modules.stream().mapToInt(m -> m.parameters().size()).sum(), each.size());
        assertTrue(each.stream().allMatch(m -> m.parameters().size() == 1 && m.parameters().get(0).equals(m.name())));
    }

    /** Without any usable names, a transformer is cut at its residual additions into repeated layers. */
    @Test
    void anUnnamedTransformerIsCutIntoRepeatedBlocks() {
        ModelGraph zoo = new TextClassifier(100, 16, 3, 2, 32, 8, 3, 1).build();
        Map<String, TensorData> init = zoo.graph().initializers();
        Map<String, String> rename = new java.util.LinkedHashMap<>();
        int i = 0;
        for (String p : init.keySet()) {
            rename.put(p, "onnx::param_" + i++);
        }
        ModelGraph anonymous = Renaming.renameInitializers(zoo, rename);
        List<TaskModule> modules = partition("by-name-prefix", anonymous);
        // The three encoder layers come out whole (attention and feed-forward halves merged), as the zoo declares them.
        List<Integer> sizes = modules.stream().map(m -> m.parameters().size()).toList();
        int layer = zoo.metadata().parameterGroups().get("encoder.layer1").size();
        assertEquals(3, sizes.stream().filter(s -> s == layer).count(), "three layers of " + layer + " parameters: " + sizes);
        Set<String> layer2 = new HashSet<>(zoo.metadata().parameterGroups().get("encoder.layer2").stream().map(rename::get).toList());
        assertTrue(modules.stream().anyMatch(m -> new HashSet<>(m.parameters()).equals(layer2)), "layer 2 whole: " + modules);
    }
}
