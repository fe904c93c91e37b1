package dev.rsr.inference;

import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The part every backend's predictor shares: input checks before any native call, concurrent
 * predictions, and a close that waits for running predictions and happens once.
 */
public abstract class AbstractPredictor implements Predictor {
    private final String modelName;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    /**
     * A predictor for a model with these inputs and outputs; both lists are copied.
     *
     * @param modelName the model's name, used in error messages
     * @param inputs    the inputs a caller must feed
     * @param outputs   the outputs the model produces
     */
    protected AbstractPredictor(String modelName, List<ValueInfo> inputs, List<ValueInfo> outputs) {
        this.modelName = modelName;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
    }

    @Override
    public final List<ValueInfo> inputs() {
        return inputs;
    }

    @Override
    public final List<ValueInfo> outputs() {
        return outputs;
    }

    /**
     * The model's name, for messages.
     *
     * @return the name given to the constructor
     */
    protected final String modelName() {
        return modelName;
    }

    @Override
    public final Map<String, TensorData> predict(Map<String, TensorData> feeds) {
        Predictor.checkInputs(inputs, feeds);
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("predictor for model '" + modelName + "' is closed");
            }
            return run(feeds);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Runs checked inputs; called concurrently; must close every native tensor it creates.
     *
     * @param feeds the inputs, already checked against {@link #inputs()}
     * @return every declared output, by name, in declaration order
     */
    protected abstract Map<String, TensorData> run(Map<String, TensorData> feeds);

    /** Frees the native resources; called once, with no prediction running. Must not throw. */
    protected abstract void release();

    @Override
    public final void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                release();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
