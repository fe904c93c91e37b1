package dev.rsr.inference;

import dev.rsr.error.DataException;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Validation of predictor inputs, shared by every backend so they all reject the same things the same way. */
final class InputChecks {
    private InputChecks() {
    }

    static void check(List<ValueInfo> declared, Map<String, TensorData> given) {
        List<String> problems = new ArrayList<>();
        Set<String> declaredNames = declared.stream().map(ValueInfo::name).collect(Collectors.toSet());
        for (String name : given.keySet()) {
            if (!declaredNames.contains(name)) {
                problems.add("unknown input '" + name + "' (the model's inputs are " + names(declared) + ")");
            }
        }
        for (ValueInfo v : declared) {
            TensorData t = given.get(v.name());
            if (t == null) {
                problems.add("missing input '" + v.name() + "' " + v.type().onnxName() + v.shape());
                continue;
            }
            if (t.type() != v.type()) {
                problems.add("input '" + v.name() + "' must be " + v.type().onnxName() + " but is " + t.type().onnxName());
            }
            String mismatch = v.shape().mismatch(t.shape());
            if (mismatch != null) {
                problems.add("input '" + v.name() + "': " + mismatch);
            }
        }
        if (!problems.isEmpty()) {
            throw new DataException(String.join("; ", problems));
        }
    }

    private static String names(List<ValueInfo> declared) {
        return declared.stream().map(ValueInfo::name).collect(Collectors.joining(", ", "[", "]"));
    }
}
