package dev.rsr.tensorflow.spi;

import dev.rsr.error.ModelException;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Node;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;

/**
 * What an {@link OpConverter} sees while it converts one node: the node, its inputs as
 * TensorFlow outputs, constant values where the IR knows them, and helpers that name new
 * TensorFlow ops after the node.
 */
public interface ConversionContext {

    /** The node being converted. */
    Node node();

    /** The default-domain opset of the model, for ops whose semantics changed across opsets. */
    long opset();

    /** Typed TensorFlow op helpers, scoped under the node's name. */
    Ops tf();

    /** Input {@code i} (an error naming the node when it is absent). */
    Output<?> input(int i);

    /** True when input {@code i} is given (present and not the empty name). */
    boolean hasInput(int i);

    /** The value of input {@code i} when it is a constant (a Constant node or a non-trainable initializer). */
    Optional<TensorData> constantInput(int i);

    /** Input {@code i} as constant integers; an error naming the node when it is not constant. */
    default long[] constantLongs(int i, String what) {
        TensorData t = constantInput(i).orElseThrow(() -> error(what + " (input " + i + ") must be a constant for the TensorFlow backend"));
        long[] out = new long[t.elementCount()];
        for (int k = 0; k < out.length; k++) {
            out[k] = (long) t.getAsDouble(k);
        }
        return out;
    }

    /**
     * The declared type and shape of a value the node can see (a graph input or output, or a value
     * annotated in the model), by name; empty when the model declares none.
     */
    default Optional<ValueInfo> declared(String valueName) {
        return Optional.empty();
    }

    /**
     * Converts the subgraph held by the node's graph attribute {@code attribute} (an If branch, a
     * Loop or Scan body) into the enclosing TensorFlow graph, once per call, and returns its
     * outputs in order. Its declared inputs take {@code inputs}, in order; names it reads but does
     * not define resolve in the enclosing graphs, as ONNX scoping says. Ops are named under
     * {@code instance} (e.g. {@code body_3} for the fourth unrolled iteration).
     *
     * @param known the inputs' values when known while compiling (null, or null entries, when not):
     *              converters that need constant inputs see them as constants
     */
    default List<Output<?>> subgraph(String attribute, String instance, List<Output<?>> inputs, List<TensorData> known) {
        throw error("this conversion context cannot convert subgraphs (attribute '" + attribute + "')");
    }

    /** Starts a raw TensorFlow op of {@code tfOpType}, named after the node. */
    org.tensorflow.OperationBuilder op(String tfOpType);

    /** A TensorFlow constant holding {@code value}. */
    Output<?> constant(TensorData value);

    /** A scalar constant of {@code type} (a float, double or integer type) with {@code value}. */
    Output<?> scalar(double value, DataType type);

    /** A 1-D int64 constant. */
    default Output<?> longs(long... values) {
        return constant(TensorData.vectorOfLongs(values));
    }

    /**
     * A 1-D int32 constant: use it for axes and permutations, since TensorFlow's gradient code
     * for reductions and transposes builds int32 shapes and rejects int64 ones.
     */
    default Output<?> int32s(long... values) {
        int[] ints = new int[values.length];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = Math.toIntExact(values[i]);
        }
        return constant(TensorData.ofInts(new long[] {ints.length}, ints));
    }

    /** The element type of a TensorFlow output, in IR terms. */
    DataType typeOf(Output<?> value);

    /** The static rank of a TensorFlow output; an error naming the node when TensorFlow cannot infer it. */
    int rank(Output<?> value);

    /** An exception naming the node: "node 'n' (Op): message". */
    default ModelException error(String message) {
        return new ModelException(node().describe() + ": " + message);
    }
}
