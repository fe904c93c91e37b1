package dev.rsr.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The server's Prometheus metrics, in a registry of its own (two servers in one JVM do not mix):
 * requests by model, route and status; request latency; rows per model call; requests waiting.
 * Thread-safe.
 */
final class ServeMetrics {
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("rsr_serve_requests_total")
            .help("HTTP requests answered, by model (empty for server routes and unknown models), route and status code")
            .labelNames("model", "route", "status").register(registry);
    private final Histogram latency = Histogram.builder().name("rsr_serve_request_duration_seconds")
            .help("Time from receiving a request to answering it, by model and route")
            .labelNames("model", "route").classicOnly()
            .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    private final Histogram batchRows = Histogram.builder().name("rsr_serve_batch_size")
            .help("Rows per model call, after micro-batching concurrent requests")
            .labelNames("model").classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).register(registry);

    /** @param queueDepth requests waiting, per model name, read at each scrape */
    ServeMetrics(Map<String, ?> models, ToIntFunction<String> queueDepth) {
        GaugeWithCallback.builder().name("rsr_serve_queue_depth")
                .help("Requests waiting for a model call, by model")
                .labelNames("model")
                .callback(cb -> models.keySet().forEach(m -> cb.call(queueDepth.applyAsInt(m), m)))
                .register(registry);
    }

    void request(String model, String route, int status, long nanos) {
        requests.labelValues(model, route, Integer.toString(status)).inc();
        latency.labelValues(model, route).observe(nanos / 1e9);
    }

    void batch(String model, int rows) {
        batchRows.labelValues(model).observe(rows);
    }

    /** The text exposition format, version 0.0.4. */
    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.DEFAULT);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
