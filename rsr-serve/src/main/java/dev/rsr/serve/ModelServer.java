package dev.rsr.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rsr.data.StrictJson;
import dev.rsr.error.BackendException;
import dev.rsr.error.DataException;
import dev.rsr.error.RsrException;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.spi.InferenceBackend;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server for ONNX models speaking the Open Inference Protocol (the KServe v2 REST API of
 * Triton, KServe, Seldon MLServer and OpenVINO Model Server), plus a {@code classify} route for
 * models that carry their tokenizer and labels, and Prometheus metrics at {@code /metrics}.
 *
 * <p>Routes: {@code GET /v2}, {@code GET /v2/health/live}, {@code GET /v2/health/ready},
 * {@code GET /v2/models/{name}}, {@code GET /v2/models/{name}/ready},
 * {@code POST /v2/models/{name}/infer}, {@code POST /v2/models/{name}/classify},
 * {@code GET /metrics}. Every refusal is {@code {"error": "..."}} naming the field at fault: 400
 * for a bad request, 404 for an unknown model or route, 503 (with {@code Retry-After}) when a
 * model's queue is full, too many bodies are being parsed or the server is shutting down; so are
 * Jetty's own refusals of malformed requests ({@link JsonErrors}). Requests are checked against
 * the model before ONNX Runtime sees them. Concurrent requests to a model are micro-batched
 * ({@link Batcher}).
 *
 * <p>Thread-safe. Owns the predictors it opens; {@link #close()} stops taking requests, lets the
 * ones in flight finish, stops the HTTP server and frees every predictor.
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    private static final String RETRY_AFTER_SECONDS = "1";

    private final ServerConfig config;
    private final Map<String, ServedModel> models;
    private final ServeMetrics metrics;
    private final Javalin app;
    /** Requests to infer or classify that have started and not yet been answered. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** After the drain timeout, how long the requests cut off get to have their 503 written. */
    private static final java.time.Duration ANSWER_GRACE = java.time.Duration.ofSeconds(2);
    private volatile boolean draining;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Bounds the memory of request bodies being read and parsed at once. */
    private final BodyBudget bodies;
    /** The clock {@link #close()} measures the drain timeout with; a test may replace it. */
    volatile LongSupplier nanoClock = System::nanoTime;

    private ModelServer(ServerConfig config, Map<String, ServedModel> models, ServeMetrics metrics) {
        this.config = config;
        this.models = models;
        this.metrics = metrics;
        this.bodies = BodyBudget.forHeap(Runtime.getRuntime().maxMemory(), config.maxBodyBytes());
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.http.maxRequestSize = config.maxBodyBytes();
            // Jetty's own answers (a malformed request line or header, an ambiguous URI such as one with %00, an
            // error raised below Javalin's routes) are JSON too: at the server and in the servlet context.
            c.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrors.Server()));
            c.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new JsonErrors.Servlet()));
            c.routes.get("/v2", route("server", false, this::serverMetadata));
            c.routes.get("/v2/health/live", route("live", false, ctx -> json(ctx, 200, InferenceProtocol.object(Map.of("live", true)))));
            c.routes.get("/v2/health/ready", route("ready", false, this::serverReady));
            c.routes.get("/v2/models/{model}", route("metadata", false, ctx -> json(ctx, 200, InferenceProtocol.metadata(model(ctx)))));
            c.routes.get("/v2/models/{model}/ready", route("model_ready", false, this::modelReady));
            c.routes.post("/v2/models/{model}/infer", route("infer", true, this::infer));
            c.routes.post("/v2/models/{model}/classify", route("classify", true, this::classify));
            c.routes.get("/metrics", route("metrics", false, ctx -> ctx.status(200).contentType(ServeMetrics.CONTENT_TYPE).result(metrics.scrape())));
            // No route matched, or the wrong method: still a JSON error.
            c.routes.exception(HttpResponseException.class, (e, ctx) -> json(ctx, e.getStatus(), InferenceProtocol.error(e.getMessage())));
        });
    }

    /**
     * Opens every model with {@code backend} and starts listening. Fails (closing whatever it
     * opened) on a model ONNX Runtime cannot load or a port that is taken.
     *
     * @param models by the name clients use in URLs, in the order they are listed
     */
    public static ModelServer start(Map<String, ModelGraph> models, ServerConfig config, InferenceBackend backend, InferenceOptions options) {
        return start(models, name -> "model '" + name + "'", config, backend, options);
    }

    /**
     * As {@link #start(Map, ServerConfig, InferenceBackend, InferenceOptions)}, with errors about a
     * model (one that cannot be served) naming it as {@code where} says, e.g. with its file.
     *
     * @param where a model's name to how errors name it
     */
    public static ModelServer start(Map<String, ModelGraph> models, Function<String, String> where, ServerConfig config,
                                    InferenceBackend backend, InferenceOptions options) {
        if (models.isEmpty()) {
            throw new dev.rsr.error.ConfigurationException("no model to serve");
        }
        Map<String, ServedModel> served = new LinkedHashMap<>();
        ServeMetrics metrics = new ServeMetrics(models, name -> served.containsKey(name) ? served.get(name).batcher.depth() : 0);
        String platform = backend.name().equals("onnxruntime") ? "onnxruntime_onnx" : backend.name();
        ModelServer server = null;
        try {
            for (Map.Entry<String, ModelGraph> e : models.entrySet()) {
                Predictor predictor = backend.open(e.getValue(), options);
                served.put(e.getKey(), new ServedModel(e.getKey(), where.apply(e.getKey()), platform, e.getValue(), predictor, config, metrics));
            }
            server = new ModelServer(config, java.util.Collections.unmodifiableMap(served), metrics);
            server.app.start(config.host(), config.port());
            return server;
        } catch (RuntimeException e) {
            if (server != null) {
                server.app.stop();
            }
            served.values().forEach(m -> m.close(0));
            // Only app.start() runs once the server exists: a model that failed to load (even for an
            // IOException of its own) is not a port problem.
            if (server != null) {
                throw new RsrException("cannot listen on " + config.host() + ":" + config.port() + ": " + rootMessage(e), e);
            }
            throw e;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    /** The port the server listens on (the one the system chose when the configuration said 0). */
    public int port() {
        return app.port();
    }

    /** The memory budget of request bodies being parsed. */
    BodyBudget bodies() {
        return bodies;
    }

    /** The names of the models served, in order. */
    public List<String> models() {
        return List.copyOf(models.keySet());
    }

    // ------------------------------------------------------------------ routes

    /** Wraps a route: the error policy, the draining check and the metrics. */
    private Handler route(String route, boolean work, Handler body) {
        return ctx -> {
            long start = System.nanoTime();
            String model = ctx.pathParamMap().containsKey("model") && models.containsKey(ctx.pathParam("model")) ? ctx.pathParam("model") : "";
            if (work) {
                inFlight.incrementAndGet();
            }
            try {
                if (work && draining) {
                    throw HttpError.unavailable("the server is shutting down");
                }
                body.handle(ctx);
            } catch (HttpError e) {
                if (e.status() == 503) {
                    ctx.header("Retry-After", RETRY_AFTER_SECONDS);
                }
                json(ctx, e.status(), InferenceProtocol.error(e.getMessage()));
            } catch (DataException e) {
                json(ctx, 400, InferenceProtocol.error(e.getMessage()));
            } catch (HttpResponseException e) {
                json(ctx, e.getStatus(), InferenceProtocol.error(e.getStatus() == 413
                        ? "request body: larger than the server's limit of " + config.maxBodyBytes() + " bytes" : e.getMessage()));
            } catch (BackendException e) {
                LOG.warn("model '{}': {}", model, e.getMessage());
                json(ctx, 500, InferenceProtocol.error(e.getMessage()));
            } catch (Exception | Error e) {
                // An Error too (an OutOfMemoryError above all): otherwise Jetty answers an empty 500 and the metrics count a 200.
                LOG.error("{} {}: internal error", ctx.method(), ctx.path(), e);
                json(ctx, 500, InferenceProtocol.error("internal error (" + e.getClass().getSimpleName() + "); the server log has the details"));
            } finally {
                if (work) {
                    inFlight.decrementAndGet();
                }
                metrics.request(model, route, ctx.statusCode(), System.nanoTime() - start);
            }
        };
    }

    private static void json(Context ctx, int status, byte[] body) {
        ctx.status(status).contentType("application/json").result(body);
    }

    private ServedModel model(Context ctx) {
        String name = ctx.pathParam("model");
        ServedModel m = models.get(name);
        if (m == null) {
            throw HttpError.notFound("model '" + name + "' is not served here; models: " + models.keySet());
        }
        return m;
    }

    private void serverMetadata(Context ctx) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", "rsr");
        fields.put("version", dev.rsr.ir.Version.CURRENT);
        fields.put("extensions", List.of());
        json(ctx, 200, InferenceProtocol.object(fields));
    }

    /** 200 when ready; the protocol's 4xx (400) while shutting down. */
    private void serverReady(Context ctx) {
        json(ctx, draining ? 400 : 200, InferenceProtocol.object(Map.of("ready", !draining)));
    }

    private void modelReady(Context ctx) {
        ServedModel m = model(ctx);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", m.name);
        fields.put("ready", !draining);
        json(ctx, draining ? 400 : 200, InferenceProtocol.object(fields));
    }

    private void infer(Context ctx) throws InterruptedException {
        ServedModel m = model(ctx);
        if (ctx.header("Inference-Header-Content-Length") != null) {
            throw HttpError.badRequest("Inference-Header-Content-Length: binary tensor data is not supported; send JSON data");
        }
        InferenceProtocol.Request request;
        BodyBudget.Lease lease = bodies.acquire(ctx.contentLength());
        try {
            request = InferenceProtocol.parseInfer(body(ctx), m);
        } finally {
            lease.close();
        }
        Map<String, dev.rsr.ir.TensorData> outputs = await(m.batcher.submit(Batcher.Job.ofTensors(request.feeds(), request.rows())));
        json(ctx, 200, InferenceProtocol.inferResponse(m, request, outputs));
    }

    private void classify(Context ctx) throws InterruptedException {
        ServedModel m = model(ctx);
        if (m.text == null) {
            throw HttpError.badRequest("model '" + m.name + "' carries no tokenizer and labels (a model written by rsr finetune does); "
                    + "use /v2/models/" + m.name + "/infer");
        }
        List<long[]> tokens;
        boolean many;
        BodyBudget.Lease lease = bodies.acquire(ctx.contentLength());
        try {
            JsonNode body = body(ctx);
            many = body != null && body.has("texts");
            tokens = tokens(m, body);
        } finally {
            lease.close();
        }
        Map<String, dev.rsr.ir.TensorData> outputs = await(m.batcher.submit(Batcher.Job.ofTokens(tokens)));
        json(ctx, 200, InferenceProtocol.classifyResponse(m, m.text.predictions(outputs), many));
    }

    /** The token ids of the body's {@code text} or each of its {@code texts}, checked field by field. */
    private static List<long[]> tokens(ServedModel m, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw HttpError.badRequest("request body: expected {\"text\": \"...\"} or {\"texts\": [\"...\", ...]}, got "
                    + InferenceProtocol.kind(body));
        }
        JsonNode one = body.get("text");
        JsonNode many = body.get("texts");
        if ((one == null) == (many == null)) {
            throw HttpError.badRequest("request body: give exactly one of \"text\" (a string) and \"texts\" (an array of strings)");
        }
        List<String> texts = new ArrayList<>();
        if (one != null) {
            if (!one.isTextual()) {
                throw HttpError.badRequest("text: must be a string, got " + InferenceProtocol.kind(one));
            }
            texts.add(one.asText());
        } else {
            if (!many.isArray() || many.isEmpty()) {
                throw HttpError.badRequest("texts: must be a non-empty array of strings, got " + InferenceProtocol.kind(many));
            }
            if (many.size() > m.maxRequestRows) {
                throw HttpError.badRequest("texts: " + many.size() + " texts, more than the server's limit of " + m.maxRequestRows
                        + " per request; send them in several requests");
            }
            for (int i = 0; i < many.size(); i++) {
                if (!many.get(i).isTextual()) {
                    throw HttpError.badRequest("texts[" + i + "]: must be a string, got " + InferenceProtocol.kind(many.get(i)));
                }
                texts.add(many.get(i).asText());
            }
        }
        List<long[]> tokens = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            long[] ids = texts.get(i).isBlank() ? new long[0] : m.text.encode(texts.get(i));
            if (ids.length == 0) {
                throw HttpError.badRequest((one != null ? "text" : "texts[" + i + "]") + ": no tokens (the text is empty or blank)");
            }
            tokens.add(ids);
        }
        return tokens;
    }

    private static JsonNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw HttpError.badRequest("request body: empty; expected JSON");
        }
        try {
            return StrictJson.mapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            // Jackson's message names a "[Source: ...]" that is only noise to a client.
            throw HttpError.badRequest("request body: malformed JSON: " + e.getOriginalMessage().replaceAll("\\[Source: .*?; line", "[line")
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")" : ""));
        } catch (IOException e) {
            throw HttpError.badRequest("request body: unreadable: " + e.getMessage());
        }
    }

    /** The model's answer, or its failure as the exception it was. */
    private <T> T await(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalStateException && draining) {
                // The predictor was closed under the request: the server is shutting down. Only then: any
                // other IllegalStateException is a fault to log and answer 500, not a 503 to retry forever.
                throw HttpError.unavailable("the server is shutting down");
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Stops taking requests to infer or classify (503 with Retry-After, readiness 400), waits up to
     * the drain timeout for the ones in flight, stops the HTTP server and frees every model.
     * Idempotent; a second caller waits for the first to finish. Never throws.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        draining = true;
        LongSupplier clock = nanoClock;
        long deadline = clock.getAsLong() + config.drainTimeout().toNanos();
        try {
            while (inFlight.get() > 0 && clock.getAsLong() - deadline < 0) {
                Thread.sleep(10);
            }
            if (inFlight.get() > 0) {
                LOG.warn("{} requests still running after the drain timeout of {}; stopping anyway", inFlight.get(), config.drainTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // What is left of the one drain timeout, not a second one: once every request is answered
            // the queues are empty, and after a timeout they are refused at once.
            long left = remainingMillis(deadline, clock.getAsLong());
            models.values().forEach(m -> m.batcher.close(left));
            // The requests just cut off are being answered 503; give them a moment to be written
            // before the connections close (real time: past the deadline nothing else waits).
            long grace = System.nanoTime() + ANSWER_GRACE.toNanos();
            while (inFlight.get() > 0 && System.nanoTime() - grace < 0) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            try {
                app.stop();
            } catch (RuntimeException e) {
                LOG.warn("stopping the HTTP server: {}", e.toString());
            }
            models.values().forEach(m -> m.close(0));
            terminated.countDown();
        }
    }

    /** What is left until {@code deadline}, in whole milliseconds, never negative (both in the clock's nanoseconds). */
    static long remainingMillis(long deadline, long now) {
        return Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - now));
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    private void awaitQuietly() {
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
