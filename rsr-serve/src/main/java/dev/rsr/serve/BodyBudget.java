package dev.rsr.serve;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the memory that request bodies take while they are read and parsed: a JSON body parsed to
 * a tree takes several times its size ({@link #PARSED_BYTES_PER_BODY_BYTE}), so the bodies in hand
 * at once may add up to a share of the heap, counted by their length. A request waits a short
 * while for room ({@link #WAIT_MILLIS}), then is answered 503 with Retry-After. Small bodies
 * barely count; a body of the largest size takes its share however full the budget is, alone if
 * the budget is smaller. Thread-safe.
 */
final class BodyBudget {
    /** Bytes of memory per byte of body while parsing: the bytes themselves plus a Jackson tree of 6 to 8 times their size. */
    static final int PARSED_BYTES_PER_BODY_BYTE = 10;
    /** The share of the heap bodies being parsed may take. */
    static final double HEAP_SHARE = 0.5;
    /** How long a request waits for room before it is answered 503. */
    static final long WAIT_MILLIS = 1000;
    /** The budget's unit, in body bytes. */
    private static final int UNIT = 1024;

    private final Semaphore units;
    private final int total;
    private final long maxBodyBytes;

    /** @param totalBodyBytes the body bytes that may be in hand at once */
    BodyBudget(long totalBodyBytes, long maxBodyBytes) {
        this.total = (int) Math.max(1, Math.min(Integer.MAX_VALUE, totalBodyBytes / UNIT));
        this.units = new Semaphore(total, true);
        this.maxBodyBytes = maxBodyBytes;
    }

    /** A budget of {@link #HEAP_SHARE} of {@code maxHeapBytes}, for bodies of up to {@code maxBodyBytes}. */
    static BodyBudget forHeap(long maxHeapBytes, long maxBodyBytes) {
        return new BodyBudget((long) (maxHeapBytes * HEAP_SHARE / PARSED_BYTES_PER_BODY_BYTE), maxBodyBytes);
    }

    /** Units the budget holds in all. */
    int total() {
        return total;
    }

    /** Units free now. */
    int available() {
        return units.availablePermits();
    }

    /**
     * Room for a body of {@code contentLength} bytes (negative when unknown, as for a chunked body:
     * then the largest body is assumed), or a 503 after {@link #WAIT_MILLIS}.
     */
    Lease acquire(long contentLength) throws InterruptedException {
        long bytes = contentLength < 0 || contentLength > maxBodyBytes ? maxBodyBytes : contentLength;
        int need = (int) Math.min(total, Math.max(1, (bytes + UNIT - 1) / UNIT));
        if (!units.tryAcquire(need, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            throw HttpError.unavailable("request body: the server is reading as many request bodies as its memory allows; retry later");
        }
        return new Lease(need);
    }

    /** Room held for one body; {@link #close()} gives it back. */
    final class Lease implements AutoCloseable {
        private final int held;
        private boolean closed;

        private Lease(int held) {
            this.held = held;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                units.release(held);
            }
        }
    }
}
