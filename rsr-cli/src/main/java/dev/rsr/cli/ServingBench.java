package dev.rsr.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.serve.Datatypes;
import dev.rsr.serve.JsonTensors;
import dev.rsr.serve.ModelServer;
import dev.rsr.serve.ServerConfig;
import dev.rsr.zoo.TextClassifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rsr bench serving}: latency and throughput of {@code rsr serve} on loopback at several
 * numbers of concurrent clients, one single-example infer request after another per client, and
 * {@code rsr predict} on the same examples in the same run for comparison.
 */
@Command(name = "serving", mixinStandardHelpOptions = true,
        description = {"rsr serve on loopback: p50/p99 latency and examples/s at several numbers of concurrent clients (each "
                + "sending one-example infer requests back to back), then rsr predict on the same examples, in one run.",
                "Clients and server share the machine: on few cores the clients' own work counts against the server."})
final class ServingBench implements Callable<Integer> {
    @PathRole(PathRole.Kind.INPUT_FILE)
    @Option(names = "--model", description = "The ONNX file to serve (default: the zoo text classifier with default settings, exported to ONNX).")
    Path model;

    @Range(min = 1, max = 1024)
    @Option(names = "--clients", split = ",", defaultValue = "1,8,32", description = "Concurrent clients, one level after another (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    /** Per number of clients. */
    @picocli.CommandLine.Mixin
    BenchCommand.Timing timing = new BenchCommand.Timing(10, 2);

    @Range(min = 2, max = 65536)
    @Option(names = "--sequence", defaultValue = "32", description = "Tokens per example (default: ${DEFAULT-VALUE}).")
    int sequence;

    @Range(min = 1, max = 1_000_000)
    @Option(names = "--examples", defaultValue = "4096", description = "Examples rsr predict runs on (default: ${DEFAULT-VALUE}).")
    int examples;

    /** As rsr serve takes them. */
    @picocli.CommandLine.Mixin
    ServeCommand.Batching batching = new ServeCommand.Batching();

    /** The backend, threads and graph optimization, as rsr serve and rsr predict take them: given to both. */
    @picocli.CommandLine.Mixin
    ServingOptions serving = new ServingOptions();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;


    /** A fixed pool of examples, cycled through by both the clients and rsr predict. */
    private static final int POOL = 256;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("rsr-bench-serving");
        try {
            Path file = model;
            if (file == null) {
                file = dir.resolve("text-classifier.onnx");
                OnnxFormat.write(TextClassifier.defaults().build(), file);
            }
            ModelGraph graph = ServingOptions.read(file);
            List<Map<String, TensorData>> pool = new ArrayList<>();
            for (int i = 0; i < POOL; i++) {
                pool.add(RandomInputs.make(graph, 1, sequence, 1000 + i));
            }
            out.printf("model %s: %,d parameters; one example of %d tokens per request; %s threads: %s%n", file.getFileName(),
                    graph.parameterCount(), sequence, serving.backend, serving.threads == 0 ? "all cores" : serving.threads);
            out.printf("load average before: %s%n", loadAverage());
            out.printf("%-8s %10s %12s %10s %10s %8s %10s%n", "clients", "requests", "examples/s", "p50 ms", "p99 ms", "errors", "rows/call");
            out.flush();
            serve(graph, pool, out);
            predict(file, pool, dir, out);
            out.printf("load average after: %s%n", loadAverage());
            out.flush();
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    private void serve(ModelGraph graph, List<Map<String, TensorData>> pool, PrintWriter out) throws Exception {
        List<String> bodies = pool.stream().map(ServingBench::inferBody).toList();
        int maxClients = clients.stream().mapToInt(Integer::intValue).max().orElse(1);
        ServerConfig config = ServerConfig.defaults().withBatching(batching.maxBatch, batching.maxWait(), Math.max(256, 4 * maxClients));
        ModelServer server = ModelServer.start(Map.of("model", graph), config, serving.backend(), serving.inferenceOptions());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        URI infer = URI.create("http://127.0.0.1:" + server.port() + "/v2/models/model/infer");
        URI metrics = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
        ExecutorService pool2 = Executors.newFixedThreadPool(maxClients);
        try {
            for (int c : clients) {
                run(http, infer, bodies, c, timing.warmupSeconds, pool2);
                double[] before = batchStats(http, metrics);
                long start = System.nanoTime();
                Level level = run(http, infer, bodies, c, timing.seconds, pool2);
                double elapsed = (System.nanoTime() - start) / 1e9;
                double[] after = batchStats(http, metrics);
                double[] ms = level.millis;
                Arrays.sort(ms);
                out.printf("%-8d %10d %12.1f %10.2f %10.2f %8d %10.2f%n", c, ms.length, ms.length / elapsed,
                        BenchCommand.percentile(ms, 0.50), BenchCommand.percentile(ms, 0.99), level.errors, (after[1] - before[1]) / Math.max(1, after[0] - before[0]));
                out.flush();
            }
        } finally {
            pool2.shutdownNow();
            server.close();
        }
    }

    private record Level(double[] millis, int errors) {
    }

    /** {@code clients} threads sending requests back to back for {@code duration} seconds. */
    private static Level run(HttpClient http, URI infer, List<String> bodies, int clients, double duration, ExecutorService threads)
            throws Exception {
        long end = System.nanoTime() + (long) (duration * 1e9);
        List<Future<Level>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(threads.submit(() -> {
                List<Double> ms = new ArrayList<>();
                int errors = 0;
                for (int i = client; System.nanoTime() < end; i += clients) {
                    HttpRequest request = HttpRequest.newBuilder(infer).timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i % bodies.size()))).build();
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        ms.add((System.nanoTime() - t0) / 1e6);
                    } else {
                        errors++;
                    }
                }
                return new Level(ms.stream().mapToDouble(Double::doubleValue).toArray(), errors);
            }));
        }
        List<double[]> all = new ArrayList<>();
        int errors = 0;
        for (Future<Level> f : futures) {
            Level l = f.get((long) duration + 120, TimeUnit.SECONDS);
            all.add(l.millis);
            errors += l.errors;
        }
        return new Level(all.stream().flatMapToDouble(Arrays::stream).toArray(), errors);
    }

    /** Model calls and rows so far, from the server's own metrics. */
    private static double[] batchStats(HttpClient http, URI metrics) throws Exception {
        String text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()).body();
        double count = 0, sum = 0;
        for (String line : text.lines().toList()) {
            if (line.startsWith("rsr_serve_batch_size_count{")) {
                count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("rsr_serve_batch_size_sum{")) {
                sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return new double[] {count, sum};
    }

    /**
     * rsr predict on {@code examples} lines cycling through the same pool, its default batch size:
     * one unmeasured run to warm up, then the measured one, as each serving level is measured after a warm-up.
     */
    private void predict(Path file, List<Map<String, TensorData>> pool, Path dir, PrintWriter out) throws Exception {
        Path input = dir.resolve("input.jsonl");
        try (var w = Files.newBufferedWriter(input)) {
            for (int i = 0; i < examples; i++) {
                w.write(predictLine(pool.get(i % pool.size())));
                w.write('\n');
            }
        }
        double measured = 0;
        List<String> args = new ArrayList<>(List.of("predict", "--model", file.toString(), "--input", input.toString(), "--output",
                dir.resolve("output.jsonl").toString(), "--backend", serving.backend, "--threads", Integer.toString(serving.threads),
                "--optimization", serving.optimization.name()));
        if (serving.pluginOptions.directory != null) {
            args.addAll(List.of("--plugins", serving.pluginOptions.directory.toString()));
        }
        for (int run = 0; run < 2; run++) {
            var cli = RsrCommand.newCommandLine();
            cli.setOut(new PrintWriter(new StringWriter()));
            StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err));
            long t0 = System.nanoTime();
            int code = cli.execute(args.toArray(new String[0]));
            double s = (System.nanoTime() - t0) / 1e9;
            if (code != 0) {
                throw new dev.rsr.error.RsrException("rsr predict failed: " + err.toString().strip());
            }
            measured = examples / s; // the second run's, after the first warmed up
        }
        out.printf("rsr predict, same examples (batches of 32, JSONL in and out): %d examples, %.1f examples/s%n", examples, measured);
    }

    /** An Open Inference Protocol infer request for one example's tensors. */
    static String inferBody(Map<String, TensorData> feeds) {
        return json(gen -> {
            gen.writeStartObject();
            gen.writeArrayFieldStart("inputs");
            for (Map.Entry<String, TensorData> e : feeds.entrySet()) {
                TensorData t = e.getValue();
                gen.writeStartObject();
                gen.writeStringField("name", e.getKey());
                gen.writeArrayFieldStart("shape");
                for (long d : t.shape()) {
                    gen.writeNumber(d);
                }
                gen.writeEndArray();
                String datatype = Datatypes.name(t.type());
                if (datatype == null) {
                    throw new dev.rsr.error.ConfigurationException("input '" + e.getKey() + "' is " + t.type().onnxName()
                            + ", which the Open Inference Protocol has no datatype for");
                }
                gen.writeStringField("datatype", datatype);
                gen.writeFieldName("data");
                JsonTensors.writeFlat(gen, t, 0, t.elementCount());
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeEndObject();
        });
    }

    /** An rsr predict input line for one example's tensors. */
    private static String predictLine(Map<String, TensorData> feeds) {
        return json(gen -> {
            gen.writeStartObject();
            for (Map.Entry<String, TensorData> e : feeds.entrySet()) {
                gen.writeFieldName(e.getKey());
                JsonTensors.writeFlat(gen, e.getValue(), 0, e.getValue().elementCount());
            }
            gen.writeEndObject();
        });
    }

    private static String json(JsonTensors.JsonWriter writer) {
        return new String(JsonTensors.toBytes(writer), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String loadAverage() {
        return LoadAverage.line().orElse("unknown (no /proc/loadavg)");
    }
}
