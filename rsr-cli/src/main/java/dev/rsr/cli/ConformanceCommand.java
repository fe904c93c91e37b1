package dev.rsr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rsr.error.DataException;
import dev.rsr.io.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Run the ONNX project's backend test cases (each a folder with model.onnx and test_data_set_N) on the "
                + "TensorFlow and ONNX Runtime backends, judged with the ONNX tolerance (|a - e| <= 1e-7 + 1e-3·|e|; integers and "
                + "booleans exactly).",
                "Cases run in forked JVMs, a batch at a time, so that a native crash is recorded against its case and the run goes on.",
                "Prints counts by outcome and by op; --json writes every case's verdict."})
final class ConformanceCommand implements java.util.concurrent.Callable<Integer> {
    @PathRole(PathRole.Kind.INPUT_DIR)
    @Option(names = "--suite", required = true, description = "The folder of test cases (searched four levels deep for model.onnx).")
    Path suite;

    @Option(names = "--backend", defaultValue = "all", description = "tensorflow, onnxruntime or all (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--filter", description = "Only cases whose id (e.g. node/test_abs) matches this regular expression.")
    String filter;

    @PathRole(PathRole.Kind.OUTPUT_FILE)
    @Option(names = "--json", description = "Write every case's verdict here as JSON.")
    Path json;

    @Option(names = "--gradients", description = "Also check, for every case TensorFlow passes, its gradient with respect to "
            + "every float input against central finite differences.")
    private boolean gradients;

    @Range(min = 1, max = 100_000)
    @Option(names = "--batch", defaultValue = "150", description = "Cases per forked JVM (default: ${DEFAULT-VALUE}).")
    int batch;

