package dev.rsr.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rsr.ir.Dim;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Node;
import dev.rsr.ir.ValueInfo;
import dev.rsr.spi.TrainingBackend;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Describe an ONNX model: inputs, outputs, opsets, parameters, ops, and which ops the training backend cannot compile yet.")
final class InspectCommand implements Callable<Integer> {
    @PathRole(PathRole.Kind.INPUT_FILE)
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX file.")
    Path model;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @picocli.CommandLine.Mixin
    PluginOptions pluginOptions = new PluginOptions();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelGraph graph = ServingOptions.read(model);
        Map<String, Object> report = report(graph);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            printText(report, out);
        }
        out.flush();
        return 0;
    }

    Map<String, Object> report(ModelGraph graph) throws java.io.IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("file", model.toString());
        r.put("file_bytes", Files.size(model));
        r.put("graph", graph.graph().name());
        r.put("producer", (graph.metadata().producerName() + " " + graph.metadata().producerVersion()).trim());
        r.put("ir_version", graph.metadata().irVersion());
        r.put("opsets", graph.metadata().opsetImports());
        r.put("inputs", values(graph.graph().feedInputs()));
        r.put("outputs", values(graph.graph().outputs()));
        r.put("parameters", graph.parameterCount());
        r.put("initializers", graph.graph().initializers().size());
        Map<String, Integer> groups = new LinkedHashMap<>();
        graph.metadata().parameterGroups().forEach((g, names) -> groups.put(g, names.size()));
        r.put("parameter_groups", groups);
        Map<String, Integer> ops = new TreeMap<>();
        for (Node n : graph.graph().nodes()) {
            ops.merge(n.isDefaultDomain() ? n.opType() : n.domain() + "." + n.opType(), 1, Integer::sum);
        }
        r.put("nodes", graph.graph().nodes().size());
        r.put("ops", ops);
        List<TrainingBackend> trainers = List.copyOf(pluginOptions.plugins().all(TrainingBackend.class).values());
        Map<String, Object> training = new LinkedHashMap<>();
        for (TrainingBackend backend : trainers) {
            Map<String, String> missing = new LinkedHashMap<>();
            backend.unsupportedOps(graph).forEach((op, node) -> missing.put(op, node.describe()));
            training.put(backend.name(), Map.of("unsupported_ops", missing));
        }
        r.put("training_backends", training);
        return r;
    }

    private static List<Map<String, Object>> values(List<ValueInfo> values) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ValueInfo v : values) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", v.name());
            m.put("type", v.type().onnxName());
            if (v.shape().hasRank()) {
                List<Object> dims = new ArrayList<>();
                for (Dim d : v.shape().dims()) {
                    dims.add(d.isFixed() ? (Object) d.size() : d.toString());
                }
                m.put("shape", dims);
            } else {
                m.put("shape", null);
            }
            out.add(m);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void printText(Map<String, Object> r, PrintWriter out) {
        out.printf("model        %s (%,d bytes)%n", r.get("file"), (Long) r.get("file_bytes"));
        out.printf("graph        %s, produced by %s%n", r.get("graph"), r.get("producer"));
        StringBuilder opsets = new StringBuilder();
        ((Map<String, Long>) r.get("opsets")).forEach((domain, version) -> opsets.append(opsets.length() == 0 ? "" : ", ")
                .append(domain.isEmpty() ? "ai.onnx" : domain).append(' ').append(version));
        out.printf("ONNX         IR version %s, opsets %s%n", r.get("ir_version"), opsets);
        for (String kind : List.of("inputs", "outputs")) {
            for (Map<String, Object> v : (List<Map<String, Object>>) r.get(kind)) {
                out.printf("%-12s %s: %s%s%n", kind.substring(0, kind.length() - 1), v.get("name"), v.get("type"),
                        v.get("shape") == null ? "[*]" : v.get("shape"));
            }
        }
        out.printf("parameters   %,d in %d initializers, %d groups%n", (Long) r.get("parameters"), r.get("initializers"),
                ((Map<?, ?>) r.get("parameter_groups")).size());
        out.printf("nodes        %d%n", r.get("nodes"));
        StringBuilder ops = new StringBuilder();
        ((Map<String, Integer>) r.get("ops")).forEach((op, n) -> ops.append(ops.length() == 0 ? "" : ", ").append(op).append(" ").append(n));
        out.printf("ops          %s%n", ops);
        Map<String, Object> training = (Map<String, Object>) r.get("training_backends");
        if (training.isEmpty()) {
            out.println("training     no training backend installed: cannot tell which ops compile");
        }
        training.forEach((backend, info) -> {
            Map<String, String> missing = (Map<String, String>) ((Map<String, Object>) info).get("unsupported_ops");
            out.printf("training     %s: %s%n", backend, missing.isEmpty() ? "every op compiles"
                    : "cannot compile yet: " + String.join(", ", missing.keySet())
                    + " (e.g. " + missing.values().iterator().next() + ")");
        });
    }
}
