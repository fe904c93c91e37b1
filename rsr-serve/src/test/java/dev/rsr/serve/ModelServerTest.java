package dev.rsr.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rsr.data.TextExample;
import dev.rsr.engine.TextBatches;
import dev.rsr.engine.TextTask;
import dev.rsr.error.ModelException;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.onnx.OrtInferenceBackend;
import dev.rsr.spi.InferenceBackend;
import dev.rsr.zoo.Mlp;
import dev.rsr.zoo.TextClassifier;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server on loopback against real ONNX Runtime sessions of zoo models: the protocol's routes,
 * outputs identical to the predictor's, the error policy, micro-batching under concurrent load,
 * the queue bound and a draining shutdown. Bounded in requests and time; nothing asserts a
 * duration.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ModelServerTest {
    static final TextClassifier CONFIG = new TextClassifier(100, 16, 1, 2, 32, 16, 3, 1);
    static final InferenceOptions OPTIONS = new InferenceOptions(1, 1, InferenceOptions.GraphOptimization.ALL);

    static ModelGraph plain;
    static ModelGraph withTask;
    static TextTask task;
    static ModelServer server;
    static Http http;
    static Predictor direct;

    @BeforeAll
    static void start() {
        plain = CONFIG.build();
        List<TextExample> train = new ArrayList<>();
        String[][] data = {{"the cat sat on the mat", "animal"}, {"a dog ran in the park", "animal"}, {"fresh bread and butter", "food"},
                {"hot soup with bread", "food"}, {"the city by the sea", "place"}, {"a village in the hills", "place"}};
        for (String[] d : data) {
            train.add(new TextExample(d[0], d[1], "test"));
        }
        task = TextTask.fromTraining(train, 100, CONFIG.maxLength());
        withTask = task.attachTo(plain);
        Map<String, ModelGraph> models = new LinkedHashMap<>();
        models.put("tc", plain);
        models.put("labelled", withTask);
        // A wait long enough that concurrent clients meet in one batch on a busy machine.
        ServerConfig config = ServerConfig.defaults().withBatching(32, Duration.ofMillis(20), 64);
        server = ModelServer.start(models, config, new OrtInferenceBackend(), OPTIONS);
        http = new Http(server.port());
        direct = new OrtInferenceBackend().open(plain, OPTIONS);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (direct != null) {
            direct.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Random token ids (and a mask with some padding) for {@code rows} examples of {@code length} tokens. */
    static long[][] example(SplittableRandom random, int rows, int length) {
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(CONFIG.vocabSize());
            mask[i] = i % length < length - random.nextInt(2) ? 1 : 0;
        }
        return new long[][] {ids, mask};
    }

    static String inferBody(String id, int rows, long[][] example) {
        int length = example[0].length / rows;
        Map<String, Object> body = new LinkedHashMap<>();
        if (id != null) {
            body.put("id", id);
        }
        body.put("inputs", List.of(
                Map.of("name", "input_ids", "shape", List.of(rows, length), "datatype", "INT64", "data", example[0]),
                Map.of("name", "attention_mask", "shape", List.of(rows, length), "datatype", "INT64", "data", example[1])));
        return Http.json(body);
    }

    static Map<String, TensorData> directOutputs(int rows, long[][] example) {
        long[] shape = {rows, example[0].length / rows};
        return direct.predict(Map.of("input_ids", TensorData.ofLongs(shape, example[0]), "attention_mask", TensorData.ofLongs(shape, example[1])));
    }

    static float[] floats(JsonNode data) {
        float[] out = new float[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.get(i).floatValue();
        }
        return out;
    }

    static JsonNode output(JsonNode response, String name) {
        for (JsonNode o : response.get("outputs")) {
            if (o.get("name").asText().equals(name)) {
                return o;
            }
        }
        throw new AssertionError("no output '" + name + "' in " + response);
    }

    // ------------------------------------------------------------------ routes

    @Test
    void healthAndMetadataDescribeTheModels() throws Exception {
        assertEquals(200, http.get("/v2/health/live").status());
        assertEquals(200, http.get("/v2/health/ready").status());
        assertEquals(200, http.get("/v2/models/tc/ready").status());
        JsonNode server = http.get("/v2").json();
        assertEquals("rsr", server.get("name").asText());

        Http.Response meta = http.get("/v2/models/tc");
        assertEquals(200, meta.status());
        assertEquals("application/json", meta.raw().headers().firstValue("Content-Type").orElse(""));
        JsonNode m = meta.json();
        assertEquals("tc", m.get("name").asText());
        assertEquals("onnxruntime_onnx", m.get("platform").asText());
        assertEquals(List.of("input_ids", "attention_mask"), names(m.get("inputs")));
        assertEquals(List.of("logits", "probabilities"), names(m.get("outputs")));
        for (JsonNode in : m.get("inputs")) {
            assertEquals("INT64", in.get("datatype").asText());
            assertEquals("[-1,-1]", in.get("shape").toString());
        }
        assertEquals("FP32", m.get("outputs").get(0).get("datatype").asText());
        assertEquals("[-1,3]", m.get("outputs").get(0).get("shape").toString());
        assertEquals("animal,food,place", http.get("/v2/models/labelled").json().at("/parameters/labels").asText());

        Http.Response unknown = http.get("/v2/models/nope");
        assertEquals(404, unknown.status());
        assertTrue(unknown.error().contains("'nope'"), unknown.body());
        assertEquals(404, http.get("/v2/models/nope/ready").status());
        assertEquals(404, http.get("/v2/no/such/route").status());
        assertFalse(http.get("/v2/no/such/route").error().isEmpty());
    }

    private static List<String> names(JsonNode tensors) {
        List<String> out = new ArrayList<>();
        tensors.forEach(t -> out.add(t.get("name").asText()));
        return out;
    }

    /** One request at a time (so no two share a batch): every output equal, bit for bit, to the predictor's on the same inputs. */
    @Test
    void inferGivesExactlyThePredictorsOutputs() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 12; i++) {
            int rows = 1 + i % 3;
            int length = 2 + random.nextInt(CONFIG.maxLength() - 1);
            long[][] example = example(random, rows, length);
            Http.Response r = http.post("/v2/models/tc/infer", inferBody("req-" + i, rows, example));
            assertEquals(200, r.status(), r.body());
            JsonNode body = r.json();
            assertEquals("tc", body.get("model_name").asText());
            assertEquals("req-" + i, body.get("id").asText());
            Map<String, TensorData> expected = directOutputs(rows, example);
            for (String name : List.of("logits", "probabilities")) {
                JsonNode out = output(body, name);
                assertEquals("FP32", out.get("datatype").asText());
                assertEquals("[" + rows + ",3]", out.get("shape").toString());
                assertArrayEquals(expected.get(name).floats(), floats(out.get("data")), 0f, name + " of request " + i);
            }
        }
        // Only the outputs asked for, in the order asked.
        long[][] example = example(random, 1, 5);
        JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(inferBody(null, 1, example));
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).putArray("outputs").addObject().put("name", "probabilities");
        JsonNode only = http.post("/v2/models/tc/infer", body.toString()).json();
        assertEquals(1, only.get("outputs").size());
        assertEquals("probabilities", only.get("outputs").get(0).get("name").asText());
        assertFalse(only.has("id"));
    }

    /** The classify route tokenizes as training did and labels as rsr predict does: same probabilities as the predictor's. */
    @Test
    void classifyAnswersLabelsAndProbabilities() throws Exception {
        List<String> texts = List.of("the cat by the sea", "bread", "a dog in a village with hot soup and fresh butter");
        List<long[]> rows = texts.stream().map(t -> task.tokenizer().encode(t, task.maxLength())).toList();
        Map<String, TensorData> expected;
        try (Predictor p = new OrtInferenceBackend().open(withTask, OPTIONS)) {
            expected = p.predict(TextBatches.padded(rows, task.tokenizer().padId()));
        }
        float[] probabilities = expected.get("probabilities").floats();

        JsonNode many = http.post("/v2/models/labelled/classify", Http.json(Map.of("texts", texts))).json();
        assertEquals(texts.size(), many.get("predictions").size(), many.toString());
        for (int i = 0; i < texts.size(); i++) {
            JsonNode p = many.get("predictions").get(i);
            int best = 0;
            for (int c = 0; c < 3; c++) {
                assertEquals(probabilities[i * 3 + c], p.get("probabilities").get(task.labels().get(c)).floatValue(), 1e-6f, texts.get(i));
                best = probabilities[i * 3 + c] > probabilities[i * 3 + best] ? c : best;
            }
            assertEquals(task.labels().get(best), p.get("label").asText());
        }
        JsonNode one = http.post("/v2/models/labelled/classify", Http.json(Map.of("text", texts.get(0)))).json();
        assertEquals(many.get("predictions").get(0).get("label"), one.get("label"));
        assertEquals("labelled", one.get("model_name").asText());
    }

    // ------------------------------------------------------------------ refusals

    /** Bad requests: the status, a JSON error naming the field at fault, and never a stack trace. */
    @Test
    void badRequestsAreRefusedNamingTheField() throws Exception {
        String ids = "{\"name\":\"input_ids\",\"shape\":[1,3],\"datatype\":\"INT64\",\"data\":[1,2,3]}";
        String mask = "{\"name\":\"attention_mask\",\"shape\":[1,3],\"datatype\":\"INT64\",\"data\":[1,1,1]}";
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("{\"inputs\": [", new String[] {"400", "malformed JSON"});
        cases.put("[1, 2]", new String[] {"400", "request body"});
        cases.put("{}", new String[] {"400", "inputs"});
        cases.put("{\"inputs\": 3}", new String[] {"400", "inputs"});
        cases.put("{\"inputs\": [" + ids + "]}", new String[] {"400", "attention_mask"});
        cases.put("{\"inputs\": [" + ids + "," + mask + ",{\"name\":\"extra\",\"shape\":[1],\"datatype\":\"INT64\",\"data\":[1]}]}",
                new String[] {"400", "inputs[2].name"});
        cases.put("{\"inputs\": [" + ids.replace("INT64", "FP32") + "," + mask + "]}", new String[] {"400", "inputs[0].datatype"});
        cases.put("{\"inputs\": [" + ids.replace("INT64", "STRINGY") + "," + mask + "]}", new String[] {"400", "inputs[0].datatype"});
        cases.put("{\"inputs\": [" + ids.replace("[1,2,3]", "[1,2]") + "," + mask + "]}", new String[] {"400", "inputs[0].data"});
        cases.put("{\"inputs\": [" + ids.replace("[1,3]", "[3]") + "," + mask + "]}", new String[] {"400", "inputs[0].shape"});
        cases.put("{\"inputs\": [" + ids.replace("[1,3]", "[1,-3]") + "," + mask + "]}", new String[] {"400", "inputs[0].shape[1]"});
        cases.put("{\"inputs\": [" + ids.replace("[1,2,3]", "[1,2,100]") + "," + mask + "]}", new String[] {"400", "inputs[0].data"});
        cases.put("{\"inputs\": [" + ids.replace("[1,2,3]", "[1,-2,3]") + "," + mask + "]}", new String[] {"400", "inputs[0].data"});
        cases.put("{\"inputs\": [" + ids.replace("[1,2,3]", "[1,2,\"x\"]") + "," + mask + "]}", new String[] {"400", "inputs[0].data"});
        cases.put("{\"inputs\": [" + ids.replace("[1,2,3]", "[1,2,3.5]") + "," + mask + "]}", new String[] {"400", "inputs[0].data"});
        cases.put("{\"inputs\": [" + ids + "," + mask.replace("[1,3]", "[2,3]").replace("[1,1,1]", "[1,1,1,1,1,1]") + "]}",
                new String[] {"400", "first dimension"});
        cases.put("{\"inputs\": [" + ids + "," + mask + "], \"outputs\": [{\"name\": \"nope\"}]}", new String[] {"400", "outputs[0].name"});
        cases.put("{\"id\": 5, \"inputs\": [" + ids + "," + mask + "]}", new String[] {"400", "id"});
        StringBuilder longIds = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            longIds.append(i == 0 ? "" : ",").append(1);
        }
        cases.put("{\"inputs\": [{\"name\":\"input_ids\",\"shape\":[1,17],\"datatype\":\"INT64\",\"data\":[" + longIds + "]},"
                + "{\"name\":\"attention_mask\",\"shape\":[1,17],\"datatype\":\"INT64\",\"data\":[" + longIds + "]}]}",
                new String[] {"400", "inputs[0].shape"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            assertRefused(http.post("/v2/models/tc/infer", c.getKey()), Integer.parseInt(c.getValue()[0]), c.getValue()[1], c.getKey());
        }
        assertRefused(http.post("/v2/models/nope/infer", "{\"inputs\": [" + ids + "," + mask + "]}"), 404, "'nope'", "unknown model");
        assertRefused(http.post("/v2/models/tc/classify", "{\"text\": \"hello\"}"), 400, "tokenizer", "classify without a task");
        assertRefused(http.post("/v2/models/labelled/classify", "{\"text\": 3}"), 400, "text", "text not a string");
        assertRefused(http.post("/v2/models/labelled/classify", "{\"texts\": [\"a\", 3]}"), 400, "texts[1]", "texts[1] not a string");
        assertRefused(http.post("/v2/models/labelled/classify", "{\"texts\": []}"), 400, "texts", "no texts");
        assertRefused(http.post("/v2/models/labelled/classify", "{\"text\": \"a\", \"texts\": [\"b\"]}"), 400, "exactly one", "both");
        assertRefused(http.post("/v2/models/labelled/classify", "{\"text\": \"  \"}"), 400, "text", "blank text");
        assertRefused(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port()
                + "/v2/models/tc/infer")).header("Inference-Header-Content-Length", "10").POST(java.net.http.HttpRequest.BodyPublishers
                .ofString("{\"inputs\": []}"))), 400, "Inference-Header-Content-Length", "binary extension");
        // The server is unharmed.
        assertEquals(200, http.post("/v2/models/tc/infer", "{\"inputs\": [" + ids + "," + mask + "]}").status());
    }

    static void assertRefused(Http.Response r, int status, String field, String what) {
        assertEquals(status, r.status(), what + ": " + r.body());
        assertTrue(r.error().contains(field), what + ": the error does not name '" + field + "': " + r.body());
        assertFalse(r.body().contains("\tat ") || r.body().contains("Exception"), what + ": " + r.body());
    }

    // ------------------------------------------------------------------ load

    /**
     * 16 concurrent clients, every fifth request malformed: each malformed one answered 400
     * naming its field, each well-formed one with the predictor's outputs (to float tolerance:
     * batched rows may round differently), model calls of more than one row seen in /metrics,
     * and the server healthy afterwards.
     */
    @Test
    void concurrentClientsAreBatchedAndAnsweredCorrectly() throws Exception {
        int clients = 16, perClient = 20, length = 8;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(clients);
        List<Future<Integer>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            results.add(pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(100 + client);
                start.await(60, TimeUnit.SECONDS);
                int ok = 0;
                for (int i = 0; i < perClient; i++) {
                    if (i % 5 == 4) {
                        String bad = switch (i % 3) {
                            case 0 -> "{\"inputs\": [{\"name\": \"input_ids\"";
                            case 1 -> inferBody(null, 1, example(random, 1, length)).replace("\"INT64\"", "\"FP64\"");
                            default -> inferBody(null, 1, example(random, 1, length)).replace("attention_mask", "attention");
                        };
                        Http.Response r = http.post("/v2/models/tc/infer", bad);
                        assertEquals(400, r.status(), r.body());
                        String field = i % 3 == 0 ? "malformed JSON" : i % 3 == 1 ? "datatype" : "inputs[1].name";
                        assertTrue(r.error().contains(field), r.body());
                        continue;
                    }
                    int rows = 1 + random.nextInt(2);
                    long[][] example = example(random, rows, length);
                    Http.Response r = http.post("/v2/models/tc/infer", inferBody("c" + client + "-" + i, rows, example));
                    assertEquals(200, r.status(), r.body());
                    assertEquals("c" + client + "-" + i, r.json().get("id").asText());
                    Map<String, TensorData> expected;
                    synchronized (direct) {
                        expected = directOutputs(rows, example);
                    }
                    assertArrayEquals(expected.get("probabilities").floats(), floats(output(r.json(), "probabilities").get("data")), 1e-5f);
                    ok++;
                }
                return ok;
            }));
        }
        int ok = 0;
        for (Future<Integer> f : results) {
            ok += f.get(4, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertEquals(clients * perClient * 4 / 5, ok);

        String metrics = http.get("/metrics").body();
        double calls = metric(metrics, "rsr_serve_batch_size_count{model=\"tc\"}");
        double singleRowCalls = metric(metrics, "rsr_serve_batch_size_bucket{model=\"tc\",le=\"1.0\"}");
        assertTrue(calls > singleRowCalls, "no model call had more than one row:\n" + metrics);
        double rows = metric(metrics, "rsr_serve_batch_size_sum{model=\"tc\"}");
        assertTrue(rows > calls, "on average one row per call: no batching");
        assertTrue(metric(metrics, "rsr_serve_requests_total{model=\"tc\",route=\"infer\",status=\"400\"}") >= clients * perClient / 5);
        assertEquals(0, metric(metrics, "rsr_serve_queue_depth{model=\"tc\"}"), "requests left waiting once every client had its answer");
        assertTrue(metrics.contains("rsr_serve_request_duration_seconds_bucket{model=\"tc\",route=\"infer\""));
        assertEquals(200, http.get("/v2/health/ready").status());
        assertEquals(200, http.post("/v2/models/tc/infer", inferBody(null, 1, example(new SplittableRandom(1), 1, 4))).status());
    }

    static double metric(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no series " + series + " in\n" + text));
    }

    /**
     * A queue of one: with a model call held at the gate and one request waiting, the next is
     * answered 503 with Retry-After; once the gate opens, the held and queued requests are
     * answered correctly and the server takes requests again.
     */
    @Test
    void aBurstPastTheQueueBoundIsAnswered503() throws Exception {
        GatedBackend gated = new GatedBackend();
        ServerConfig config = ServerConfig.defaults().withBatching(1, Duration.ZERO, 1);
        try (ModelServer small = ModelServer.start(Map.of("tc", plain), config, gated, OPTIONS)) {
            Http client = new Http(small.port());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            long[][] a = example(new SplittableRandom(1), 1, 6);
            long[][] b = example(new SplittableRandom(2), 1, 6);
            Future<Http.Response> held = pool.submit(() -> client.post("/v2/models/tc/infer", inferBody("held", 1, a)));
            assertTrue(gated.entered.await(60, TimeUnit.SECONDS), "the first request never reached the model");
            Future<Http.Response> queued = pool.submit(() -> client.post("/v2/models/tc/infer", inferBody("queued", 1, b)));
            // Wait (bounded) until the second request sits in the queue, as the queue-depth gauge tells.
            for (int i = 0; i < 2000 && metric(client.get("/metrics").body(), "rsr_serve_queue_depth{model=\"tc\"}") < 1; i++) {
                Thread.sleep(5);
            }
            assertEquals(1, metric(client.get("/metrics").body(), "rsr_serve_queue_depth{model=\"tc\"}"),
                    "the second request never waited in the queue");
            Http.Response refused = client.post("/v2/models/tc/infer", inferBody("burst", 1, b));
            assertEquals(503, refused.status(), refused.body());
            assertEquals("1", refused.raw().headers().firstValue("Retry-After").orElse(""));
            assertTrue(refused.error().contains("tc"), refused.body());
            gated.gate.release(1000);
            Http.Response first = held.get(60, TimeUnit.SECONDS);
            Http.Response second = queued.get(60, TimeUnit.SECONDS);
            assertEquals(200, first.status(), first.body());
            assertEquals(200, second.status(), second.body());
            assertArrayEquals(directOutputs(1, a).get("logits").floats(), floats(output(first.json(), "logits").get("data")), 0f);
            assertArrayEquals(directOutputs(1, b).get("logits").floats(), floats(output(second.json(), "logits").get("data")), 0f);
            assertEquals(200, client.get("/v2/health/ready").status());
            assertEquals(200, client.post("/v2/models/tc/infer", inferBody(null, 1, a)).status());
            assertTrue(client.get("/metrics").body().contains("rsr_serve_requests_total{model=\"tc\",route=\"infer\",status=\"503\"}"));
            pool.shutdown();
        }
    }

    /**
     * close() with a request in flight: new work is refused (503, readiness 400), the request in
     * flight still gets its answer, then the port closes and the model's session is freed.
     */
    @Test
    void closeDrainsTheRequestInFlightThenFreesTheModel() throws Exception {
        GatedBackend gated = new GatedBackend();
        ModelServer closing = ModelServer.start(Map.of("tc", plain), ServerConfig.defaults(), gated, OPTIONS);
        Http client = new Http(closing.port());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        long[][] a = example(new SplittableRandom(3), 2, 5);
        Future<Http.Response> inFlight = pool.submit(() -> client.post("/v2/models/tc/infer", inferBody("x", 2, a)));
        assertTrue(gated.entered.await(60, TimeUnit.SECONDS));
        Future<?> closed = pool.submit(closing::close);
        Http.Response refused = null;
        for (int i = 0; i < 500 && refused == null; i++) {
            Http.Response ready = client.get("/v2/health/ready");
            if (ready.status() == 400) {
                refused = client.post("/v2/models/tc/infer", inferBody(null, 2, a));
            }
        }
        assertNotNull(refused, "the server never reported draining");
        assertEquals(503, refused.status(), refused.body());
        assertTrue(refused.raw().headers().firstValue("Retry-After").isPresent());
        assertFalse(gated.closed.get(), "the model was freed under a running request");
        gated.gate.release(1000);
        Http.Response answered = inFlight.get(60, TimeUnit.SECONDS);
        assertEquals(200, answered.status(), answered.body());
        assertArrayEquals(directOutputs(2, a).get("logits").floats(), floats(output(answered.json(), "logits").get("data")), 0f);
        closed.get(60, TimeUnit.SECONDS);
        assertTrue(gated.closed.get(), "the model's session was not closed");
        assertThrows(java.io.IOException.class, () -> client.get("/v2/health/live"));
        closing.close(); // a second close is harmless
        pool.shutdown();
    }

    // ------------------------------------------------------------------ regressions from hostile probing

    /**
     * Sizes whose product passes Long.MAX_VALUE (4 x 2^62 wrapped to 0, which empty data matched,
     * and ended in a 500), sizes that disagree on a dimension the model names alike (ONNX Runtime
     * failed inside the graph, a 500 naming a node), and values past the element type's range
     * (silently infinity): each a 400 naming the field, before the model runs.
     */
    @Test
    void hostileShapesAndValuesAreRefusedNamingTheField() throws Exception {
        long huge = 1L << 62;
        String overflow = "{\"inputs\": [{\"name\":\"input_ids\",\"shape\":[4," + huge + "],\"datatype\":\"INT64\",\"data\":[]},"
                + "{\"name\":\"attention_mask\",\"shape\":[4," + huge + "],\"datatype\":\"INT64\",\"data\":[]}]}";
        assertRefused(http.post("/v2/models/tc/infer", overflow), 400, "inputs[0].shape", "a shape whose product overflows");
        assertRefused(http.post("/v2/models/tc/infer", overflow.replace("[4,", "[0,")), 400, "inputs[0].shape", "a huge size after a zero");
        String sequences = "{\"inputs\": [{\"name\":\"input_ids\",\"shape\":[1,2],\"datatype\":\"INT64\",\"data\":[1,2]},"
                + "{\"name\":\"attention_mask\",\"shape\":[1,3],\"datatype\":\"INT64\",\"data\":[1,1,1]}]}";
        Http.Response r = http.post("/v2/models/tc/infer", sequences);
        assertRefused(r, 400, "inputs[1].shape[1]", "sequences of two lengths");
        assertTrue(r.error().contains("'sequence'") && r.error().contains("'input_ids'"), r.body());

        Mlp mlp = Mlp.defaults();
        try (ModelServer floats = ModelServer.start(Map.of("mlp", mlp.build()), ServerConfig.defaults(), new OrtInferenceBackend(), OPTIONS)) {
            Http client = new Http(floats.port());
            java.util.function.Function<String, String> body = first -> "{\"inputs\": [{\"name\":\"" + Mlp.INPUT
                    + "\",\"shape\":[1," + mlp.inputs() + "],\"datatype\":\"FP32\",\"data\":[" + first + ",0".repeat(mlp.inputs() - 1) + "]}]}";
            assertRefused(client.post("/v2/models/mlp/infer", body.apply("1e39")), 400, "inputs[0].data: features[0]", "past float's range");
            assertRefused(client.post("/v2/models/mlp/infer", body.apply("-1e400")), 400, "inputs[0].data: features[0]", "past double's range");
            assertEquals(200, client.post("/v2/models/mlp/infer", body.apply("3.4e38")).status(), "float's largest is taken");
        }
    }

    /**
     * An IllegalStateException from the backend while the server is up is a fault: 500 and the
     * server log, not the 503 "shutting down" that a client would retry forever.
     */
    @Test
    void aBackendFaultIsAnsweredAsAFaultNotAsShuttingDown() throws Exception {
        GatedBackend faulty = new GatedBackend();
        faulty.failure.set(new IllegalStateException("a fault in the backend"));
        try (ModelServer s = ModelServer.start(Map.of("tc", plain), ServerConfig.defaults(), faulty, OPTIONS)) {
            Http.Response r = new Http(s.port()).post("/v2/models/tc/infer", inferBody(null, 1, example(new SplittableRandom(4), 1, 4)));
            assertEquals(500, r.status(), r.body());
            assertTrue(r.error().contains("internal error"), r.body());
        }
    }

    /** A model that cannot be opened, even for an IOException of its own, is reported as itself, not as a port that is taken. */
    @Test
    void aModelThatFailsToOpenIsNotReportedAsAPortProblem() {
        InferenceBackend unreadable = new InferenceBackend() {
            @Override
            public String name() {
                return OrtInferenceBackend.NAME;
            }

            @Override
            public Predictor open(ModelGraph model, InferenceOptions options) {
                throw new ModelException("model 'tc': cannot read its external weights",
                        new IOException("weights.bin: no such file"));
            }
        };
        RuntimeException e = assertThrows(RuntimeException.class, () -> ModelServer.start(Map.of("tc", plain), ServerConfig.defaults(), unreadable, OPTIONS));
        assertEquals("model 'tc': cannot read its external weights", e.getMessage());
    }

    /**
     * With a model call that never ends, close() gives up once its one drain timeout has passed:
     * the batcher gets only what is left of it (nothing), not the whole timeout again. The clock
     * close() reads jumps past the deadline of an hour's drain timeout, so the stuck call is
     * interrupted at once with the fix, and an hour later without it; nothing measures time.
     */
    @Test
    void closeStopsAStuckModelCallOnceTheOneDrainTimeoutHasPassed() throws Exception {
        GatedBackend stuck = new GatedBackend();
        ServerConfig config = ServerConfig.defaults().withDrainTimeout(Duration.ofHours(1));
        ModelServer s = ModelServer.start(Map.of("tc", plain), config, stuck, OPTIONS);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Http client = new Http(s.port());
            Future<Http.Response> answer = pool.submit(() -> client.post("/v2/models/tc/infer", inferBody(null, 1, example(new SplittableRandom(5), 1, 4))));
            assertTrue(stuck.entered.await(60, TimeUnit.SECONDS), "the request never reached the model");
            // The first reading sets the deadline; every later one is past it.
            java.util.concurrent.atomic.AtomicBoolean read = new java.util.concurrent.atomic.AtomicBoolean();
            long start = System.nanoTime();
            s.nanoClock = () -> read.getAndSet(true) ? start + Duration.ofHours(2).toNanos() : start;
            Future<?> closed = pool.submit(s::close);
            assertTrue(stuck.interrupted.await(60, TimeUnit.SECONDS), "close() did not stop the stuck model call after the drain timeout");
            closed.get(60, TimeUnit.SECONDS);
            assertTrue(stuck.closed.get(), "the model's session was not closed");
            // Past the drain timeout the server promises no answer: the request cut off gets its 503
            // when it is written before the connection closes, else the connection just closes.
            try {
                Http.Response r = answer.get(60, TimeUnit.SECONDS);
                assertEquals(503, r.status(), r.body());
            } catch (java.util.concurrent.ExecutionException e) {
                assertTrue(e.getCause() instanceof java.io.IOException, "neither a 503 nor a closed connection: " + e.getCause());
            }
        } finally {
            stuck.gate.release(1000);
            s.close();
            pool.shutdownNow();
        }
    }

    @Test
    void theRemainingDrainTimeIsWhatIsLeftOfTheDeadlineAndNeverNegative() {
        assertEquals(1500, ModelServer.remainingMillis(2_000_000_000L, 500_000_000L));
        assertEquals(0, ModelServer.remainingMillis(2_000_000_000L, 3_000_000_000L));
        assertEquals(0, ModelServer.remainingMillis(Long.MIN_VALUE + 5, Long.MAX_VALUE - 5), "across the clock's wrap");
    }

    // ------------------------------------------------------------------ limits on what one request may take

    /**
     * A request of more rows than --max-request-rows is refused before its data is read, naming
     * the field and the limit; one at the limit runs (alone, being more than --max-batch).
     */
    @Test
    void aRequestOfMoreRowsThanTheLimitIsRefusedNamingTheFieldAndTheLimit() throws Exception {
        ServerConfig config = ServerConfig.defaults().withBatching(2, Duration.ZERO, 16).withLimits(1 << 20, 4);
        try (ModelServer s = ModelServer.start(Map.of("tc", plain, "labelled", withTask), config, new OrtInferenceBackend(), OPTIONS)) {
            Http client = new Http(s.port());
            SplittableRandom random = new SplittableRandom(11);
            Http.Response tooMany = client.post("/v2/models/tc/infer", inferBody(null, 5, example(random, 5, 4)));
            assertRefused(tooMany, 400, "inputs[0].shape[0]", "five rows");
            assertTrue(tooMany.error().contains("limit of 4"), tooMany.body());
            // The shape alone is refused: a request that would be huge never has its data read.
            String huge = "{\"inputs\": [{\"name\":\"input_ids\",\"shape\":[20000,8],\"datatype\":\"INT64\",\"data\":[1]},"
                    + "{\"name\":\"attention_mask\",\"shape\":[20000,8],\"datatype\":\"INT64\",\"data\":[1]}]}";
            assertRefused(client.post("/v2/models/tc/infer", huge), 400, "inputs[0].shape[0]", "20000 rows");
            long[][] four = example(random, 4, 4);
            Http.Response atLimit = client.post("/v2/models/tc/infer", inferBody(null, 4, four));
            assertEquals(200, atLimit.status(), atLimit.body());
            assertArrayEquals(directOutputs(4, four).get("logits").floats(), floats(output(atLimit.json(), "logits").get("data")), 0f);

            Http.Response texts = client.post("/v2/models/labelled/classify", Http.json(Map.of("texts", List.of("a", "b", "c", "d", "e"))));
            assertRefused(texts, 400, "texts", "five texts");
            assertTrue(texts.error().contains("limit of 4"), texts.body());
            assertEquals(200, client.post("/v2/models/labelled/classify", Http.json(Map.of("texts", List.of("the cat", "a dog", "bread", "hot soup")))).status());
        }
    }

    /**
     * While the memory budget for request bodies is taken, a request waits briefly and is answered
     * 503 with Retry-After (and counted so); once there is room again, it is served.
     */
    @Test
    void aBodyWithNoRoomInTheMemoryBudgetIsAnswered503() throws Exception {
        try (ModelServer s = ModelServer.start(Map.of("tc", plain), ServerConfig.defaults(), new OrtInferenceBackend(), OPTIONS)) {
            Http client = new Http(s.port());
            String body = inferBody(null, 1, example(new SplittableRandom(12), 1, 4));
            BodyBudget budget = s.bodies();
            List<BodyBudget.Lease> held = new ArrayList<>();
            while (budget.available() > 0) {
                held.add(budget.acquire((long) Math.min(budget.available(), 1 << 14) * 1024));
            }
            Http.Response refused = client.post("/v2/models/tc/infer", body);
            assertRefused(refused, 503, "request body", "no room for the body");
            assertEquals("1", refused.raw().headers().firstValue("Retry-After").orElse(""));
            assertEquals(1, metric(client.get("/metrics").body(), "rsr_serve_requests_total{model=\"tc\",route=\"infer\",status=\"503\"}"));
            held.forEach(BodyBudget.Lease::close);
            assertEquals(budget.total(), budget.available());
            assertEquals(200, client.post("/v2/models/tc/infer", body).status());
            assertEquals(budget.total(), budget.available(), "a request did not give its room back");
        }
    }

    /**
     * On a 512 MiB heap, two 16 MiB bodies cannot be parsed at once (each takes several times its
     * size), small ones can beside one, and a body larger than the whole budget still runs alone.
     */
    @Test
    void theBodyBudgetFollowsTheHeap() throws Exception {
        BodyBudget budget = BodyBudget.forHeap(512L << 20, 64L << 20);
        BodyBudget.Lease first = budget.acquire(16L << 20);
        BodyBudget.Lease small = budget.acquire(2_000);
        small.close();
        HttpError e = assertThrows(HttpError.class, () -> budget.acquire(16L << 20));
        assertEquals(503, e.status());
        first.close();
        BodyBudget.Lease whole = budget.acquire(60L << 20);
        assertEquals(0, budget.available(), "a body larger than the budget takes all of it");
        whole.close();
        assertEquals(budget.total(), budget.available());
    }

    /**
     * An Error in a request (an OutOfMemoryError above all) is a JSON 500 naming it, counted as a
     * 500 in the metrics; the server stays up.
     */
    @Test
    void anErrorInARequestIsAJson500CountedAs500() throws Exception {
        GatedBackend failing = new GatedBackend();
        failing.failure.set(new OutOfMemoryError("Java heap space (thrown by the test)"));
        try (ModelServer s = ModelServer.start(Map.of("tc", plain), ServerConfig.defaults(), failing, OPTIONS)) {
            Http client = new Http(s.port());
            Http.Response r = client.post("/v2/models/tc/infer", inferBody(null, 1, example(new SplittableRandom(13), 1, 4)));
            assertRefused(r, 500, "OutOfMemoryError", "an Error in the model call");
            assertEquals("application/json", r.raw().headers().firstValue("Content-Type").orElse(""));
            String metrics = client.get("/metrics").body();
            assertEquals(1, metric(metrics, "rsr_serve_requests_total{model=\"tc\",route=\"infer\",status=\"500\"}"), metrics);
            assertFalse(metrics.contains("route=\"infer\",status=\"200\""), metrics);
            failing.failure.set(null);
            failing.gate.release(1000);
            assertEquals(200, client.post("/v2/models/tc/infer", inferBody(null, 1, example(new SplittableRandom(13), 1, 4))).status());
        }
    }

    // ------------------------------------------------------------------ Jetty's own answers

    /** Requests Jetty refuses before any route runs are JSON errors too, not Jetty's HTML pages. */
    @Test
    void malformedRequestsAreAnsweredWithJsonErrors() throws Exception {
        Http.Response nul = http.get("/v2/models/tc%00/ready");
        assertEquals(400, nul.status(), nul.body());
        assertEquals("application/json", nul.raw().headers().firstValue("Content-Type").orElse("").replace(";charset=utf-8", ""));
        assertFalse(nul.error().isEmpty(), nul.body());
        for (String request : List.of(
                "GET /v2 HTTP/1.1\r\nHost: localhost\r\nA header without a colon\r\n\r\n",
                "GET /v2/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "GET /v2 HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n")) {
            String answer = raw(server.port(), request);
            assertTrue(answer.startsWith("HTTP/1.1 400"), request + " -> " + answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), request + " -> " + answer);
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertFalse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("error").asText().isEmpty(), answer);
        }
        assertEquals(200, http.get("/v2/health/ready").status());
    }

    /** Sends {@code request} as is and returns all the server answers before closing the connection. */
    static String raw(int port, String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    // ------------------------------------------------------------------ models that cannot be served

    /**
     * A model whose task names fewer labels than its logits have classes, with a width the graph
     * does not declare (so only a call shows it): refused when the server starts, naming the model
     * as the caller describes it, rather than answering every classify with a 500.
     */
    @Test
    void aModelWhoseLabelsDoNotMatchItsLogitsIsRefusedAtStart() {
        ModelGraph bad = twoLabelsOnThreeClasses();
        ModelException e = assertThrows(ModelException.class, () -> ModelServer.start(Map.of("bad", bad),
                name -> "--model " + name + "=models/bad.onnx", ServerConfig.defaults(), new OrtInferenceBackend(), OPTIONS));
        assertTrue(e.getMessage().startsWith("--model bad=models/bad.onnx: "), e.getMessage());
        assertTrue(e.getMessage().contains("2 labels") && e.getMessage().contains("3 classes"), e.getMessage());
    }

    /** The zoo classifier (3 classes) with a task of 2 labels, its outputs' class dimension left symbolic. */
    static ModelGraph twoLabelsOnThreeClasses() {
        dev.rsr.ir.Graph g = plain.graph();
        List<dev.rsr.ir.ValueInfo> outputs = g.outputs().stream().map(v -> new dev.rsr.ir.ValueInfo(v.name(), v.type(),
                dev.rsr.ir.Shape.of(dev.rsr.ir.Dim.symbolic("batch"), dev.rsr.ir.Dim.symbolic("classes")))).toList();
        ModelGraph open = new ModelGraph(new dev.rsr.ir.Graph(g.name(), g.inputs(), outputs, g.initializers(), g.nodes(), g.valueInfos(),
                g.docString()), plain.metadata());
        TextTask two = TextTask.fromTraining(List.of(new TextExample("a cat", "animal", "t"), new TextExample("some bread", "food", "t")),
                100, CONFIG.maxLength());
        return two.attachTo(open);
    }
}
