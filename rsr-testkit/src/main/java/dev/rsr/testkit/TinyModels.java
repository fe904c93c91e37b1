package dev.rsr.testkit;

import dev.rsr.ir.DataType;
import dev.rsr.ir.Dim;
import dev.rsr.ir.Graph;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.ModelMetadata;
import dev.rsr.ir.Node;
import dev.rsr.ir.Shape;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Tiny models for partitioners, built directly from the IR of rsr-api: an encoder of three
 * residual layers ({@code h + Relu(h·W + b)}, then a scale as a layer norm's gain) between a
 * projection with a frozen position vector and a classifier head ({@code h·W + b}, then a Reshape
 * by an int64 shape constant). The same structure comes named in the three ways real models
 * name parameters, so a partitioner meets each path it may take:
 * <ul>
 *   <li>{@link #grouped()}: names of RSR's zoo ({@code encoder.layer0.dense.weight}) and the
 *       parameter groups the model declares;
 *   <li>{@link #hierarchical()}: framework module paths ({@code encoder.layer.0.dense.bias}) for
 *       biases and gains but exporter names ({@code onnx::MatMul_7}) for matrices, as exported
 *       transformers have, and no groups;
 *   <li>{@link #anonymous()}: exporter names only, no groups.
 * </ul>
 * In each, the position vector is frozen (not trainable) and the head's two parameters are fresh.
 */
public final class TinyModels {
    private static final int WIDTH = 4;
    private static final int CLASSES = 2;
    private static final int LAYERS = 3;

    private TinyModels() {
    }

    /** The three models: grouped, hierarchical, anonymous. */
    public static List<TinyModel> all() {
        return List.of(grouped(), hierarchical(), anonymous());
    }

    /** Zoo names and declared parameter groups (the frozen position vector is in the {@code embeddings} group). */
    public static TinyModel grouped() {
        return build("grouped", Naming.GROUPED);
    }

    /** Module-path names for vectors, exporter names for matrices, no groups. */
    public static TinyModel hierarchical() {
        return build("hierarchical", Naming.HIERARCHICAL);
    }

    /** Exporter names for every parameter, no groups. */
    public static TinyModel anonymous() {
        return build("anonymous", Naming.ANONYMOUS);
    }

    private enum Naming { GROUPED, HIERARCHICAL, ANONYMOUS }

    private static TinyModel build(String label, Naming naming) {
        Sketch s = new Sketch(label.hashCode());
        Map<String, List<String>> groups = new LinkedHashMap<>();
        Set<String> frozen = new LinkedHashSet<>();
        Set<String> fresh = new LinkedHashSet<>();

        String projW = s.weight(naming == Naming.GROUPED ? "embeddings.proj.weight" : null, "MatMul", WIDTH, WIDTH);
        String projB = s.weight(naming == Naming.ANONYMOUS ? null : "embeddings.proj.bias", "Add", WIDTH);
        String position = s.weight(naming == Naming.ANONYMOUS ? null : "embeddings.position", "Add", WIDTH);
        frozen.add(position);
        groups.put("embeddings", List.of(projW, projB, position));
        String h = s.op("Add", s.op("Add", s.op("MatMul", "x", projW), projB), position);

        for (int i = 0; i < LAYERS; i++) {
            String prefix = naming == Naming.GROUPED ? "encoder.layer" + i : "encoder.layer." + i;
            String w = s.weight(naming == Naming.GROUPED ? prefix + ".dense.weight" : null, "MatMul", WIDTH, WIDTH);
            String b = s.weight(naming == Naming.ANONYMOUS ? null : prefix + ".dense.bias", "Add", WIDTH);
            String gain = s.weight(naming == Naming.ANONYMOUS ? null : prefix + ".norm.weight", "Mul", WIDTH);
            groups.put("encoder.layer" + i, List.of(w, b, gain));
            String residual = s.op("Add", h, s.op("Relu", s.op("Add", s.op("MatMul", h, w), b)));
            h = s.op("Mul", residual, gain);
        }

        String headW = s.weight(naming == Naming.GROUPED ? "head.weight" : null, "MatMul", WIDTH, CLASSES);
        String headB = s.weight(naming == Naming.ANONYMOUS ? null : "head.bias", "Add", CLASSES);
        fresh.add(headW);
        fresh.add(headB);
        groups.put("head", List.of(headW, headB));
        String shape = s.constant("shape_const", -1, CLASSES);
        String logits = s.op("Reshape", s.op("Add", s.op("MatMul", h, headW), headB), shape);

        Graph graph = new Graph("tiny-" + label, List.of(new ValueInfo("x", DataType.FLOAT, Shape.of(Dim.symbolic("batch"), Dim.of(WIDTH)))),
                List.of(new ValueInfo(logits, DataType.FLOAT, Shape.of(Dim.symbolic("batch"), Dim.of(CLASSES)))), s.initializers, s.nodes,
                List.of(), "");
        ModelMetadata metadata = ModelMetadata.rsrDefaults();
        if (naming == Naming.GROUPED) {
            metadata = metadata.withParameterGroups(groups);
        }
        ModelGraph model = new ModelGraph(graph, metadata).validate();
        List<String> trainable = new ArrayList<>(s.firstUse);
        trainable.removeAll(frozen);
        trainable.retainAll(s.floats);
        return new TinyModel(label, model, trainable, fresh);
    }

    /** Builds nodes and initializers in order, naming what is not named as an ONNX exporter does. */
    private static final class Sketch {
        final List<Node> nodes = new ArrayList<>();
        final Map<String, TensorData> initializers = new LinkedHashMap<>();
        final Set<String> floats = new LinkedHashSet<>();
        final Set<String> firstUse = new LinkedHashSet<>();
        private final SplittableRandom random;
        private int counter = 1;

        Sketch(long seed) {
            this.random = new SplittableRandom(seed);
        }

        /** A float parameter of {@code shape}, named {@code name} or, when null, {@code onnx::<op>_<n>} after the op that uses it. */
        String weight(String name, String op, long... shape) {
            String n = name != null ? name : "onnx::" + op + "_" + counter++;
            float[] values = new float[Math.toIntExact(TensorData.elementCount(shape))];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (0.1 * random.nextGaussian());
            }
            initializers.put(n, TensorData.ofFloats(shape, values));
            floats.add(n);
            return n;
        }

        String constant(String name, long... values) {
            initializers.put(name, TensorData.ofLongs(new long[] {values.length}, values));
            return name;
        }

        String op(String opType, String... inputs) {
            String out = opType.toLowerCase(java.util.Locale.ROOT) + "_" + counter++;
            for (String in : inputs) {
                if (initializers.containsKey(in)) {
                    firstUse.add(in);
                }
            }
            nodes.add(new Node("/" + opType + "_" + counter, opType, List.of(inputs), List.of(out), List.of()));
            return out;
        }
    }
}
