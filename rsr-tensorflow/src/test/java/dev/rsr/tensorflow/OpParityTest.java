package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.tensorflow.compiler.ConverterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every supported op, several variants each: TensorFlow's forward pass against ONNX Runtime's. */
class OpParityTest {
    static List<OpCase> cases() {
        return OpCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesOnnxRuntime(OpCase c) {
        double d = Parity.maxAbsDiff(c.model(), Map.of());
        assertTrue(d <= 1e-5, c.label() + ": max abs difference " + d);
    }

    /** A converter without a conformance case is an untested converter. */
    @Test
    void everySupportedOpHasACase() {
        Set<String> untested = new TreeSet<>(ConverterRegistry.discover().opKeys());
        OpCases.all().forEach(c -> untested.remove(c.op()));
        assertTrue(untested.isEmpty(), "ops without a parity case: " + untested);
    }
}
