package dev.rsr.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rsr.engine.TextTask;
import dev.rsr.error.DataException;
import dev.rsr.error.RsrException;
import dev.rsr.inference.Predictor;
import dev.rsr.io.AtomicFiles;
import dev.rsr.io.Utf8Lines;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.serve.JsonTensors;
import dev.rsr.serve.TextClassification;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Run a model on a JSONL file: one JSON object of named input arrays per line in (one example, "
                + "without the batch dimension), one object of named output arrays per line out.",
                "A model written by rsr finetune also takes raw text, {\"text\": \"...\"}, tokenized as in training; "
                        + "its output lines then start with the predicted \"label\".",
                "Consecutive lines of equal shapes are batched. The output file appears only when every line succeeded."})
final class PredictCommand implements Callable<Integer> {
    @PathRole(PathRole.Kind.INPUT_FILE)
    @Option(names = "--model", required = true, description = "The ONNX file.")
    Path model;

    @PathRole(PathRole.Kind.INPUT_FILE)
    @Option(names = "--input", required = true, description = "JSONL input, one example per line.")
    Path input;

    @PathRole(PathRole.Kind.OUTPUT_FILE)
    @Option(names = "--output", required = true, description = "JSONL output, one line per input line.")
    Path output;

    @Range(min = 1, max = 65536)
    @Option(names = "--batch-size", defaultValue = "32", description = "Examples per model call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    ServingOptions serving;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;


    /** One parsed input line: named input arrays, or (for a model that carries its tokenizer) token ids of a raw text. */
    private record Example(long line, Map<String, TensorData> inputs, long[] tokenIds) {
        boolean fromText() {
            return tokenIds != null;
        }
    }

    /** The task (tokenizer, labels) the model carries, if any: then lines may be {"text": ...}. */
    private TextTask task;
    /** How that task turns texts into inputs and outputs into labels; null without a task. */
    private TextClassification text;

    @Override
    public Integer call() {
        ModelGraph graph = ServingOptions.read(model);
        task = TextTask.fromModel(graph, model.toString()).orElse(null);
        long start = System.nanoTime();
        long[] count = {0};
        try (Predictor predictor = serving.open(graph)) {
            text = task == null ? null : new TextClassification(task, predictor.inputs());
            boolean batched = predictor.inputs().stream()
                    .allMatch(v -> v.shape().hasRank() && v.shape().rank() > 0 && !v.shape().dim(0).isFixed());
            AtomicFiles.write(output, out -> count[0] = run(predictor, batched, out));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        spec.commandLine().getErr().printf("predicted %d examples in %.2f s (%.0f examples/s) -> %s%n", count[0], seconds,
                count[0] / seconds, output);
        return 0;
    }

    private long run(Predictor predictor, boolean batched, OutputStream out) throws IOException {
        JsonGenerator gen = new JsonFactory().createGenerator(out);
        gen.setRootValueSeparator(null);
        List<Example> pending = new ArrayList<>();
        long examples = 0;
        try (Utf8Lines lines = Utf8Lines.open(input)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (line.isBlank()) {
                    continue;
                }
                Example example = parse(line, lines.lineNumber(), predictor.inputs(), batched);
                if (!pending.isEmpty() && (!batched || pending.size() >= batchSize || !sameShapes(pending.get(0), example))) {
                    examples += flush(predictor, batched, pending, gen);
                }
                pending.add(example);
            }
        }
        if (!pending.isEmpty()) {
            examples += flush(predictor, batched, pending, gen);
        }
        if (examples == 0) {
            throw new DataException(input + ": no examples (the file is empty or blank)");
        }
        gen.flush();
        return examples;
    }

    private Example parse(String line, long lineNo, List<ValueInfo> declared, boolean batched) {
        String where = input + " line " + lineNo;
        JsonNode node = dev.rsr.data.StrictJson.objectLine(line, where, "of named input arrays");
        if (node.has("text") && declared.stream().noneMatch(v -> v.name().equals("text"))) {
            if (task == null) {
                throw new DataException(where + ": a 'text' line needs a model that carries its tokenizer (one written by rsr finetune); "
                        + "this model takes " + declared.stream().map(ValueInfo::name).toList());
            }
            if (!node.get("text").isTextual() || node.size() != 1) {
                throw new DataException(where + ": a raw-text line is {\"text\": \"...\"} and nothing else");
            }
            return new Example(lineNo, Map.of(), text.encode(node.get("text").asText()));
        }
        Map<String, TensorData> inputs = new LinkedHashMap<>();
        for (java.util.Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (declared.stream().noneMatch(v -> v.name().equals(name))) {
                throw new DataException(where + ": unknown input '" + name + "'; the model's inputs are "
                        + declared.stream().map(ValueInfo::name).toList());
            }
        }
        for (ValueInfo v : declared) {
            JsonNode value = node.get(v.name());
            if (value == null) {
                throw new DataException(where + ": missing input '" + v.name() + "' (" + v.type().onnxName() + v.shape() + ")");
            }
            try {
                TensorData t = JsonTensors.parse(value, v.type(), v.name());
                String mismatch = (batched ? JsonTensors.exampleShape(v.shape()) : v.shape()).mismatch(t.shape());
                if (mismatch != null) {
                    throw new DataException("input '" + v.name() + "': " + mismatch
                            + (batched ? " (one example per line, without the batch dimension)" : ""));
                }
                inputs.put(v.name(), t);
            } catch (RsrException | IllegalArgumentException e) {
                throw new DataException(where + ": " + e.getMessage(), e);
            }
        }
        return new Example(lineNo, inputs, null);
    }

    private static boolean sameShapes(Example a, Example b) {
        if (a.fromText() || b.fromText()) {
            return a.fromText() && b.fromText(); // Raw texts are padded to a common length per batch.
        }
        for (Map.Entry<String, TensorData> e : a.inputs().entrySet()) {
            if (!java.util.Arrays.equals(e.getValue().shape(), b.inputs().get(e.getKey()).shape())) {
                return false;
            }
        }
        return true;
    }

    private int flush(Predictor predictor, boolean batched, List<Example> pending, JsonGenerator gen) throws IOException {
        Map<String, TensorData> feeds = new LinkedHashMap<>();
        if (pending.get(0).fromText()) {
            feeds.putAll(text.feeds(pending.stream().map(Example::tokenIds).toList()));
        }
        for (String name : pending.get(0).inputs().keySet()) {
            feeds.put(name, batched ? TensorData.stack(pending.stream().map(e -> e.inputs().get(name)).toList())
                    : pending.get(0).inputs().get(name));
        }
        Map<String, TensorData> outputs;
        try {
            outputs = predictor.predict(feeds);
        } catch (RsrException e) {
            long first = pending.get(0).line(), last = pending.get(pending.size() - 1).line();
            throw new DataException(input + (first == last ? " line " + first : " lines " + first + "-" + last) + ": "
                    + e.getMessage(), e);
        }
        List<TextClassification.Prediction> predicted = text != null && TextClassification.producesLogits(predictor.outputs())
                ? text.predictions(outputs) : null;
        for (int i = 0; i < pending.size(); i++) {
            gen.writeStartObject();
            if (predicted != null) {
                gen.writeStringField("label", predicted.get(i).label());
            }
            for (Map.Entry<String, TensorData> e : outputs.entrySet()) {
                gen.writeFieldName(e.getKey());
                if (batched) {
                    JsonTensors.writeExample(gen, e.getValue(), i);
                } else {
                    JsonTensors.write(gen, e.getValue());
                }
            }
            gen.writeEndObject();
            gen.writeRaw('\n');
        }
        int n = pending.size();
        pending.clear();
        return n;
    }
}
