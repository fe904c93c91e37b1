package dev.rsr.tensorflow;

import dev.rsr.ir.TensorData;
import org.tensorflow.Output;
import org.tensorflow.Tensor;
import org.tensorflow.op.Scope;

/** Small things every part of the TensorFlow backend needs when it adds ops or reports errors. */
public final class TfGraphs {
    private TfGraphs() {
    }

    /** A {@code Const} op holding {@code value}, named {@code const} (made unique) in {@code scope}. */
    public static Output<?> constant(Scope scope, TensorData value) {
        return constant(scope, "const", value);
    }

    /** A {@code Const} op holding {@code value}, named {@code name} (made unique) in {@code scope}. */
    public static Output<?> constant(Scope scope, String name, TensorData value) {
        try (Tensor t = TfTensors.toTensor(value, "a constant")) {
            return scope.opBuilder("Const", name).setAttr("value", t).setAttr("dtype", t.dataType()).build().output(0);
        }
    }

    /** A TensorFlow error message on one line, for one-line user errors. */
    public static String oneLine(String message) {
        return message == null ? "(no message)" : message.strip().replaceAll("\\s*\\n\\s*", "; ");
    }
}
