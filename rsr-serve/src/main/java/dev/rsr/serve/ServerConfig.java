package dev.rsr.serve;

import dev.rsr.error.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link ModelServer} listens, batches and drains. Every field is checked on creation; all
 * problems are reported at once.
 *
 * @param host         the address to listen on ({@code 127.0.0.1} for this machine only, {@code 0.0.0.0} for all)
 * @param port         the port; 0 picks a free one ({@link ModelServer#port()} tells which)
 * @param maxBatch     most rows one model call assembles from concurrent requests (1 turns batching off)
 * @param maxWait      longest a request waits for others to join its batch
 * @param maxQueue     most requests waiting per model; more are answered 503 with Retry-After
 * @param drainTimeout longest {@link ModelServer#close()} waits for requests in flight
 * @param maxBodyBytes largest request body accepted (413 beyond); parsed, a JSON body takes several
 *                     times its size in memory
 * @param maxRequestRows most rows (examples, or texts to classify) one request may carry (400 beyond)
 */
public record ServerConfig(String host, int port, int maxBatch, Duration maxWait, int maxQueue, Duration drainTimeout,
                           long maxBodyBytes, int maxRequestRows) {
    public static final int DEFAULT_MAX_BATCH = 32;
    public static final int DEFAULT_MAX_WAIT_MS = 2;
    public static final int DEFAULT_MAX_QUEUE = 256;
    public static final int DEFAULT_MAX_BODY_MB = 16;
    public static final int DEFAULT_MAX_REQUEST_ROWS = 1024;

    public ServerConfig {
        List<String> problems = new ArrayList<>();
        if (host == null || host.isBlank()) {
            problems.add("host must be an address, e.g. 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            problems.add("port must be between 0 and 65535, got " + port);
        }
        if (maxBatch < 1) {
            problems.add("maxBatch must be >= 1, got " + maxBatch);
        }
        if (maxWait == null || maxWait.isNegative()) {
            problems.add("maxWait must be >= 0, got " + maxWait);
        }
        if (maxQueue < 1) {
            problems.add("maxQueue must be >= 1, got " + maxQueue);
        }
        if (drainTimeout == null || drainTimeout.isNegative()) {
            problems.add("drainTimeout must be >= 0, got " + drainTimeout);
        }
        if (maxBodyBytes < 1) {
            problems.add("maxBodyBytes must be >= 1, got " + maxBodyBytes);
        }
        if (maxRequestRows < 1) {
            problems.add("maxRequestRows must be >= 1, got " + maxRequestRows);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("invalid server configuration: " + String.join("; ", problems));
        }
    }

    /**
     * Loopback, a free port, batches of up to 32 rows after up to 2 ms, 256 queued requests, 30 s to
     * drain, 16 MiB bodies of up to 1024 rows.
     */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 0, DEFAULT_MAX_BATCH, Duration.ofMillis(DEFAULT_MAX_WAIT_MS), DEFAULT_MAX_QUEUE,
                Duration.ofSeconds(30), (long) DEFAULT_MAX_BODY_MB << 20, DEFAULT_MAX_REQUEST_ROWS);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, maxBatch, maxWait, maxQueue, drainTimeout, maxBodyBytes, maxRequestRows);
    }

    public ServerConfig withBatching(int newMaxBatch, Duration newMaxWait, int newMaxQueue) {
        return new ServerConfig(host, port, newMaxBatch, newMaxWait, newMaxQueue, drainTimeout, maxBodyBytes, maxRequestRows);
    }

    public ServerConfig withLimits(long newMaxBodyBytes, int newMaxRequestRows) {
        return new ServerConfig(host, port, maxBatch, maxWait, maxQueue, drainTimeout, newMaxBodyBytes, newMaxRequestRows);
    }

    public ServerConfig withDrainTimeout(Duration newDrainTimeout) {
        return new ServerConfig(host, port, maxBatch, maxWait, maxQueue, newDrainTimeout, maxBodyBytes, maxRequestRows);
    }
}
