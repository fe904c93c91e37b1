package dev.rsr.serve;

import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.onnx.OrtInferenceBackend;
import dev.rsr.spi.InferenceBackend;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ONNX Runtime behind a gate: each prediction waits for the test to open it, so a test can hold a
 * model call in progress and fill the queue or start a shutdown without relying on timing; or
 * fails at once, for a test of how a backend's fault is answered.
 */
final class GatedBackend implements InferenceBackend {
    final Semaphore gate = new Semaphore(0);
    /** Counts down once a prediction has entered and is waiting at the gate. */
    final CountDownLatch entered = new CountDownLatch(1);
    /** Counts down once a prediction waiting at the gate has been interrupted (the server gave up on it). */
    final CountDownLatch interrupted = new CountDownLatch(1);
    final AtomicBoolean closed = new AtomicBoolean();
    /** When set (a RuntimeException or an Error), every prediction throws it at once, as a faulty backend would. */
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Override
    public String name() {
        return OrtInferenceBackend.NAME;
    }

    @Override
    public Predictor open(ModelGraph model, InferenceOptions options) {
        Predictor inner = new OrtInferenceBackend().open(model, options);
        return new Predictor() {
            @Override
            public List<ValueInfo> inputs() {
                return inner.inputs();
            }

            @Override
            public List<ValueInfo> outputs() {
                return inner.outputs();
            }

            @Override
            public Map<String, TensorData> predict(Map<String, TensorData> feeds) {
                Throwable f = failure.get();
                if (f instanceof Error e) {
                    throw e;
                }
                if (f != null) {
                    throw (RuntimeException) f;
                }
                entered.countDown();
                try {
                    if (!gate.tryAcquire(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never opened the gate");
                    }
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                return inner.predict(feeds);
            }

            @Override
            public void close() {
                closed.set(true);
                inner.close();
            }
        };
    }
}
