package dev.rsr.tensorflow.compiler;

import dev.rsr.error.ModelException;
import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Dim;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Node;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.tensorflow.TfGraphs;
import dev.rsr.tensorflow.TfTensors;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.family.TType;

/**
 * Compiles a {@link ModelGraph} into a TensorFlow graph, one {@link OpConverter} per node.
 * Unsupported ops are reported, all of them, before any native work; a converter's failure or a
 * TensorFlow shape error names the node at fault.
 */
public final class GraphCompiler {
    private static final Pattern INVALID_NAME_CHARS = Pattern.compile("[^A-Za-z0-9_.\\-]");

    private final ConverterRegistry converters;

    public GraphCompiler(ConverterRegistry converters) {
        this.converters = converters;
    }

    /**
     * @param trainable which floating-point initializers become variables; the others (and every
     *                  integer initializer) become constants
     */
    public CompiledModel compile(ModelGraph model, java.util.function.Predicate<String> trainable) {
        model.validate();
        converters.requireAllSupported(model);
        Graph graph = new Graph();
        try {
            return build(model, graph, trainable);
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /** Every floating-point initializer becomes a variable. */
    public CompiledModel compile(ModelGraph model) {
        return compile(model, name -> true);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private CompiledModel build(ModelGraph model, Graph graph, java.util.function.Predicate<String> trainable) {
        Ops tf = Ops.create(graph);
        Map<String, Output<?>> values = new HashMap<>();
        Map<String, TensorData> constants = new HashMap<>();
        Map<String, Output<?>> inputs = new LinkedHashMap<>();
        Map<String, CompiledModel.Parameter> parameters = new LinkedHashMap<>();

        for (ValueInfo in : model.graph().feedInputs()) {
            Class<? extends TType> type = TfTensors.tfClass(in.type(), "input '" + in.name() + "'");
            Output<?> p = tf.withName(opName("input/" + in.name())).placeholder((Class) type,
                    Placeholder.shape(tfShape(in))).output();
            inputs.put(in.name(), p);
            values.put(in.name(), p);
        }
        for (Map.Entry<String, TensorData> e : model.graph().initializers().entrySet()) {
            String name = e.getKey();
            TensorData value = e.getValue();
            if (value.type().isFloatingPoint() && trainable.test(name)) {
                Class<? extends TType> type = TfTensors.tfClass(value.type(), "initializer '" + name + "'");
                Ops scoped = tf.withSubScope(opName("param/" + name));
                Output<?> variable = scoped.withName("variable").variable(Shape.of(value.shape()), (Class) type).asOutput();
                Output<?> init = scoped.withName("init_value").placeholder((Class) type, Placeholder.shape(Shape.of(value.shape()))).output();
                org.tensorflow.Operation assign = scoped.withName("initialize").assign((Operand) variable, (Operand) init).op();
                Output<?> read = scoped.withName("read").identity((Operand) variable).output();
                parameters.put(name, new CompiledModel.Parameter(name, variable, read, init, assign));
                values.put(name, read);
            } else {
                constants.put(name, value);
                values.put(name, TfGraphs.constant(tf.withName(opName("const/" + name)).scope(), value));
            }
        }
        Scope scope = new Scope(null, values, constants, model.graph());
        convertNodes(model.graph().nodes(), model.metadata().defaultOpset(), tf, scope);
        // TensorFlow refuses to feed and fetch one tensor in a run: a graph output that is a graph
        // input (directly, or through a node that passes its input on, such as Max of one input)
        // is fetched through an identity.
        for (ValueInfo out : model.graph().outputs()) {
            Output<?> v = values.get(out.name());
            if (v != null && inputs.containsValue(v)) {
                values.put(out.name(), tf.withName(opName("output/" + out.name())).identity((Operand) v).output());
            }
        }
        return new CompiledModel(model, graph, tf, inputs, parameters, values);
    }

    /**
     * Converts {@code nodes}, in order, reading and defining values in {@code scope}: the main
     * graph's nodes, and a subgraph's (an If branch, a Loop or Scan body) each time a converter
     * asks for it.
     */
    private void convertNodes(List<Node> nodes, long opset, Ops tf, Scope scope) {
        for (Node node : nodes) {
            if (node.opType().equals("Constant") && node.isDefaultDomain()) {
                scope.constants.put(node.outputs().get(0), constantNodeValue(node));
            }
            Ops nodeOps = tf.withSubScope(opName(node.name().isEmpty() ? node.opType() : node.name()));
            Map<String, Output<?>> widened = widened(node, scope, nodeOps);
            Context ctx = new Context(node, opset, nodeOps, scope, widened);
            List<Output<?>> outs;
            try {
                outs = converters.get(node).convert(ctx);
                Output<?> first = node.inputs().isEmpty() ? null : widened.containsKey(node.inputs().get(0))
                        ? scope.value(node.inputs().get(0)) : null;
                if (first != null) {
                    outs = narrowed(node, outs, TfTensors.fromTf(first.dataType()), nodeOps);
                }
            } catch (ModelException e) {
                throw e;
            } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
                throw new ModelException(node.describe() + ": TensorFlow cannot build it: " + dev.rsr.tensorflow.TfGraphs.oneLine(e.getMessage()), e);
            }
            for (int i = 0; i < node.outputs().size(); i++) {
                String out = node.outputs().get(i);
                if (out.isEmpty()) {
                    continue;
                }
                if (i >= outs.size() || outs.get(i) == null) {
                    throw new ModelException(node.describe() + ": the TensorFlow converter does not produce output " + i + " ('" + out + "')");
                }
                scope.values.put(out, outs.get(i));
            }
        }
    }

    /**
     * The values one graph defines, with the scope it is nested in (null for the main graph): a
     * subgraph reads the values of its enclosing graphs by name, and its own names hide theirs.
     */
    private static final class Scope {
        final Scope parent;
        final Map<String, Output<?>> values;
        final Map<String, TensorData> constants;
        final Map<String, ValueInfo> declared = new HashMap<>();

        Scope(Scope parent, Map<String, Output<?>> values, Map<String, TensorData> constants, dev.rsr.ir.Graph graph) {
            this.parent = parent;
            this.values = values;
            this.constants = constants;
            graph.valueInfos().forEach(v -> declared.put(v.name(), v));
            graph.inputs().forEach(v -> declared.put(v.name(), v));
            graph.outputs().forEach(v -> declared.put(v.name(), v));
        }

        Output<?> value(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                Output<?> v = s.values.get(name);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }

        /** A constant's value; null when the name is not a constant or a nearer scope redefines it. */
        TensorData constant(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.values.containsKey(name)) {
                    return s.constants.get(name);
                }
            }
            return null;
        }

        /** The declaration of a value, from the nearest scope that declares or defines it. */
        ValueInfo declared(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.declared.containsKey(name) || s.values.containsKey(name)) {
                    return s.declared.get(name);
                }
            }
            return null;
        }
    }

    /**
     * Ops that only move, select or reinterpret values, which half precision does not change: they
     * run in the input's own type.
     */
    private static final Set<String> EXACT_IN_HALF = Set.of("Cast", "CastLike", "Identity", "Reshape", "Shape", "Size", "Transpose",
            "Squeeze", "Unsqueeze", "Flatten", "Expand", "Concat", "Split", "Slice", "Gather", "Tile", "Constant", "ConstantOfShape",
            "Range", "Where", "Dropout");

    /**
     * The node's half-precision (float16, bfloat16) inputs cast to float32, by name; none for ops
     * that only move values. Such a node computes in float32 and rounds its results once, as ONNX
     * Runtime's CPU provider does (it puts casts around ops without a half-precision kernel):
     * TensorFlow's half kernels round inside the op, and an expanded Celu in bfloat16 then
     * differed from ONNX Runtime by two units of its last place.
     */
    private static Map<String, Output<?>> widened(Node node, Scope values, Ops ops) {
        if (!node.isDefaultDomain() || EXACT_IN_HALF.contains(node.opType())) {
            return Map.of();
        }
        Map<String, Output<?>> out = new HashMap<>();
        for (String in : node.inputs()) {
            Output<?> v = in.isEmpty() ? null : values.value(in);
            if (v != null && isHalf(v) && !out.containsKey(in)) {
                out.put(in, ops.scope().opBuilder("Cast", "widen").addInput(v)
                        .setAttr("DstT", TfTensors.tfType(DataType.FLOAT, "Cast target")).build().output(0));
            }
        }
        return out;
    }

    /**
     * Float32 results of a widened node whose first input is half precision, rounded back to it
     * (ONNX ties an op's result type to its first input; a float32 base raised to a half exponent
     * stays float32). LayerNormalization's Mean and InvStdDev stay float32, as its stash type says.
     */
    private static List<Output<?>> narrowed(Node node, List<Output<?>> outs, DataType half, Ops ops) {
        List<Output<?>> narrowed = new ArrayList<>();
        for (Output<?> o : outs) {
            boolean stash = node.opType().equals("LayerNormalization") && !narrowed.isEmpty();
            narrowed.add(o == null || stash || o.dataType() != org.tensorflow.proto.DataType.DT_FLOAT ? o : ops.scope().opBuilder("Cast", "narrow")
                    .addInput(o).setAttr("DstT", TfTensors.tfType(half, "Cast target")).build().output(0));
        }
        return narrowed;
    }

    private static boolean isHalf(Output<?> v) {
        return v.dataType() == org.tensorflow.proto.DataType.DT_HALF || v.dataType() == org.tensorflow.proto.DataType.DT_BFLOAT16;
    }

    private static Shape tfShape(ValueInfo v) {
        if (!v.shape().hasRank()) {
            return Shape.unknown();
        }
        long[] dims = new long[v.shape().rank()];
        for (int i = 0; i < dims.length; i++) {
            Dim d = v.shape().dim(i);
            dims[i] = d.isFixed() ? d.size() : Shape.UNKNOWN_SIZE;
        }
        return Shape.of(dims);
    }

    /** A TensorFlow-legal op name for an IR name. */
    public static String opName(String name) {
        String clean = INVALID_NAME_CHARS.matcher(name).replaceAll("_");
        while (clean.startsWith("_") || clean.startsWith("-")) {
            clean = clean.substring(1);
        }
        return clean.isEmpty() ? "op" : clean;
    }

    /** The value of a Constant node, from whichever attribute holds it. */
    public static TensorData constantNodeValue(Node node) {
        for (Attribute a : node.attributes().values()) {
            switch (a.name()) {
                case "value":
                    return a.asTensor();
                case "value_float":
                    return TensorData.scalarFloat(a.asFloat());
                case "value_int":
                    return TensorData.scalarLong(a.asInt());
                case "value_floats": {
                    float[] f = a.asFloats();
                    return TensorData.ofFloats(new long[] {f.length}, f);
                }
                case "value_ints":
                    return TensorData.vectorOfLongs(a.asInts());
                default:
                    break;
            }
        }
        throw new ModelException(node.describe() + ": has no value attribute the TensorFlow backend supports "
                + "(value, value_float, value_int, value_floats, value_ints)");
    }

    /** The converter's view of one node. */
    private final class Context implements ConversionContext {
        private final Node node;
        private final long opset;
        private final Ops tf;
        private final Scope scope;
        /** Inputs this node reads in another type than the graph holds them (half precision widened). */
        private final Map<String, Output<?>> widened;

        Context(Node node, long opset, Ops tf, Scope scope, Map<String, Output<?>> widened) {
            this.node = node;
            this.opset = opset;
            this.tf = tf;
            this.scope = scope;
            this.widened = widened;
        }

        @Override
        public Node node() {
            return node;
        }

        @Override
        public long opset() {
            return opset;
        }

        @Override
        public Ops tf() {
            return tf;
        }

        @Override
        public boolean hasInput(int i) {
            return i < node.inputs().size() && !node.inputs().get(i).isEmpty();
        }

        @Override
        public Output<?> input(int i) {
            if (!hasInput(i)) {
                throw error("input " + i + " is required");
            }
            String name = node.inputs().get(i);
            Output<?> w = widened.get(name);
            return w != null ? w : scope.value(name);
        }

        @Override
        public Optional<TensorData> constantInput(int i) {
            return hasInput(i) ? Optional.ofNullable(scope.constant(node.inputs().get(i))) : Optional.empty();
        }

        @Override
        public Optional<ValueInfo> declared(String valueName) {
            return Optional.ofNullable(scope.declared(valueName));
        }

        @Override
        public List<Output<?>> subgraph(String attribute, String instance, List<Output<?>> inputs, List<TensorData> known) {
            dev.rsr.ir.Graph body = node.attribute(attribute).filter(a -> a.kind() == Attribute.Kind.GRAPH)
                    .orElseThrow(() -> error("graph attribute '" + attribute + "' is required")).asGraph();
            if (body.inputs().size() != inputs.size()) {
                throw error("attribute '" + attribute + "' takes " + body.inputs().size() + " inputs, but " + inputs.size() + " are given");
            }
            Scope inner = new Scope(scope, new HashMap<>(), new HashMap<>(), body);
            for (int i = 0; i < inputs.size(); i++) {
                String name = body.inputs().get(i).name();
                inner.values.put(name, inputs.get(i));
                if (known != null && known.get(i) != null) {
                    inner.constants.put(name, known.get(i));
                }
            }
            Ops ops = tf.withSubScope(opName(instance));
            // A subgraph's initializers are constants: only the main graph's become trainable variables.
            for (Map.Entry<String, TensorData> e : body.initializers().entrySet()) {
                if (!inner.values.containsKey(e.getKey())) {
                    inner.constants.put(e.getKey(), e.getValue());
                    inner.values.put(e.getKey(), TfGraphs.constant(ops.withName(opName("const/" + e.getKey())).scope(), e.getValue()));
                }
            }
            convertNodes(body.nodes(), opset, ops, inner);
            List<Output<?>> outs = new ArrayList<>();
            for (ValueInfo out : body.outputs()) {
                Output<?> v = inner.value(out.name());
                if (v == null) {
                    throw error("attribute '" + attribute + "' does not produce its output '" + out.name() + "'");
                }
                outs.add(v);
            }
            return outs;
        }

        @Override
        public OperationBuilder op(String tfOpType) {
            return tf.scope().opBuilder(tfOpType, tfOpType);
        }
        @Override
        public Output<?> constant(TensorData value) {
            return TfGraphs.constant(tf.scope(), value);
        }

        @Override
        public Output<?> scalar(double value, DataType type) {
            return constant(switch (type) {
                case FLOAT -> TensorData.scalarFloat((float) value);
                case DOUBLE -> TensorData.ofDoubles(new long[0], value);
                case INT64 -> TensorData.scalarLong((long) value);
                case INT32 -> TensorData.ofInts(new long[0], (int) value);
                default -> throw error("no scalar constant of type " + type.onnxName());
            });
        }

        @Override
        public DataType typeOf(Output<?> value) {
            return TfTensors.fromTf(value.dataType());
        }

        @Override
        public int rank(Output<?> value) {
            Shape s = value.shape();
            if (s.isUnknown()) {
                throw error("TensorFlow cannot infer the rank of " + value.name() + "; declare input shapes in the model");
            }
            return s.numDimensions();
        }
    }
}
