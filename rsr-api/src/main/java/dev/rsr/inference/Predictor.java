package dev.rsr.inference;

import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.util.List;
import java.util.Map;

/**
 * A loaded model that computes outputs from inputs. Thread-safe: many threads may call
 * {@link #predict} at once. Holds native resources until {@link #close()}.
 */
public interface Predictor extends AutoCloseable {

    /** The inputs a caller feeds, with their declared types and shapes. */
    List<ValueInfo> inputs();

    /** The outputs the model produces. */
    List<ValueInfo> outputs();

    /**
     * Runs the model on one batch. Every declared input must be given, with its declared type and
     * a shape that fits the declared one; otherwise a {@link dev.rsr.error.DataException} names the
     * input and what is wrong, before any native call.
     *
     * @return every declared output, by name, in declaration order
     */
    Map<String, TensorData> predict(Map<String, TensorData> inputs);

    /** Frees native resources; never throws; calling it twice is harmless. */
    @Override
    void close();

    /** Checks {@code given} against {@code declared}: names, types, ranks and fixed sizes. */
    static void checkInputs(List<ValueInfo> declared, Map<String, TensorData> given) {
        InputChecks.check(declared, given);
    }
}
