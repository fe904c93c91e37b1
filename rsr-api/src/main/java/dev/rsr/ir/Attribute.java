package dev.rsr.ir;

import java.util.List;
import java.util.Objects;

/**
 * A node attribute with ONNX semantics. The value's Java type follows the kind:
 * {@code Float}, {@code Long}, {@code String}, {@link TensorData}, {@link Graph}, or an
 * unmodifiable {@code List} of one of those for the plural kinds.
 */
public record Attribute(String name, Kind kind, Object value) {

    /** ONNX {@code AttributeProto.AttributeType}, minus the sparse-tensor and type-proto kinds. */
    public enum Kind {
        FLOAT, INT, STRING, TENSOR, GRAPH, FLOATS, INTS, STRINGS, TENSORS, GRAPHS
    }

    public Attribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind of attribute " + name);
        Objects.requireNonNull(value, "value of attribute " + name);
        Class<?> expected = switch (kind) {
            case FLOAT -> Float.class;
            case INT -> Long.class;
            case STRING -> String.class;
            case TENSOR -> TensorData.class;
            case GRAPH -> Graph.class;
            default -> List.class;
        };
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException("attribute " + name + " of kind " + kind + " cannot hold a "
                    + value.getClass().getSimpleName());
        }
        if (value instanceof List<?> list) {
            value = List.copyOf(list);
        }
    }

    public static Attribute of(String name, float v) {
        return new Attribute(name, Kind.FLOAT, v);
    }

    public static Attribute of(String name, long v) {
        return new Attribute(name, Kind.INT, v);
    }

    public static Attribute of(String name, String v) {
        return new Attribute(name, Kind.STRING, v);
    }

    public static Attribute of(String name, TensorData v) {
        return new Attribute(name, Kind.TENSOR, v);
    }

    public static Attribute of(String name, Graph v) {
        return new Attribute(name, Kind.GRAPH, v);
    }

    public static Attribute ofFloats(String name, float... values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return new Attribute(name, Kind.FLOATS, List.of(boxed));
    }

    public static Attribute ofInts(String name, long... values) {
        Long[] boxed = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return new Attribute(name, Kind.INTS, List.of(boxed));
    }

    public static Attribute ofStrings(String name, List<String> values) {
        return new Attribute(name, Kind.STRINGS, values);
    }

    public static Attribute ofTensors(String name, List<TensorData> values) {
        return new Attribute(name, Kind.TENSORS, values);
    }

    public static Attribute ofGraphs(String name, List<Graph> values) {
        return new Attribute(name, Kind.GRAPHS, values);
    }

    public float asFloat() {
        return (Float) expect(Kind.FLOAT);
    }

    public long asInt() {
        return (Long) expect(Kind.INT);
    }

    public String asString() {
        return (String) expect(Kind.STRING);
    }

    public TensorData asTensor() {
        return (TensorData) expect(Kind.TENSOR);
    }

    public Graph asGraph() {
        return (Graph) expect(Kind.GRAPH);
    }

    public float[] asFloats() {
        List<?> list = (List<?>) expect(Kind.FLOATS);
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Float) list.get(i);
        }
        return out;
    }

    public long[] asInts() {
        List<?> list = (List<?>) expect(Kind.INTS);
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Long) list.get(i);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public List<String> asStrings() {
        return (List<String>) expect(Kind.STRINGS);
    }

    @SuppressWarnings("unchecked")
    public List<TensorData> asTensors() {
        return (List<TensorData>) expect(Kind.TENSORS);
    }

    @SuppressWarnings("unchecked")
    public List<Graph> asGraphs() {
        return (List<Graph>) expect(Kind.GRAPHS);
    }

    private Object expect(Kind wanted) {
        if (kind != wanted) {
            throw new IllegalStateException("attribute '" + name + "' is " + kind + ", not " + wanted);
        }
        return value;
    }
}
