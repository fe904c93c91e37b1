package dev.rsr.serve;

import dev.rsr.ir.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micro-batching for one model: requests wait in a bounded queue; one thread takes the oldest,
 * waits up to {@code maxWait} for more that fit with it (same inputs and, for tensors, the same
 * shape past the first dimension; texts always fit, being padded together), up to
 * {@code maxBatch} rows, and runs them as one model call. Each request gets its own rows of the
 * outputs back. A request that does not fit the current batch starts the next one, so order is
 * kept. If a batch of several requests fails, each is run on its own, so that a failure stays
 * with the request that caused it.
 *
 * <p>Thread-safe. {@link #close()} refuses new requests, finishes the queued ones and stops the
 * thread; it does not close the model.
 */
final class Batcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

    /**
     * One request's rows: named tensors whose first dimension is the row count, or token id rows
     * (one per text) that the model's text classification turns into tensors.
     */
    static final class Job {
        final Map<String, TensorData> feeds;
        final List<long[]> tokens;
        final int rows;
        final CompletableFuture<Map<String, TensorData>> result = new CompletableFuture<>();

        private Job(Map<String, TensorData> feeds, List<long[]> tokens, int rows) {
            this.feeds = feeds;
            this.tokens = tokens;
            this.rows = rows;
        }

        static Job ofTensors(Map<String, TensorData> feeds, int rows) {
            return new Job(feeds, null, rows);
        }

        static Job ofTokens(List<long[]> tokens) {
            return new Job(null, List.copyOf(tokens), tokens.size());
        }

        boolean text() {
            return tokens != null;
        }
    }

    private final String model;
    private final Function<Map<String, TensorData>, Map<String, TensorData>> runner;
    private final Function<List<long[]>, Map<String, TensorData>> textFeeds;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final IntConsumer batchSizes;
    private final ArrayBlockingQueue<Job> queue;
    private final Thread thread;
    private final Object lock = new Object();
    private boolean closed;
    /** A job taken from the queue that did not fit the last batch: the next batch starts with it. Dispatcher thread only. */
    private Job carried;

    /**
     * @param runner     runs one batch (the model's predictor)
     * @param textFeeds  token id rows to tensors (null when the model takes no text)
     * @param maxBatch   most rows per call; 1 runs every request alone
     * @param batchSizes told the rows of every model call
     */
    Batcher(String model, Function<Map<String, TensorData>, Map<String, TensorData>> runner,
            Function<List<long[]>, Map<String, TensorData>> textFeeds, int maxBatch, long maxWaitNanos, int maxQueue,
            IntConsumer batchSizes) {
        this.model = model;
        this.runner = runner;
        this.textFeeds = textFeeds;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWaitNanos;
        this.batchSizes = batchSizes;
        this.queue = new ArrayBlockingQueue<>(maxQueue);
        this.thread = new Thread(this::loop, "rsr-batcher-" + model);
        thread.start();
    }

    /** Queues a job; a full queue or a closed batcher is a 503 the client may retry. */
    CompletableFuture<Map<String, TensorData>> submit(Job job) {
        synchronized (lock) {
            if (closed) {
                throw HttpError.unavailable("the server is shutting down");
            }
            if (!queue.offer(job)) {
                throw HttpError.unavailable("model '" + model + "' has " + queue.size() + " requests waiting, its limit; retry later");
            }
        }
        return job.result;
    }

    /** Requests waiting, not counting the batch that is running. */
    int depth() {
        return queue.size();
    }

    private void loop() {
        while (true) {
            Job first = carried;
            carried = null;
            if (first == null) {
                try {
                    first = queue.poll(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (first == null) {
                synchronized (lock) {
                    if (closed && queue.isEmpty()) {
                        return;
                    }
                }
                continue;
            }
            List<Job> batch = assemble(first);
            try {
                execute(batch);
            } catch (RuntimeException | Error e) {
                // execute completes every job itself; this is the last guard so the thread lives on.
                batch.forEach(j -> j.result.completeExceptionally(e));
                LOG.error("model '{}': a batch failed unexpectedly", model, e);
            }
        }
    }

    /** The first job and those that join it within the wait, up to the row limit. */
    private List<Job> assemble(Job first) {
        List<Job> batch = new ArrayList<>();
        batch.add(first);
        int rows = first.rows;
        long deadline = System.nanoTime() + maxWaitNanos;
        while (rows < maxBatch) {
            Job next;
            long left = deadline - System.nanoTime();
            try {
                next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (next == null) {
                break;
            }
            if (!fits(first, next) || rows + next.rows > maxBatch) {
                carried = next;
                break;
            }
            batch.add(next);
            rows += next.rows;
        }
        return batch;
    }

    private static boolean fits(Job a, Job b) {
        if (a.text() || b.text()) {
            return a.text() && b.text();
        }
        if (!a.feeds.keySet().equals(b.feeds.keySet())) {
            return false;
        }
        for (Map.Entry<String, TensorData> e : a.feeds.entrySet()) {
            long[] x = e.getValue().shape(), y = b.feeds.get(e.getKey()).shape();
            if (x.length == 0 || x.length != y.length || e.getValue().type() != b.feeds.get(e.getKey()).type()
                    || !Arrays.equals(x, 1, x.length, y, 1, y.length)) {
                return false;
            }
        }
        return true;
    }

    private void execute(List<Job> batch) {
        int rows = batch.stream().mapToInt(j -> j.rows).sum();
        Map<String, TensorData> outputs;
        try {
            Map<String, TensorData> feeds = batch.get(0).text()
                    ? textFeeds.apply(batch.stream().flatMap(j -> j.tokens.stream()).toList())
                    : batch.size() == 1 ? batch.get(0).feeds : concat(batch);
            batchSizes.accept(rows);
            outputs = runner.apply(feeds);
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).result.completeExceptionally(e);
            } else {
                batch.forEach(j -> execute(List.of(j)));
            }
            return;
        }
        if (batch.size() == 1) {
            batch.get(0).result.complete(outputs);
            return;
        }
        if (outputs.values().stream().anyMatch(t -> t.rank() == 0 || t.dim(0) != rows)) {
            // An output without one row per input row cannot be shared out: run each request alone.
            batch.forEach(j -> execute(List.of(j)));
            return;
        }
        int offset = 0;
        for (Job j : batch) {
            Map<String, TensorData> own = new LinkedHashMap<>();
            for (Map.Entry<String, TensorData> e : outputs.entrySet()) {
                own.put(e.getKey(), rows(e.getValue(), offset, j.rows));
            }
            j.result.complete(own);
            offset += j.rows;
        }
    }

    /** The jobs' tensors joined along the first dimension, input by input. */
    private static Map<String, TensorData> concat(List<Job> batch) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (String name : batch.get(0).feeds.keySet()) {
            TensorData first = batch.get(0).feeds.get(name);
            long[] shape = first.shape().clone();
            shape[0] = batch.stream().mapToLong(j -> j.feeds.get(name).dim(0)).sum();
            ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(TensorData.elementCount(shape) * first.type().byteSize()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            batch.forEach(j -> data.put(j.feeds.get(name).rawBuffer()));
            data.flip();
            out.put(name, TensorData.wrapRaw(first.type(), shape, data));
        }
        return out;
    }

    /** Rows {@code [from, from + count)} of {@code t}, sharing its data. */
    private static TensorData rows(TensorData t, int from, int count) {
        long[] shape = t.shape().clone();
        int rowBytes = Math.toIntExact(t.byteSize() / shape[0]);
        shape[0] = count;
        ByteBuffer view = t.rawBuffer();
        view.position(from * rowBytes).limit((from + count) * rowBytes);
        return TensorData.wrapRaw(t.type(), shape, view);
    }

    /** Refuses new requests, lets the queued ones run, and waits up to {@code timeoutMillis} for the thread to finish. */
    void close(long timeoutMillis) {
        synchronized (lock) {
            closed = true;
        }
        try {
            thread.join(Math.max(1, timeoutMillis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!thread.isAlive() && carried != null) {
            carried.result.completeExceptionally(HttpError.unavailable("the server is shutting down"));
            carried = null;
        }
        for (Job j; (j = queue.poll()) != null; ) {
            j.result.completeExceptionally(HttpError.unavailable("the server is shutting down"));
        }
    }

    @Override
    public void close() {
        close(30_000);
    }
}
