package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rsr.data.TextExample;
import dev.rsr.engine.TextTask;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.ir.ModelGraph;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.onnx.OrtInferenceBackend;
import dev.rsr.serve.ModelServer;
import dev.rsr.serve.ServerConfig;
import dev.rsr.zoo.TextClassifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code rsr serve}: its options, a real process answering on loopback and exiting on SIGTERM, and text → label as rsr predict. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServeCommandTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private Path classifier() throws Exception {
        return Files.write(dir.resolve("classifier.onnx"), OnnxFormat.toBytes(new TextClassifier(100, 16, 1, 2, 32, 16, 2, 1).build()));
    }

    @Test
    void modelOptionsAreCheckedWithOneLineErrors() throws Exception {
        Path model = classifier();
        Path missing = dir.resolve("missing.onnx");
        CliRun named = CliRun.of("serve", "--model", "x=" + missing);
        assertEquals(1, named.exitCode(), named.err());
        assertEquals("rsr serve: error: --model x=" + missing + ": no such file", named.errorLine());
        CliRun bare = CliRun.of("serve", "--model", missing.toString());
        assertEquals("rsr serve: error: --model " + missing + ": no such file", bare.errorLine());
        CliRun directory = CliRun.of("serve", "--model", "d=" + dir);
        assertEquals(1, directory.exitCode());
        assertTrue(directory.errorLine().startsWith("rsr serve: error: --model d=" + dir + ": is a directory"), directory.err());
        CliRun twice = CliRun.of("serve", "--model", "m=" + model, "--model", "m=" + model);
        assertEquals(1, twice.exitCode());
        assertTrue(twice.errorLine().contains("a second model named 'm'"), twice.err());
        CliRun badName = CliRun.of("serve", "--model", "a/b=" + model);
        assertEquals(1, badName.exitCode());
        assertTrue(badName.errorLine().contains("the model name 'a/b'"), badName.err());
        CliRun port = CliRun.of("serve", "--model", model.toString(), "--port", "70000");
        assertEquals(2, port.exitCode());
        assertTrue(port.errorLine().contains("--port must be between 0 and 65535"), port.err());
        assertEquals(Map.of("classifier", model), ServeCommand.resolveModels(List.of(model.toString())));
    }

    /** A real rsr process: it answers on the port it reports and, on SIGTERM, exits 0 with nothing left in its temporary directory. */
    @Test
    void aServeProcessAnswersAndExitsOnSigterm() throws Exception {
        Path model = classifier();
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path log = dir.resolve("serve.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + tmp, RsrCommand.class.getName(),
                "serve", "--model", "tc=" + model, "--port", "0", "--threads", "1"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Process p = builder.start();
        try {
            Pattern listening = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)");
            Matcher m = null;
            for (int i = 0; i < 1200 && p.isAlive(); i++) {
                m = listening.matcher(Files.readString(log));
                if (m.find()) {
                    break;
                }
                m = null;
                Thread.sleep(100);
            }
            assertTrue(m != null, "the server never reported its port: " + Files.readString(log));
            String base = "http://127.0.0.1:" + m.group(1);
            assertEquals(200, get(base + "/v2/health/ready").statusCode());
            HttpResponse<String> infer = post(base + "/v2/models/tc/infer", "{\"inputs\": ["
                    + "{\"name\": \"input_ids\", \"shape\": [1, 3], \"datatype\": \"INT64\", \"data\": [1, 2, 3]},"
                    + "{\"name\": \"attention_mask\", \"shape\": [1, 3], \"datatype\": \"INT64\", \"data\": [1, 1, 1]}]}");
            assertEquals(200, infer.statusCode(), infer.body());
            assertEquals(2, new ObjectMapper().readTree(infer.body()).at("/outputs/1/data").size());
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server ignored SIGTERM: " + Files.readString(log));
            String output = Files.readString(log);
            assertEquals(0, p.exitValue(), output);
            assertTrue(output.contains("rsr serve: stopped"), output);
            assertFalse(output.contains("Exception"), output);
            try (var left = Files.list(tmp)) {
                assertEquals(List.of(), left.filter(f -> !f.getFileName().toString().startsWith("hsperfdata_")).toList());
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /** The classify route and rsr predict's raw-text lines give the same labels and probabilities for the same texts. */
    @Test
    void classifyAgreesWithPredictOnRawText() throws Exception {
        TextClassifier config = new TextClassifier(100, 16, 1, 2, 32, 16, 2, 3);
        List<TextExample> train = List.of(new TextExample("good fine great", "pos", "t"), new TextExample("bad awful poor", "neg", "t"),
                new TextExample("great good day", "pos", "t"), new TextExample("poor bad day", "neg", "t"));
        ModelGraph graph = TextTask.fromTraining(train, 100, config.maxLength()).attachTo(config.build());
        Path model = dir.resolve("labelled.onnx");
        OnnxFormat.write(graph, model);
        List<String> texts = List.of("good day", "awful poor thing", "an unseen sentence", "great");
        ObjectMapper mapper = new ObjectMapper();
        StringBuilder lines = new StringBuilder();
        for (String t : texts) {
            lines.append(mapper.writeValueAsString(Map.of("text", t))).append('\n');
        }
        Path in = Files.writeString(dir.resolve("texts.jsonl"), lines);
        Path out = dir.resolve("labels.jsonl");
        CliRun run = CliRun.of("predict", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(), "--threads", "1");
        assertEquals(0, run.exitCode(), run.err());
        List<String> predicted = Files.readAllLines(out);

        InferenceOptions options = new InferenceOptions(1, 0, InferenceOptions.GraphOptimization.ALL);
        try (ModelServer server = ModelServer.start(Map.of("labelled", OnnxFormat.read(model)), ServerConfig.defaults(),
                new OrtInferenceBackend(), options)) {
            HttpResponse<String> r = post("http://127.0.0.1:" + server.port() + "/v2/models/labelled/classify",
                    mapper.writeValueAsString(Map.of("texts", texts)));
            assertEquals(200, r.statusCode(), r.body());
            JsonNode predictions = mapper.readTree(r.body()).get("predictions");
            for (int i = 0; i < texts.size(); i++) {
                JsonNode line = mapper.readTree(predicted.get(i));
                JsonNode served = predictions.get(i);
                assertEquals(line.get("label").asText(), served.get("label").asText(), texts.get(i));
                JsonNode probabilities = line.get("probabilities");
                assertEquals(probabilities.get(0).floatValue(), served.at("/probabilities/neg").floatValue(), 1e-6f, texts.get(i));
                assertEquals(probabilities.get(1).floatValue(), served.at("/probabilities/pos").floatValue(), 1e-6f, texts.get(i));
            }
        }
    }

    /** --max-request-rows is range-checked like the other numbers; 0 is a usage error naming it. */
    @Test
    void maxRequestRowsIsRangeChecked() throws Exception {
        CliRun zero = CliRun.of("serve", "--model", classifier().toString(), "--max-request-rows", "0");
        assertEquals(2, zero.exitCode(), zero.err());
        assertTrue(zero.errorLine().contains("--max-request-rows must be between 1 and"), zero.err());
    }

    /**
     * A model whose task names fewer labels than its logits have classes (a width its graph leaves
     * open) stops rsr serve before it listens, with one line naming the file; before, it started
     * and every classify answered 500.
     */
    @Test
    void aModelWhoseLabelsDoNotMatchItsLogitsStopsServeNamingTheFile() throws Exception {
        TextClassifier config = new TextClassifier(100, 16, 1, 2, 32, 16, 3, 1);
        ModelGraph plain = config.build();
        dev.rsr.ir.Graph g = plain.graph();
        List<dev.rsr.ir.ValueInfo> outputs = g.outputs().stream().map(v -> new dev.rsr.ir.ValueInfo(v.name(), v.type(),
                dev.rsr.ir.Shape.of(dev.rsr.ir.Dim.symbolic("batch"), dev.rsr.ir.Dim.symbolic("classes")))).toList();
        ModelGraph open = new ModelGraph(new dev.rsr.ir.Graph(g.name(), g.inputs(), outputs, g.initializers(), g.nodes(), g.valueInfos(),
                g.docString()), plain.metadata());
        List<TextExample> train = List.of(new TextExample("good fine", "pos", "t"), new TextExample("bad poor", "neg", "t"));
        Path model = dir.resolve("mismatched.onnx");
        OnnxFormat.write(TextTask.fromTraining(train, 100, config.maxLength()).attachTo(open), model);
        // Bounded: without the check the command would serve until stopped.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            CliRun run = pool.submit(() -> CliRun.of("serve", "--model", "m=" + model, "--port", "0", "--threads", "1"))
                    .get(2, TimeUnit.MINUTES);
            assertEquals(1, run.exitCode(), run.err());
            assertTrue(run.errorLine().startsWith("rsr serve: error: --model m=" + model + ": "), run.err());
            assertTrue(run.errorLine().contains("2 labels") && run.errorLine().contains("3 classes"), run.err());
            assertFalse(run.errorLine().contains("\n"), run.err());
        } finally {
            pool.shutdownNow();
        }
    }
}
