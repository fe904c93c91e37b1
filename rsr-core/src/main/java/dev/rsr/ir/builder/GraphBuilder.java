package dev.rsr.ir.builder;

import dev.rsr.ir.Attribute;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link ModelGraph} from standard ONNX ops (opset 17), with helpers for the layers of
 * the model zoo. Parameters (initializers) carry hierarchical names such as
 * {@code encoder.layer1.attn.q.weight} and are assigned to the parameter group set by
 * {@link #group(String)}; constants that are not parameters become {@code Constant} nodes, so
 * the initializers are exactly the trainable parameters.
 *
 * <p>Layer helpers take a name prefix and return the name of their output value. Not thread-safe.
 */
public final class GraphBuilder {
    /** Additive attention bias for padded positions: large enough to zero them after softmax. */
    static final float MASKED_LOGIT = -1e9f;

    private final String graphName;
    private final long seed;
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final Map<String, TensorData> initializers = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, List<String>> groups = new LinkedHashMap<>();
    private final Map<String, Integer> nameCounts = new HashMap<>();
    private final java.util.Set<String> usedNames = new java.util.HashSet<>();
    private final ModelMetadata baseMetadata;
    private String currentGroup;

    /**
     * @param graphName name of the graph
     * @param seed      seed of every parameter initializer
     */
    public GraphBuilder(String graphName, long seed) {
        this.graphName = graphName;
        this.seed = seed;
        this.baseMetadata = ModelMetadata.rsrDefaults();
    }

    private GraphBuilder(ModelGraph base, String name, long seed) {
        this.graphName = name;
        this.seed = seed;
        this.baseMetadata = base.metadata();
        inputs.addAll(base.graph().inputs());
        initializers.putAll(base.graph().initializers());
        nodes.addAll(base.graph().nodes());
        base.metadata().parameterGroups().forEach((g, names) -> groups.put(g, new ArrayList<>(names)));
        for (Node n : base.graph().nodes()) {
            usedNames.add(n.name());
            usedNames.addAll(n.outputs());
        }
        base.graph().inputs().forEach(v -> usedNames.add(v.name()));
        usedNames.addAll(base.graph().initializers().keySet());
    }

    /**
     * Continues building on an existing model (any opset: the layer helpers emit ops whose
     * semantics are the same from opset 11 on, except where noted). Its inputs, parameters, nodes,
     * groups and metadata are kept; its outputs are not, so declare the new model's outputs.
     */
    public static GraphBuilder extend(ModelGraph base, String name, long seed) {
        return new GraphBuilder(base, name, seed);
    }

    public long seed() {
        return seed;
    }

    // ---------------------------------------------------------------- graph structure

    /** Declares a graph input and returns its name. */
    public String input(String name, DataType type, Dim... dims) {
        inputs.add(new ValueInfo(name, type, Shape.of(dims)));
        return name;
    }

    /** Declares a graph output: renames {@code value} to {@code name} through an Identity when they differ. */
    public String output(String value, String name, DataType type, Dim... dims) {
        String out = value;
        if (!value.equals(name)) {
            nodes.add(new Node(name, "Identity", List.of(value), List.of(name), List.of()));
            out = name;
        }
        outputs.add(new ValueInfo(out, type, Shape.of(dims)));
        return out;
    }

    /** Parameters added from now on belong to this group (null for none). */
    public GraphBuilder group(String groupName) {
        this.currentGroup = groupName;
        return this;
    }

    /** Adds a trainable parameter (initializer) and returns its name. */
    public String parameter(String name, TensorData value) {
        if (initializers.putIfAbsent(name, value) != null) {
            throw new IllegalArgumentException("parameter '" + name + "' is defined twice");
        }
        if (currentGroup != null) {
            groups.computeIfAbsent(currentGroup, g -> new ArrayList<>()).add(name);
        }
        return name;
    }

    /** A constant that is not a parameter: a {@code Constant} node. */
    public String constant(String prefix, TensorData value) {
        return op(prefix + ".const", "Constant", List.of(), Attribute.of("value", value));
    }

    /** Adds a one-output node named after {@code prefix} (made unique) and returns its output name. */
    public String op(String prefix, String opType, List<String> opInputs, Attribute... attributes) {
        String name = uniqueName(prefix);
        nodes.add(new Node(name, opType, opInputs, List.of(name), List.of(attributes)));
        return name;
    }

    private String uniqueName(String prefix) {
        String name;
        do {
            int n = nameCounts.merge(prefix, 1, Integer::sum);
            name = n == 1 ? prefix : prefix + "_" + n;
        } while (usedNames.contains(name));
        usedNames.add(name);
        return name;
    }

    /** Finishes the model; the result is validated. */
    public ModelGraph build() {
        Graph graph = new Graph(graphName, inputs, outputs, initializers, nodes, List.of(), "");
        ModelMetadata metadata = baseMetadata.withParameterGroups(groups);
        return new ModelGraph(graph, metadata).validate();
    }

    // ---------------------------------------------------------------- layers

    /** {@code x · W + b} with {@code W: [in, out]}; works for any rank of x (MatMul broadcasts). */
    public String dense(String prefix, String x, long in, long out) {
        String w = parameter(prefix + ".weight",
                ParameterInit.xavierUniform(seed, prefix + ".weight", new long[] {in, out}, in, out));
        String b = parameter(prefix + ".bias", ParameterInit.constant(new long[] {out}, 0f));
        return op(prefix + ".add", "Add", List.of(op(prefix + ".matmul", "MatMul", List.of(x, w)), b));
    }

    /** Looks up rows of a {@code [vocab, dim]} table: Gather on axis 0. */
    public String embedding(String prefix, String ids, long vocab, long dim) {
        String table = parameter(prefix + ".weight",
                ParameterInit.normal(seed, prefix + ".weight", new long[] {vocab, dim}, 0.02));
        return op(prefix + ".gather", "Gather", List.of(table, ids), Attribute.of("axis", 0L));
    }

    /**
     * Learned position embeddings for the sequence length of {@code ids [batch, seq]}: the first
     * {@code seq} rows of a {@code [maxLength, dim]} table, shape {@code [seq, dim]}.
     */
    public String positionEmbedding(String prefix, String ids, long maxLength, long dim) {
        String table = parameter(prefix + ".weight",
                ParameterInit.normal(seed, prefix + ".weight", new long[] {maxLength, dim}, 0.02));
        String seqLen = op(prefix + ".seq_len", "Shape", List.of(ids), Attribute.of("start", 1L), Attribute.of("end", 2L));
        String zero = constant(prefix + ".start", TensorData.vectorOfLongs(0));
        return op(prefix + ".slice", "Slice", List.of(table, zero, seqLen, zero));
    }

    /** LayerNormalization over the last axis with learned scale and bias. */
    public String layerNorm(String prefix, String x, long dim) {
        String scale = parameter(prefix + ".scale", ParameterInit.constant(new long[] {dim}, 1f));
        String bias = parameter(prefix + ".bias", ParameterInit.constant(new long[] {dim}, 0f));
        return op(prefix, "LayerNormalization", List.of(x, scale, bias), Attribute.of("axis", -1L),
                Attribute.of("epsilon", 1e-5f));
    }

    /** Exact GELU, {@code 0.5·x·(1 + erf(x/√2))}, from primitive ops (the Gelu op needs opset 20). */
    public String gelu(String prefix, String x) {
        String scaled = op(prefix + ".div", "Div", List.of(x, constant(prefix + ".sqrt2", TensorData.scalarFloat((float) Math.sqrt(2)))));
        String erf = op(prefix + ".erf", "Erf", List.of(scaled));
        String onePlus = op(prefix + ".add", "Add", List.of(erf, constant(prefix + ".one", TensorData.scalarFloat(1f))));
        String half = op(prefix + ".half", "Mul", List.of(x, constant(prefix + ".half_c", TensorData.scalarFloat(0.5f))));
        return op(prefix + ".mul", "Mul", List.of(half, onePlus));
    }

    public String relu(String prefix, String x) {
        return op(prefix, "Relu", List.of(x));
    }

    /**
     * Turns an int64 padding mask {@code [batch, seq]} (1 = token, 0 = padding) into an additive
     * attention bias {@code [batch, 1, 1, seq]}: 0 for tokens, a large negative number for padding.
     */
    public String attentionBias(String prefix, String mask) {
        String maskF = op(prefix + ".cast", "Cast", List.of(mask), Attribute.of("to", (long) DataType.FLOAT.onnxCode()));
        String inverted = op(prefix + ".invert", "Sub", List.of(constant(prefix + ".one", TensorData.scalarFloat(1f)), maskF));
        String bias = op(prefix + ".scale", "Mul", List.of(inverted, constant(prefix + ".neg", TensorData.scalarFloat(MASKED_LOGIT))));
        return op(prefix + ".unsqueeze", "Unsqueeze", List.of(bias, constant(prefix + ".axes", TensorData.vectorOfLongs(1, 2))));
    }

    /**
     * Multi-head self-attention over {@code x [batch, seq, dim]} with an additive bias from
     * {@link #attentionBias}; projections {@code q, k, v, out} are dense layers under {@code prefix}.
     */
    public String multiHeadSelfAttention(String prefix, String x, String bias, long dim, long heads) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not divisible by heads " + heads);
        }
        long headDim = dim / heads;
        String splitShape = constant(prefix + ".split_shape", TensorData.vectorOfLongs(0, 0, heads, headDim));
        String q = splitHeads(prefix + ".q", dense(prefix + ".q", x, dim, dim), splitShape, new long[] {0, 2, 1, 3});
        String kT = splitHeads(prefix + ".k", dense(prefix + ".k", x, dim, dim), splitShape, new long[] {0, 2, 3, 1});
        String v = splitHeads(prefix + ".v", dense(prefix + ".v", x, dim, dim), splitShape, new long[] {0, 2, 1, 3});
        String scores = op(prefix + ".scores", "MatMul", List.of(q, kT));
        String scaled = op(prefix + ".scale", "Mul", List.of(scores,
                constant(prefix + ".inv_sqrt_d", TensorData.scalarFloat((float) (1 / Math.sqrt(headDim))))));
        String masked = op(prefix + ".mask", "Add", List.of(scaled, bias));
        String probs = op(prefix + ".softmax", "Softmax", List.of(masked), Attribute.of("axis", -1L));
        String context = op(prefix + ".context", "MatMul", List.of(probs, v));
        String merged = op(prefix + ".merge_t", "Transpose", List.of(context), Attribute.ofInts("perm", 0, 2, 1, 3));
        String mergedShape = constant(prefix + ".merge_shape", TensorData.vectorOfLongs(0, 0, dim));
        String flat = op(prefix + ".merge", "Reshape", List.of(merged, mergedShape));
        return dense(prefix + ".out", flat, dim, dim);
    }

    private String splitHeads(String prefix, String x, String splitShape, long[] perm) {
        String reshaped = op(prefix + ".split", "Reshape", List.of(x, splitShape));
        return op(prefix + ".heads", "Transpose", List.of(reshaped), Attribute.ofInts("perm", perm));
    }

    /**
     * A pre-norm transformer encoder block: {@code x + attn(ln1(x))}, then {@code h + ffn(ln2(h))}
     * with a GELU feed-forward of width {@code ffnDim}.
     */
    public String transformerEncoderBlock(String prefix, String x, String bias, long dim, long heads, long ffnDim) {
        String attn = multiHeadSelfAttention(prefix + ".attn", layerNorm(prefix + ".ln1", x, dim), bias, dim, heads);
        String h = op(prefix + ".residual1", "Add", List.of(x, attn));
        String up = gelu(prefix + ".ffn.gelu", dense(prefix + ".ffn.in", layerNorm(prefix + ".ln2", h, dim), dim, ffnDim));
        String down = dense(prefix + ".ffn.out", up, ffnDim, dim);
        return op(prefix + ".residual2", "Add", List.of(h, down));
    }

    /**
     * Mean of {@code x [batch, seq, dim]} over the positions where the int64 {@code mask [batch, seq]}
     * is 1; an all-padding row gives zeros, not NaN. Built from MatMul and Reshape only, so it
     * means the same in every opset from 11 on (a pretrained model keeps its own opset).
     */
    public String maskedMeanPool(String prefix, String x, String mask) {
        String maskF = op(prefix + ".cast", "Cast", List.of(mask), Attribute.of("to", (long) DataType.FLOAT.onnxCode()));
        String row = op(prefix + ".row", "Reshape", List.of(maskF, constant(prefix + ".row_shape", TensorData.vectorOfLongs(0, 1, -1))));
        String sum = op(prefix + ".sum", "MatMul", List.of(row, x));
        String column = op(prefix + ".column", "Transpose", List.of(row), Attribute.ofInts("perm", 0, 2, 1));
        String count = op(prefix + ".count", "MatMul", List.of(row, column));
        String safeCount = op(prefix + ".clamp", "Max", List.of(count, constant(prefix + ".min", TensorData.scalarFloat(1e-6f))));
        String mean = op(prefix + ".mean", "Div", List.of(sum, safeCount));
        return op(prefix + ".flatten", "Reshape", List.of(mean, constant(prefix + ".out_shape", TensorData.vectorOfLongs(0, -1))));
    }

    /** Softmax over the last axis. */
    public String softmax(String prefix, String logits) {
        return op(prefix, "Softmax", List.of(logits), Attribute.of("axis", -1L));
    }
}
