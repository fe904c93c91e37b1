package dev.rsr.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rsr.error.DataException;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Shape;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol's JSON (KServe v2 REST): model metadata, inference requests (checked
 * field by field, every message naming the field at fault) and inference responses.
 */
final class InferenceProtocol {
    /** Most elements in one input tensor: {@link TensorData}'s own limit. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE / 8;

    private InferenceProtocol() {
    }

    /**
     * A checked inference request.
     *
     * @param id      the request's id, echoed in the response; null when it had none
     * @param feeds   every model input, by name, in the model's order
     * @param rows    the shared first dimension (1 for a model that is not batched)
     * @param outputs the outputs to answer with, in the request's order; every output when it named none
     */
    record Request(String id, Map<String, TensorData> feeds, int rows, List<String> outputs) {
    }

    static Request parseInfer(JsonNode body, ServedModel model) {
        if (body == null || !body.isObject()) {
            throw HttpError.badRequest("request body: expected a JSON object with \"inputs\", got " + kind(body));
        }
        String id = null;
        JsonNode idNode = body.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual()) {
                throw HttpError.badRequest("id: must be a string, got " + kind(idNode));
            }
            id = idNode.asText();
        }
        JsonNode inputs = body.get("inputs");
        if (inputs == null || !inputs.isArray()) {
            throw HttpError.badRequest("inputs: required, an array of {name, shape, datatype, data}; got " + kind(inputs));
        }
        List<ValueInfo> declared = model.predictor.inputs();
        Map<String, TensorData> given = new LinkedHashMap<>();
        Map<String, Integer> position = new java.util.HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            String field = "inputs[" + i + "]";
            JsonNode in = inputs.get(i);
            if (!in.isObject()) {
                throw HttpError.badRequest(field + ": expected an object with name, shape, datatype and data, got " + kind(in));
            }
            String name = text(in, field + ".name");
            ValueInfo v = declared.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow(() -> HttpError.badRequest(
                    field + ".name: unknown input '" + name + "'; model '" + model.name + "' takes " + names(declared)));
            if (given.containsKey(name)) {
                throw HttpError.badRequest(field + ".name: input '" + name + "' is given twice");
            }
            given.put(name, parseTensor(in, field, v, model));
            position.put(name, i);
        }
        Map<String, TensorData> feeds = new LinkedHashMap<>();
        for (ValueInfo v : declared) {
            TensorData t = given.get(v.name());
            if (t == null) {
                throw HttpError.badRequest("inputs: missing input '" + v.name() + "' (" + Datatypes.name(v.type()) + " " + metadataShapeText(v.shape()) + ")");
            }
            feeds.put(v.name(), t);
        }
        int rows = 1;
        if (model.batchable) {
            long first = -1;
            for (Map.Entry<String, TensorData> e : feeds.entrySet()) {
                long d = e.getValue().dim(0);
                if (first >= 0 && d != first) {
                    throw HttpError.badRequest("inputs: the first dimension (the batch) differs: " + first + " for '"
                            + feeds.keySet().iterator().next() + "', " + d + " for '" + e.getKey() + "'");
                }
                first = d;
            }
            if (first < 1) {
                throw HttpError.badRequest("inputs: the first dimension (the batch) is 0; send at least one row");
            }
            rows = (int) first;
        }
        checkSharedDimensions(declared, feeds, position);
        return new Request(id, feeds, rows, requestedOutputs(body.get("outputs"), model));
    }

    /**
     * Dimensions the model names alike ({@code sequence} of {@code input_ids} and of
     * {@code attention_mask}) must have one size in the request, as ONNX defines; otherwise ONNX
     * Runtime fails deep inside the graph with a message that names a node, not the input.
     */
    private static void checkSharedDimensions(List<ValueInfo> declared, Map<String, TensorData> feeds, Map<String, Integer> position) {
        Map<String, String> firstSeen = new java.util.HashMap<>();
        Map<String, Long> sizes = new java.util.HashMap<>();
        for (ValueInfo v : declared) {
            if (!v.shape().hasRank()) {
                continue;
            }
            long[] shape = feeds.get(v.name()).shape();
            for (int d = 0; d < v.shape().rank(); d++) {
                if (!v.shape().dim(d).isSymbolic()) {
                    continue;
                }
                String symbol = v.shape().dim(d).symbol();
                Long size = sizes.putIfAbsent(symbol, shape[d]);
                if (size == null) {
                    firstSeen.put(symbol, "input '" + v.name() + "'");
                } else if (size != shape[d]) {
                    throw HttpError.badRequest("inputs[" + position.get(v.name()) + "].shape[" + d + "]: input '" + v.name() + "' has "
                            + shape[d] + " for dimension '" + symbol + "', but " + firstSeen.get(symbol) + " has " + size);
                }
            }
        }
    }

    private static TensorData parseTensor(JsonNode in, String field, ValueInfo v, ServedModel model) {
        String datatype = text(in, field + ".datatype");
        DataType type = Datatypes.of(datatype).orElseThrow(() -> HttpError.badRequest(field + ".datatype: '" + datatype
                + "' is not a datatype this server takes in JSON (BOOL, INT32, INT64, FP32, FP64)"));
        if (type != v.type()) {
            throw HttpError.badRequest(field + ".datatype: input '" + v.name() + "' is " + Datatypes.name(v.type()) + ", not " + datatype);
        }
        JsonNode shapeNode = in.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw HttpError.badRequest(field + ".shape: required, an array of sizes; got " + kind(shapeNode));
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int d = 0; d < shape.length; d++) {
            JsonNode s = shapeNode.get(d);
            if (!s.canConvertToExactIntegral() || !s.canConvertToLong() || s.longValue() < 0) {
                throw HttpError.badRequest(field + ".shape[" + d + "]: must be a size (an integer >= 0), got " + s);
            }
            shape[d] = s.longValue();
            // Checked before multiplying: a product past Long.MAX_VALUE wraps (to zero for [4, 2^62]). Each
            // size is bounded too, so that a zero elsewhere cannot carry a huge size into the model's own shape arithmetic.
            if (shape[d] > MAX_ELEMENTS || count != 0 && shape[d] > MAX_ELEMENTS / count) {
                throw HttpError.badRequest(field + ".shape: " + Shape.format(java.util.Arrays.copyOf(shape, d + 1)) + " is too large");
            }
            count *= shape[d];
        }
        if (model.batchable && shape.length > 0 && shape[0] > model.maxRequestRows) {
            // Before the data is read: rows past the limit would all go to the model in one call.
            throw HttpError.badRequest(field + ".shape[0]: " + shape[0] + " rows, more than the server's limit of " + model.maxRequestRows
                    + " per request; send them in several requests");
        }
        String mismatch = v.shape().mismatch(shape);
        if (mismatch != null) {
            throw HttpError.badRequest(field + ".shape: input '" + v.name() + "': " + mismatch);
        }
        JsonNode data = in.get("data");
        if (data == null || data.isNull()) {
            throw HttpError.badRequest(field + ".data: required, the tensor's elements (flat, row-major)");
        }
        TensorData parsed;
        try {
            parsed = JsonTensors.parse(data, type, v.name());
        } catch (DataException | IllegalArgumentException e) {
            throw HttpError.badRequest(field + ".data: " + e.getMessage());
        }
        if (parsed.elementCount() != count) {
            throw HttpError.badRequest(field + ".data: " + parsed.elementCount() + " elements, but shape " + Shape.format(shape)
                    + " needs " + count);
        }
        TensorData t = TensorData.wrapRaw(type, shape, parsed.rawBuffer());
        String violation = model.bounds.violation(v.name(), t);
        if (violation != null) {
            throw HttpError.badRequest((violation.contains("dimension") ? field + ".shape: " : field + ".data: ") + violation);
        }
        return t;
    }

    private static List<String> requestedOutputs(JsonNode outputs, ServedModel model) {
        List<String> all = model.predictor.outputs().stream().map(ValueInfo::name).toList();
        if (outputs == null || outputs.isNull()) {
            return all;
        }
        if (!outputs.isArray()) {
            throw HttpError.badRequest("outputs: must be an array of {name}, got " + kind(outputs));
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            JsonNode o = outputs.get(i);
            String field = "outputs[" + i + "]";
            if (!o.isObject()) {
                throw HttpError.badRequest(field + ": expected an object with a name, got " + kind(o));
            }
            String name = text(o, field + ".name");
            if (!all.contains(name)) {
                throw HttpError.badRequest(field + ".name: unknown output '" + name + "'; model '" + model.name + "' has " + all);
            }
            names.add(name);
        }
        return names.isEmpty() ? all : names;
    }

    private static String text(JsonNode object, String field) {
        JsonNode n = object.get(field.substring(field.lastIndexOf('.') + 1));
        if (n == null || !n.isTextual()) {
            throw HttpError.badRequest(field + ": required, a string; got " + kind(n));
        }
        return n.asText();
    }

    static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        String s = n.toString();
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + (s.length() > 40 ? s.substring(0, 40) + "…" : s);
    }

    private static String names(List<ValueInfo> values) {
        return values.stream().map(ValueInfo::name).toList().toString();
    }

    /** Sizes as the protocol writes them: -1 for a dimension of any size. */
    static long[] metadataShape(Shape shape) {
        if (!shape.hasRank()) {
            return new long[] {-1};
        }
        return shape.dims().stream().mapToLong(d -> d.isFixed() ? d.size() : -1).toArray();
    }

    private static String metadataShapeText(Shape shape) {
        return Shape.format(metadataShape(shape));
    }

    static byte[] inferResponse(ServedModel model, Request request, Map<String, TensorData> outputs) {
        return JsonTensors.toBytes(gen -> {
            gen.writeStartObject();
            gen.writeStringField("model_name", model.name);
            if (request.id() != null) {
                gen.writeStringField("id", request.id());
            }
            gen.writeArrayFieldStart("outputs");
            for (String name : request.outputs()) {
                TensorData t = outputs.get(name);
                gen.writeStartObject();
                gen.writeStringField("name", name);
                gen.writeStringField("datatype", Datatypes.name(t.type()));
                gen.writeArrayFieldStart("shape");
                for (long s : t.shape()) {
                    gen.writeNumber(s);
                }
                gen.writeEndArray();
                gen.writeFieldName("data");
                JsonTensors.writeFlat(gen, t, 0, t.elementCount());
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeEndObject();
        });
    }

    static byte[] metadata(ServedModel model) {
        return JsonTensors.toBytes(gen -> {
            gen.writeStartObject();
            gen.writeStringField("name", model.name);
            gen.writeArrayFieldStart("versions");
            gen.writeEndArray();
            gen.writeStringField("platform", model.platform);
            tensors(gen, "inputs", model.predictor.inputs());
            tensors(gen, "outputs", model.predictor.outputs());
            if (model.text != null) {
                gen.writeObjectFieldStart("parameters");
                gen.writeStringField("labels", String.join(",", model.text.task().labels()));
                gen.writeNumberField("max_length", model.text.task().maxLength());
                gen.writeEndObject();
            }
            gen.writeEndObject();
        });
    }

    private static void tensors(JsonGenerator gen, String field, List<ValueInfo> values) throws IOException {
        gen.writeArrayFieldStart(field);
        for (ValueInfo v : values) {
            gen.writeStartObject();
            gen.writeStringField("name", v.name());
            gen.writeStringField("datatype", Datatypes.name(v.type()));
            gen.writeArrayFieldStart("shape");
            for (long s : metadataShape(v.shape())) {
                gen.writeNumber(s);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }
        gen.writeEndArray();
    }

    static byte[] classifyResponse(ServedModel model, List<TextClassification.Prediction> predictions, boolean many) {
        List<String> labels = model.text.task().labels();
        return JsonTensors.toBytes(gen -> {
            gen.writeStartObject();
            gen.writeStringField("model_name", model.name);
            if (many) {
                gen.writeArrayFieldStart("predictions");
            }
            for (TextClassification.Prediction p : predictions) {
                if (many) {
                    gen.writeStartObject();
                }
                gen.writeStringField("label", p.label());
                gen.writeObjectFieldStart("probabilities");
                for (int c = 0; c < labels.size(); c++) {
                    gen.writeNumberField(labels.get(c), p.probabilities()[c]);
                }
                gen.writeEndObject();
                if (many) {
                    gen.writeEndObject();
                }
            }
            if (many) {
                gen.writeEndArray();
            }
            gen.writeEndObject();
        });
    }

    static byte[] error(String message) {
        return JsonTensors.toBytes(gen -> {
            gen.writeStartObject();
            gen.writeStringField("error", message);
            gen.writeEndObject();
        });
    }

    static byte[] object(Map<String, Object> fields) {
        return JsonTensors.toBytes(gen -> {
            gen.writeStartObject();
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                gen.writeFieldName(e.getKey());
                if (e.getValue() instanceof List<?> list) {
                    gen.writeStartArray();
                    for (Object o : list) {
                        gen.writeString(String.valueOf(o));
                    }
                    gen.writeEndArray();
                } else if (e.getValue() instanceof Boolean b) {
                    gen.writeBoolean(b);
                } else {
                    gen.writeString(String.valueOf(e.getValue()));
                }
            }
            gen.writeEndObject();
        });
    }
}
