package dev.rsr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rsr.engine.TensorExamples;
import dev.rsr.error.DataException;
import dev.rsr.error.RsrException;
import dev.rsr.io.Utf8Lines;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.serve.JsonTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads labelled examples of any classifier from JSONL: one JSON object per line holding the
 * model's inputs as {@code rsr predict} takes them (named arrays, one example, without the batch
 * dimension) and an integer {@code label}, a class id in {@code 0 .. classes-1}. Every problem is
 * a {@link DataException} naming the file, the line and the field.
 */
final class TensorExamplesReader {
    static final String LABEL = "label";

    private final List<ValueInfo> inputs;
    private final int classes;

    /**
     * @param inputs  the model's fed inputs, batch first
     * @param classes the number of classes
     */
    TensorExamplesReader(List<ValueInfo> inputs, int classes) {
        this.inputs = List.copyOf(inputs);
        this.classes = classes;
    }

    TensorExamples read(Path file) throws IOException {
        List<Map<String, TensorData>> examples = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        Map<String, long[]> firstShapes = new LinkedHashMap<>();
        long firstLine = 0;
        try (Utf8Lines lines = Utf8Lines.open(file)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (line.isBlank()) {
                    continue;
                }
                String where = file + " line " + lines.lineNumber();
                JsonNode node = dev.rsr.data.StrictJson.objectLine(line, where, "of named input arrays and a \"label\"");
                labels.add(label(node.get(LABEL), where));
                Map<String, TensorData> example = example(node, where);
                if (firstShapes.isEmpty()) {
                    example.forEach((name, t) -> firstShapes.put(name, t.shape()));
                    firstLine = lines.lineNumber();
                } else {
                    for (Map.Entry<String, TensorData> e : example.entrySet()) {
                        long[] expected = firstShapes.get(e.getKey());
                        if (!Arrays.equals(expected, e.getValue().shape())) {
                            throw new DataException(where + ": field '" + e.getKey() + "' has shape "
                                    + dev.rsr.ir.Shape.format(e.getValue().shape()) + " but line " + firstLine + " has "
                                    + dev.rsr.ir.Shape.format(expected) + "; every example of an input must have the same shape");
                        }
                    }
                }
                examples.add(example);
            }
        }
        if (examples.isEmpty()) {
            throw new DataException(file + ": no examples (the file is empty or blank)");
        }
        return new TensorExamples(examples, labels.stream().mapToLong(Long::longValue).toArray());
    }

    private long label(JsonNode label, String where) {
        if (label == null) {
            throw new DataException(where + ": missing field '" + LABEL + "' (an integer class id, 0 to " + (classes - 1) + ")");
        }
        if (!label.isIntegralNumber() || !label.canConvertToLong()) {
            throw new DataException(where + ": field '" + LABEL + "' must be an integer class id, 0 to " + (classes - 1) + ", but is "
                    + abbreviate(label.toString()));
        }
        long c = label.longValue();
        if (c < 0 || c >= classes) {
            throw new DataException(where + ": field '" + LABEL + "' is " + c + ", outside the model's classes 0 to " + (classes - 1));
        }
        return c;
    }

    private Map<String, TensorData> example(JsonNode node, String where) {
        for (java.util.Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals(LABEL) && inputs.stream().noneMatch(v -> v.name().equals(name))) {
                throw new DataException(where + ": unknown field '" + name + "'; the model's inputs are "
                        + inputs.stream().map(ValueInfo::name).toList() + ", and '" + LABEL + "'");
            }
        }
        Map<String, TensorData> example = new LinkedHashMap<>();
        for (ValueInfo v : inputs) {
            JsonNode value = node.get(v.name());
            if (value == null) {
                throw new DataException(where + ": missing field '" + v.name() + "', the model's input " + v.type().onnxName()
                        + JsonTensors.exampleShape(v.shape()) + " (one example, without the batch dimension)");
            }
            try {
                TensorData t = JsonTensors.parse(value, v.type(), v.name());
                String mismatch = JsonTensors.exampleShape(v.shape()).mismatch(t.shape());
                if (mismatch != null) {
                    throw new DataException("field '" + v.name() + "': " + mismatch + " (one example, without the batch dimension)");
                }
                example.put(v.name(), t);
            } catch (RsrException | IllegalArgumentException e) {
                throw new DataException(where + ": " + e.getMessage(), e);
            }
        }
        return example;
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