    @Range(min = 1, max = 86_400)
    @Option(names = "--case-timeout", defaultValue = "120", description = "Seconds a case may take before its JVM is stopped and the "
            + "case recorded as a crash (default: ${DEFAULT-VALUE}).")
    int caseTimeout;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> backends = backend.equals("all") ? Conformance.BACKENDS : List.of(backend);
        if (!Conformance.BACKENDS.containsAll(backends)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--backend must be tensorflow, onnxruntime or all, got '"
                    + backend + "'");
        }
        Pattern pattern;
        try {
            pattern = filter == null ? null : Pattern.compile(filter);
        } catch (PatternSyntaxException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--filter is not a regular expression: " + e.getDescription());
        }
        List<String> cases = Conformance.discover(suite, pattern);
        if (cases.isEmpty()) {
            throw new DataException(suite + ": no case (a folder with model.onnx)" + (filter == null ? "" : " matches --filter '" + filter + "'"));
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, List<Conformance.Verdict>> byBackend = new LinkedHashMap<>();
        for (String b : backends) {
            byBackend.put(b, runAll(b, cases, err));
        }
        print(out, byBackend);
        if (json != null) {
            writeJson(byBackend);
            out.println("wrote " + json);
        }
        return 0;
    }

    /** Every case on one backend, a batch per forked JVM; a batch that dies is resumed after the case it died on. */
    private List<Conformance.Verdict> runAll(String backend, List<String> cases, PrintWriter err) throws IOException, InterruptedException {
        List<Conformance.Verdict> verdicts = new ArrayList<>();
        Progress progress = new Progress(err, backend, cases.size());
        int next = 0;
        while (next < cases.size()) {
            List<String> todo = cases.subList(next, Math.min(cases.size(), next + batch));
            List<Conformance.Verdict> got = runBatch(backend, todo, progress);
            verdicts.addAll(got);
            next += got.size();
        }
        progress.done();
        return verdicts;
    }

    /** One forked JVM over {@code cases}: their verdicts, the last a crash when the JVM died or hung before finishing. */
    private List<Conformance.Verdict> runBatch(String backend, List<String> cases, Progress progress) throws IOException, InterruptedException {
        Path list = Files.createTempFile("rsr-conformance", ".txt");
        List<Conformance.Verdict> out = new ArrayList<>();
        Process process = null;
        try {
            Files.write(list, cases, StandardCharsets.UTF_8);
            String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Conformance.class.getName(), backend,
                    suite.toAbsolutePath().toString(), list.toString(), gradients ? "gradients" : "values");
            pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            process = pb.start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Process p = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith(Conformance.VERDICT_PREFIX)) {
                            lines.add(line.substring(Conformance.VERDICT_PREFIX.length()));
                        }
                    }
                } catch (IOException ignored) {
                    // The process died; the loop below sees it.
                } finally {
                    lines.add("");
                }
            }, "rsr-conformance-reader");
            reader.setDaemon(true);
            reader.start();
            ObjectMapper mapper = new ObjectMapper();
            while (out.size() < cases.size()) {
                String line = lines.poll(caseTimeout, TimeUnit.SECONDS);
                String id = cases.get(out.size());
                if (line == null || line.isEmpty()) {
                    String why;
                    if (line == null) {
                        process.destroyForcibly().waitFor();
                        why = "no verdict within " + caseTimeout + " s; its JVM was stopped";
                    } else {
                        why = "its JVM exited with code " + process.waitFor() + " while running it";
                    }
                    Conformance.Verdict crash = new Conformance.Verdict(id, backend, Conformance.Outcome.CRASH, why,
                            Conformance.ops(suite.resolve(id).resolve("model.onnx")));
                    out.add(crash);
                    progress.advance(crash);
                    return out;
                }
                JsonNode v = mapper.readTree(line);
                List<String> ops = new ArrayList<>();
                v.get("ops").forEach(o -> ops.add(o.asText()));
                Conformance.Verdict verdict = new Conformance.Verdict(v.get("case").asText(), backend,
                        Conformance.Outcome.valueOf(v.get("outcome").asText()), v.get("detail").asText(), ops,
                        v.path("gradient").asText(""), v.path("gradient_detail").asText(""));
                out.add(verdict);
                progress.advance(verdict);
            }
            process.waitFor(caseTimeout, TimeUnit.SECONDS);
            return out;
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(list);
        }
    }

    /** A progress bar on stderr, redrawn at most twice a second. */
    private static final class Progress {
        private final PrintWriter err;
        private final String backend;
        private final int total;
        private final Map<Conformance.Outcome, Integer> counts = new EnumMap<>(Conformance.Outcome.class);
        private int done;
        private long lastDraw;

        Progress(PrintWriter err, String backend, int total) {
            this.err = err;
            this.backend = backend;
            this.total = total;
        }

        void advance(Conformance.Verdict v) {
            done++;
            counts.merge(v.outcome(), 1, Integer::sum);
            if (System.nanoTime() - lastDraw > 500_000_000L || done == total) {
                draw();
                lastDraw = System.nanoTime();
            }
        }

        private void draw() {
            int width = 30, filled = (int) ((long) width * done / total);
            err.printf("\r%-11s [%s%s] %d/%d  pass %d", backend, "#".repeat(filled), " ".repeat(width - filled), done, total,
                    counts.getOrDefault(Conformance.Outcome.PASS, 0));
            err.flush();
        }

        void done() {
            err.println();
            err.flush();
        }
    }

    private static void print(PrintWriter out, Map<String, List<Conformance.Verdict>> byBackend) {
        List<String> backends = new ArrayList<>(byBackend.keySet());
        out.printf("%-24s", "outcome");
        backends.forEach(b -> out.printf("%14s", b));
        out.println();
        for (Conformance.Outcome o : Conformance.Outcome.values()) {
            out.printf("%-24s", o.label);
            backends.forEach(b -> out.printf("%14d", byBackend.get(b).stream().filter(v -> v.outcome() == o).count()));
            out.println();
        }
        out.printf("%-24s", "cases");
        backends.forEach(b -> out.printf("%14d", byBackend.get(b).size()));
        out.println();
        // By op: cases using it, and how many of them passed, per backend; the ops with most failures first.
        Map<String, int[]> ops = new TreeMap<>();
        for (int i = 0; i < backends.size(); i++) {
            for (Conformance.Verdict v : byBackend.get(backends.get(i))) {
                for (String op : v.ops()) {
                    int[] c = ops.computeIfAbsent(op, k -> new int[2 * backends.size()]);
                    c[2 * i]++;
                    c[2 * i + 1] += v.outcome() == Conformance.Outcome.PASS ? 1 : 0;
                }
            }
        }
        out.println();
        out.printf("%-32s", "op (cases that use it)");
        backends.forEach(b -> out.printf("%20s", b + " pass"));
        out.println();
        ops.entrySet().stream()
                .sorted((a, b) -> Integer.compare(failures(b.getValue()), failures(a.getValue())))
                .forEach(e -> {
                    out.printf("%-32s", e.getKey());
                    for (int i = 0; i < backends.size(); i++) {
                        out.printf("%20s", e.getValue()[2 * i + 1] + "/" + e.getValue()[2 * i]);
                    }
                    out.println();
                });
        List<Conformance.Verdict> checked = byBackend.getOrDefault("tensorflow", List.of()).stream().filter(v -> !v.gradient().isEmpty()).toList();
        if (!checked.isEmpty()) {
            out.println();
            out.println("gradient checks of the TensorFlow passes (against central finite differences):");
            Map<String, Long> byStatus = new TreeMap<>();
            checked.forEach(v -> byStatus.merge(v.gradient(), 1L, Long::sum));
            byStatus.forEach((status, n) -> out.printf("  %-16s%8d%n", status.replace('_', ' '), n));
            checked.stream().filter(v -> v.gradient().equals("mismatch") || v.gradient().equals("no_gradient"))
                    .forEach(v -> out.println("  " + v.id() + ": " + v.gradientDetail()));
        }
        out.flush();
    }

    private static int failures(int[] counts) {
        int f = 0;
        for (int i = 0; i < counts.length; i += 2) {
            f += counts[i] - counts[i + 1];
        }
        return f;
    }

    private void writeJson(Map<String, List<Conformance.Verdict>> byBackend) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("suite", suite.toString());
        root.put("filter", filter);
        Map<String, Object> backends = new LinkedHashMap<>();
        byBackend.forEach((b, verdicts) -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (Conformance.Outcome o : Conformance.Outcome.values()) {
                counts.put(o.name().toLowerCase(java.util.Locale.ROOT), verdicts.stream().filter(v -> v.outcome() == o).count());
            }
            List<Map<String, Object>> cases = new ArrayList<>();
            for (Conformance.Verdict v : verdicts) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("case", v.id());
                c.put("outcome", v.outcome().name().toLowerCase(java.util.Locale.ROOT));
                c.put("detail", v.detail());
                c.put("ops", v.ops());
                if (!v.gradient().isEmpty()) {
                    c.put("gradient", v.gradient());
                    c.put("gradient_detail", v.gradientDetail());
                }
                cases.add(c);
            }
            backends.put(b, Map.of("counts", counts, "cases", cases));
        });
        root.put("backends", backends);
        try {
            AtomicFiles.write(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
