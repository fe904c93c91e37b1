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

    /**
     * The inputs a caller feeds, with their declared types and shapes.
     *
     * @return the declared inputs, in declaration order
     */
    List<ValueInfo> inputs();

    /**
     * The outputs the model produces.
     *
     * @return the declared outputs, in declaration order
     */
    List<ValueInfo> outputs();

    /**
     * Runs the model on one batch. Every declared input must be given, with its declared type and
     * a shape that fits the declared one; otherwise a {@link dev.rsr.error.DataException} names the
     * input and what is wrong, before any native call.
     *
     * @param inputs the batch, one tensor per declared input, by name
     * @return every declared output, by name, in declaration order
     */
    Map<String, TensorData> predict(Map<String, TensorData> inputs);

    /** Frees native resources; never throws; calling it twice is harmless. */
    @Override
    void close();

    /**
     * Checks {@code given} against {@code declared}: names, types, ranks and fixed sizes. Every
     * problem is reported at once.
     *
     * @param declared the model's inputs
     * @param given    the tensors a caller fed, by name
     * @throws dev.rsr.error.DataException naming every unknown, missing or mismatched input
     */
    static void checkInputs(List<ValueInfo> declared, Map<String, TensorData> given) {
        InputChecks.check(declared, given);
    }
}
