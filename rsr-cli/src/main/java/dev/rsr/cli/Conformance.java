package dev.rsr.cli;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rsr.error.BackendException;
import dev.rsr.error.RsrException;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.DataType;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.onnx.OrtInferenceBackend;
import dev.rsr.spi.InferenceBackend;
import dev.rsr.tensorflow.GradientCheck;
import dev.rsr.tensorflow.TensorFlowInferenceBackend;
import dev.rsr.tensorflow.TensorFlowTrainingBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One ONNX backend test case (a folder with {@code model.onnx} and {@code test_data_set_N/} of
 * {@code input_K.pb} and {@code output_K.pb}) run on one backend and judged with the ONNX
 * project's tolerance. {@link #main} is the worker that {@code rsr conformance} forks, so that a
 * native crash ends a batch of cases and not the run.
 */
final class Conformance {
    static final List<String> BACKENDS = List.of("tensorflow", "onnxruntime");
    /** What a worker prints before each verdict, so that other output on stdout is ignored. */
    static final String VERDICT_PREFIX = "@@rsr-conformance ";
    /** The ONNX project's tolerance: {@code |actual − expected| ≤ ATOL + RTOL·|expected|}. */
    static final double ATOL = 1e-7, RTOL = 1e-3;

    /** How a case ended, in the order the summary lists them. */
    enum Outcome {
        PASS("pass"), WRONG("wrong"), REFUSED_IMPORT("refused on import"), REFUSED_BACKEND("refused by the backend"), ERROR("error"),
        CRASH("crash");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    /**
     * @param id      the case folder relative to the suite ({@code node/test_abs})
     * @param ops     the op types of its graph, a domain prefixed when not the default one
     * @param detail  why it did not pass, empty when it did
     * @param gradient the gradient check of a TensorFlow pass ({@link GradientCheck.Status} in lower
     *                 case), empty when none ran; {@code gradientDetail} says what it found
     */
    record Verdict(String id, String backend, Outcome outcome, String detail, List<String> ops, String gradient, String gradientDetail) {
        Verdict(String id, String backend, Outcome outcome, String detail, List<String> ops) {
            this(id, backend, outcome, detail, ops, "", "");
        }
    }

    private Conformance() {
    }

    /** Every case under {@code suite} (a folder holding {@code model.onnx}) whose id matches {@code filter}, sorted. */
    static List<String> discover(Path suite, Pattern filter) throws IOException {
        try (Stream<Path> files = Files.walk(suite, 4)) {
            return files.filter(p -> p.getFileName().toString().equals("model.onnx"))
                    .map(p -> suite.relativize(p.getParent()).toString().replace('\\', '/'))
                    .filter(id -> filter == null || filter.matcher(id).find())
                    .sorted().toList();
        }
    }

    /** The op types of a model file, read from the protobuf directly so that a model RSR refuses still has them. */
    static List<String> ops(Path model) {
        try {
            OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model));
            TreeSet<String> ops = new TreeSet<>();
            proto.getGraph().getNodeList().forEach(n -> ops.add(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx")
                    ? n.getOpType() : n.getDomain() + "." + n.getOpType()));
            return List.copyOf(ops);
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Runs one case on one backend, in this process; with {@code gradients}, a TensorFlow pass also
     * has its gradient checked against finite differences on the first data set.
     */
    static Verdict run(Path suite, String id, String backend, boolean gradients) {
        Path dir = suite.resolve(id);
        List<String> ops = ops(dir.resolve("model.onnx"));
        ModelGraph model;
        List<DataSet> sets;
        try {
            model = OnnxFormat.read(dir.resolve("model.onnx"));
            sets = dataSets(dir, model);
        } catch (RsrException e) {
            return new Verdict(id, backend, Outcome.REFUSED_IMPORT, e.getMessage(), ops);
        } catch (IOException e) {
            return new Verdict(id, backend, Outcome.REFUSED_IMPORT, dir + ": " + e.getMessage(), ops);
        }
        if (backend.equals("tensorflow")) {
            Map<String, ?> missing = new TensorFlowTrainingBackend().unsupportedOps(model);
            if (!missing.isEmpty()) {
                return new Verdict(id, backend, Outcome.REFUSED_BACKEND, "no TensorFlow conversion for " + String.join(", ",
                        missing.keySet()), ops);
            }
        }
        InferenceBackend inference = backend.equals("tensorflow") ? new TensorFlowInferenceBackend() : new OrtInferenceBackend();
        Predictor predictor;
        try {
            predictor = inference.open(model, InferenceOptions.defaults());
        } catch (BackendException e) {
            return new Verdict(id, backend, Outcome.ERROR, e.getMessage(), ops);
        } catch (RsrException e) {
            return new Verdict(id, backend, Outcome.REFUSED_BACKEND, e.getMessage(), ops);
        } catch (RuntimeException e) {
            return new Verdict(id, backend, Outcome.ERROR, e.toString(), ops);
        }
        try (predictor) {
            for (DataSet set : sets) {
                Map<String, TensorData> actual;
                try {
                    actual = predictor.predict(set.inputs());
                } catch (BackendException e) {
                    return new Verdict(id, backend, Outcome.ERROR, set.name() + ": " + e.getMessage(), ops);
                } catch (RsrException e) {
                    return new Verdict(id, backend, Outcome.REFUSED_BACKEND, set.name() + ": " + e.getMessage(), ops);
                }
                if (TrainingDropout.appliesTo(model, set.inputs())) {
                    // Random by nature: judged by its distribution, not against one recorded draw.
                    String wrong = TrainingDropout.check(model, set.inputs(), actual);
                    if (wrong != null) {
                        return new Verdict(id, backend, Outcome.WRONG, set.name() + ": " + wrong, ops);
                    }
                    continue;
                }
                for (Map.Entry<String, TensorData> expected : set.outputs().entrySet()) {
                    String wrong = compare(expected.getValue(), actual.get(expected.getKey()));
                    if (wrong != null) {
                        return new Verdict(id, backend, Outcome.WRONG, set.name() + ", output '" + expected.getKey() + "': " + wrong, ops);
                    }
                }
            }
        } catch (RuntimeException e) {
            return new Verdict(id, backend, Outcome.ERROR, e.toString(), ops);
        }
        if (gradients && backend.equals("tensorflow")) {
            GradientCheck.Verdict g;
            try {
                g = GradientCheck.checkAt(model, sets.get(0).inputs());
            } catch (RuntimeException e) {
                g = new GradientCheck.Verdict(GradientCheck.Status.NO_GRADIENT, 0, 0, e.toString());
            }
            String detail = g.detail().isEmpty() ? g.checked() + " elements agree, " + g.skipped() + " on a kink skipped" : g.detail();
            return new Verdict(id, backend, Outcome.PASS, "", ops, g.status().name().toLowerCase(java.util.Locale.ROOT), detail);
        }
        return new Verdict(id, backend, Outcome.PASS, "", ops);
    }

