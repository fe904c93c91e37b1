package dev.rsr.ir;

import java.util.List;
import java.util.Objects;

/**
 * A node attribute with ONNX semantics. The value's Java type follows the kind:
 * {@code Float}, {@code Long}, {@code String}, {@link TensorData}, {@link Graph}, or an
 * unmodifiable {@code List} of one of those for the plural kinds.
 *
 * @param name  the attribute name, e.g. {@code axis}
 * @param kind  the ONNX attribute type
 * @param value the value, of the Java type the kind calls for
 */
public record Attribute(String name, Kind kind, Object value) {

    /** ONNX {@code AttributeProto.AttributeType}, minus the sparse-tensor and type-proto kinds. */
    public enum Kind {
        /** One {@code Float}. */
        FLOAT,
        /** One {@code Long} (ONNX ints are 64-bit). */
        INT,
        /** One {@code String}. */
        STRING,
        /** One {@link TensorData}. */
        TENSOR,
        /** One {@link Graph}, e.g. a branch of {@code If}. */
        GRAPH,
        /** A list of {@code Float}. */
        FLOATS,
        /** A list of {@code Long}. */
        INTS,
        /** A list of {@code String}. */
        STRINGS,
        /** A list of {@link TensorData}. */
        TENSORS,
        /** A list of {@link Graph}. */
        GRAPHS
    }

    /**
     * Checks that the value's Java type matches the kind and copies a list value.
     *
     * @param name  the attribute name, e.g. {@code axis}
     * @param kind  the ONNX attribute type
     * @param value the value, of the Java type the kind calls for
     * @throws IllegalArgumentException when the value does not fit the kind
     */
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

    /**
     * A float attribute.
     *
     * @param name the attribute name
     * @param v    the value
     * @return an attribute of kind {@link Kind#FLOAT}
     */
    public static Attribute of(String name, float v) {
        return new Attribute(name, Kind.FLOAT, v);
    }

    /**
     * An int attribute (ONNX ints are 64-bit).
     *
     * @param name the attribute name
     * @param v    the value
     * @return an attribute of kind {@link Kind#INT}
     */
    public static Attribute of(String name, long v) {
        return new Attribute(name, Kind.INT, v);
    }

    /**
     * A string attribute.
     *
     * @param name the attribute name
     * @param v    the value
     * @return an attribute of kind {@link Kind#STRING}
     */
    public static Attribute of(String name, String v) {
        return new Attribute(name, Kind.STRING, v);
    }

    /**
     * A tensor attribute.
     *
     * @param name the attribute name
     * @param v    the value
     * @return an attribute of kind {@link Kind#TENSOR}
     */
    public static Attribute of(String name, TensorData v) {
        return new Attribute(name, Kind.TENSOR, v);
    }

    /**
     * A graph attribute.
     *
     * @param name the attribute name
     * @param v    the value
     * @return an attribute of kind {@link Kind#GRAPH}
     */
    public static Attribute of(String name, Graph v) {
        return new Attribute(name, Kind.GRAPH, v);
    }

    /**
     * A floats attribute; the values are copied.
     *
     * @param name   the attribute name
     * @param values the values, in order
     * @return an attribute of kind {@link Kind#FLOATS}
     */
    public static Attribute ofFloats(String name, float... values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return new Attribute(name, Kind.FLOATS, List.of(boxed));
    }

    /**
     * An ints attribute; the values are copied.
     *
     * @param name   the attribute name
     * @param values the values, in order
     * @return an attribute of kind {@link Kind#INTS}
     */
    public static Attribute ofInts(String name, long... values) {
        Long[] boxed = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return new Attribute(name, Kind.INTS, List.of(boxed));
    }

    /**
     * A strings attribute; the values are copied.
     *
     * @param name   the attribute name
     * @param values the values, in order
     * @return an attribute of kind {@link Kind#STRINGS}
     */
    public static Attribute ofStrings(String name, List<String> values) {
        return new Attribute(name, Kind.STRINGS, values);
    }

    /**
     * A tensors attribute; the values are copied.
     *
     * @param name   the attribute name
     * @param values the values, in order
     * @return an attribute of kind {@link Kind#TENSORS}
     */
    public static Attribute ofTensors(String name, List<TensorData> values) {
        return new Attribute(name, Kind.TENSORS, values);
    }

    /**
     * A graphs attribute; the values are copied.
     *
     * @param name   the attribute name
     * @param values the values, in order
     * @return an attribute of kind {@link Kind#GRAPHS}
     */
    public static Attribute ofGraphs(String name, List<Graph> values) {
        return new Attribute(name, Kind.GRAPHS, values);
    }

    /**
     * The value of a {@link Kind#FLOAT} attribute.
     *
     * @return the value
     * @throws IllegalStateException when the attribute is of another kind
     */
    public float asFloat() {
        return (Float) expect(Kind.FLOAT);
    }

    /**
     * The value of an {@link Kind#INT} attribute.
     *
     * @return the value
     * @throws IllegalStateException when the attribute is of another kind
     */
    public long asInt() {
        return (Long) expect(Kind.INT);
    }

    /**
     * The value of a {@link Kind#STRING} attribute.
     *
     * @return the value
     * @throws IllegalStateException when the attribute is of another kind
     */
    public String asString() {
        return (String) expect(Kind.STRING);
    }

    /**
     * The value of a {@link Kind#TENSOR} attribute.
     *
     * @return the value
     * @throws IllegalStateException when the attribute is of another kind
     */
    public TensorData asTensor() {
        return (TensorData) expect(Kind.TENSOR);
    }

    /**
     * The value of a {@link Kind#GRAPH} attribute.
     *
     * @return the value
     * @throws IllegalStateException when the attribute is of another kind
     */
    public Graph asGraph() {
        return (Graph) expect(Kind.GRAPH);
    }

    /**
     * The values of a {@link Kind#FLOATS} attribute.
     *
     * @return a new array of the values
     * @throws IllegalStateException when the attribute is of another kind
     */
    public float[] asFloats() {
        List<?> list = (List<?>) expect(Kind.FLOATS);
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Float) list.get(i);
        }
        return out;
    }

    /**
     * The values of an {@link Kind#INTS} attribute.
     *
     * @return a new array of the values
     * @throws IllegalStateException when the attribute is of another kind
     */
    public long[] asInts() {
        List<?> list = (List<?>) expect(Kind.INTS);
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Long) list.get(i);
        }
        return out;
    }

    /**
     * The values of a {@link Kind#STRINGS} attribute.
     *
     * @return the values, unmodifiable
     * @throws IllegalStateException when the attribute is of another kind
     */
    @SuppressWarnings("unchecked")
    public List<String> asStrings() {
        return (List<String>) expect(Kind.STRINGS);
    }

    /**
     * The values of a {@link Kind#TENSORS} attribute.
     *
     * @return the values, unmodifiable
     * @throws IllegalStateException when the attribute is of another kind
     */
    @SuppressWarnings("unchecked")
    public List<TensorData> asTensors() {
        return (List<TensorData>) expect(Kind.TENSORS);
    }

    /**
     * The values of a {@link Kind#GRAPHS} attribute.
     *
     * @return the values, unmodifiable
     * @throws IllegalStateException when the attribute is of another kind
     */
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
