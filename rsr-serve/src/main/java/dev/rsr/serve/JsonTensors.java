package dev.rsr.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rsr.error.DataException;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Shape;
import dev.rsr.ir.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Nested JSON arrays ⇄ {@link TensorData}, and stacking examples into batches and back: the one
 * JSON tensor reader and writer of {@code rsr predict} and {@code rsr serve}.
 */
public final class JsonTensors {
    private static final com.fasterxml.jackson.core.JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactory();

    private JsonTensors() {
    }

    /** Writes one JSON document. */
    @FunctionalInterface
    public interface JsonWriter {
        void write(JsonGenerator gen) throws IOException;
    }

    /** The bytes (UTF-8) of the JSON document {@code writer} writes; in memory, so an I/O failure is a bug. */
    public static byte[] toBytes(JsonWriter writer) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            writer.write(gen);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Parses a (possibly nested) JSON array or a number as a tensor of {@code type}. */
    public static TensorData parse(JsonNode node, DataType type, String input) {
        List<Long> dims = new ArrayList<>();
        for (JsonNode n = node; n.isArray(); n = n.get(0)) {
            dims.add((long) n.size());
            if (n.isEmpty()) {
                break;
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        int count = (int) TensorData.elementCount(shape);
        ByteBuffer data = ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        fill(node, 0, shape, type, input, data, new StringBuilder());
        data.flip();
        return TensorData.wrapRaw(type, shape, data);
    }

    private static void fill(JsonNode node, int depth, long[] shape, DataType type, String input, ByteBuffer out, StringBuilder path) {
        if (depth < shape.length) {
            if (!node.isArray() || node.size() != shape[depth]) {
                throw new DataException("input '" + input + "' is not a rectangular array: element " + input + path + " should be an array of "
                        + shape[depth] + " but is " + describe(node));
            }
            for (int i = 0; i < node.size(); i++) {
                int mark = path.length();
                path.append('[').append(i).append(']');
                fill(node.get(i), depth + 1, shape, type, input, out, path);
                path.setLength(mark);
            }
            return;
        }
        String where = input + path;
        switch (type) {
            case FLOAT -> out.putFloat((float) finite(node, where, type, Float.MAX_VALUE));
            case DOUBLE -> out.putDouble(finite(node, where, type, Double.MAX_VALUE));
            case INT64 -> out.putLong(integral(node, where, type, Long.MIN_VALUE, Long.MAX_VALUE));
            case INT32 -> out.putInt((int) integral(node, where, type, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case BOOL -> {
                if (!node.isBoolean()) {
                    throw new DataException(where + " must be true or false but is " + describe(node));
                }
                out.put((byte) (node.booleanValue() ? 1 : 0));
            }
            default -> throw new DataException("input '" + input + "' is " + type.onnxName()
                    + ", which JSON input does not support (use float, double, int64, int32 or bool inputs)");
        }
    }

    /**
     * A number within {@code [-max, max]}: JSON has no infinity, so a value past the type's range
     * (1e39 for float, 1e400 for double) is a mistake, not a request to compute with infinity.
     */
    private static double finite(JsonNode node, String where, DataType type, double max) {
        if (!node.isNumber()) {
            throw new DataException(where + " must be a number (" + type.onnxName() + ") but is " + describe(node));
        }
        double v = node.doubleValue();
        if (!(Math.abs(v) <= max)) {
            throw new DataException(where + " is " + describe(node) + ", outside the range of " + type.onnxName());
        }
        return v;
    }

    private static long integral(JsonNode node, String where, DataType type, long min, long max) {
        if (!node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToLong()
                || node.longValue() < min || node.longValue() > max) {
            throw new DataException(where + " must be an integer (" + type.onnxName() + ") but is " + describe(node));
        }
        return node.longValue();
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        return (node.isArray() ? "an array " : "") + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }

    /** Writes example {@code index} of a batched tensor (its leading dimension) as nested JSON arrays. */
    public static void writeExample(JsonGenerator gen, TensorData batch, int index) throws IOException {
        long[] shape = batch.shape();
        if (shape.length == 0 || index >= shape[0]) {
            throw new DataException("output " + batch + " has no batch entry " + index);
        }
        long[] inner = java.util.Arrays.copyOfRange(shape, 1, shape.length);
        int per = (int) TensorData.elementCount(inner);
        writeNested(gen, batch, inner, 0, index * per);
    }

    /** Writes a whole tensor as nested JSON arrays. */
    public static void write(JsonGenerator gen, TensorData t) throws IOException {
        writeNested(gen, t, t.shape(), 0, 0);
    }

    /**
     * Writes {@code count} elements of {@code t} from element {@code first} as one flat JSON array
     * (row-major), as the Open Inference Protocol sends tensor data.
     */
    public static void writeFlat(JsonGenerator gen, TensorData t, int first, int count) throws IOException {
        gen.writeStartArray();
        for (int i = first; i < first + count; i++) {
            writeElement(gen, t, i);
        }
        gen.writeEndArray();
    }

    private static int writeNested(JsonGenerator gen, TensorData t, long[] shape, int depth, int offset) throws IOException {
        if (depth == shape.length) {
            writeElement(gen, t, offset);
            return offset + 1;
        }
        gen.writeStartArray();
        for (long i = 0; i < shape[depth]; i++) {
            offset = writeNested(gen, t, shape, depth + 1, offset);
        }
        gen.writeEndArray();
        return offset;
    }

    private static void writeElement(JsonGenerator gen, TensorData t, int i) throws IOException {
        double v = t.getAsDouble(i);
        switch (t.type()) {
            case FLOAT, FLOAT16, BFLOAT16 -> gen.writeNumber((float) v);
            case DOUBLE -> gen.writeNumber(v);
            case BOOL -> gen.writeBoolean(v != 0);
            case INT64 -> gen.writeNumber(t.rawBuffer().getLong(i * 8));
            case UINT64 -> gen.writeNumber(Long.toUnsignedString(t.rawBuffer().getLong(i * 8)));
            default -> gen.writeNumber((long) v);
        }
    }

    /** The declared shape of one example: the declared shape without its batch dimension. */
    public static Shape exampleShape(Shape declared) {
        return declared.hasRank() ? Shape.of(declared.dims().subList(1, declared.rank())) : declared;
    }
}