    private record DataSet(String name, Map<String, TensorData> inputs, Map<String, TensorData> outputs) {
    }

    /** Each {@code test_data_set_N}: inputs fed to the graph inputs without initializer, outputs in declaration order. */
    private static List<DataSet> dataSets(Path dir, ModelGraph model) throws IOException {
        List<ValueInfo> inputs = model.graph().inputs().stream().filter(v -> !model.graph().initializers().containsKey(v.name())).toList();
        List<ValueInfo> outputs = model.graph().outputs();
        List<Path> setDirs;
        try (Stream<Path> s = Files.list(dir)) {
            setDirs = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_") && Files.isDirectory(p))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        }
        if (setDirs.isEmpty()) {
            throw new dev.rsr.error.DataException(dir + ": no test_data_set_N folder");
        }
        List<DataSet> out = new ArrayList<>();
        for (Path set : setDirs) {
            out.add(new DataSet(set.getFileName().toString(), tensors(set, "input", inputs), tensors(set, "output", outputs)));
        }
        return out;
    }

    private static Map<String, TensorData> tensors(Path set, String kind, List<ValueInfo> declared) throws IOException {
        long files;
        try (Stream<Path> s = Files.list(set)) {
            files = s.filter(p -> p.getFileName().toString().matches(kind + "_\\d+\\.pb")).count();
        }
        if (files != declared.size()) {
            throw new dev.rsr.error.DataException(set + ": " + files + " " + kind + " files for the graph's " + declared.size() + " "
                    + kind + "s " + declared.stream().map(ValueInfo::name).toList());
        }
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (int k = 0; k < declared.size(); k++) {
            out.put(declared.get(k).name(), OnnxFormat.readTensor(set.resolve(kind + "_" + k + ".pb")));
        }
        return out;
    }

    /**
     * Why {@code actual} does not match {@code expected}, or null when it does: floats within
     * {@code 1e-7 + 1e-3·|expected|} (NaN matching NaN), everything else exactly.
     */
    static String compare(TensorData expected, TensorData actual) {
        if (actual == null) {
            return "missing from the backend's outputs";
        }
        if (actual.type() != expected.type() || !Arrays.equals(actual.shape(), expected.shape())) {
            return "expected " + expected + ", got " + actual;
        }
        boolean floating = switch (expected.type()) {
            case FLOAT, DOUBLE, FLOAT16, BFLOAT16 -> true;
            default -> false;
        };
        if (!floating) {
            return Arrays.equals(actual.rawBytes(), expected.rawBytes()) ? null : "values differ (" + expected.type().onnxName()
                    + ", compared exactly)";
        }
        for (int i = 0; i < expected.elementCount(); i++) {
            double e = expected.getAsDouble(i), a = actual.getAsDouble(i);
            boolean same = Double.isNaN(e) ? Double.isNaN(a) : a == e || Math.abs(a - e) <= ATOL + RTOL * Math.abs(e);
            if (!same) {
                return "element " + i + ": expected " + e + ", got " + a + " (tolerance " + ATOL + " + " + RTOL + "·|expected|)";
            }
        }
        return null;
    }

    /**
     * The worker: {@code backend suite caseListFile [gradients]}. Runs each listed case and prints its verdict
     * as one JSON line after {@link #VERDICT_PREFIX}; the parent finds the case a crash ended as
     * the first without a verdict.
     */
    public static void main(String[] args) throws IOException {
        String backend = args[0];
        Path suite = Path.of(args[1]);
        List<String> ids = Files.readAllLines(Path.of(args[2]));
        boolean gradients = args.length > 3 && args[3].equals("gradients");
        ObjectMapper json = new ObjectMapper();
        PrintStream out = System.out;
        // Native libraries and loggers may write to stdout; only prefixed lines are verdicts.
        System.setOut(System.err);
        for (String id : ids) {
            if (id.isBlank()) {
                continue;
            }
            Verdict v = run(suite, id, backend, gradients);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("case", v.id());
            line.put("outcome", v.outcome().name());
            line.put("detail", v.detail());
            line.put("ops", v.ops());
            line.put("gradient", v.gradient());
            line.put("gradient_detail", v.gradientDetail());
            out.println(VERDICT_PREFIX + json.writeValueAsString(line));
            out.flush();
        }
        System.exit(0);
    }
}
