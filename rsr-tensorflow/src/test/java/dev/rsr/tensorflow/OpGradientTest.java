package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TensorFlow's gradient of every differentiable op against central finite differences
 * ({@link GradientCheck}: the loss {@code sum(output * R)} with a fixed random R). Runs in its own
 * JVM (see the module's Surefire settings): a gradient that crashes natively fails this class,
 * not the build.
 */
class OpGradientTest {
    static List<OpCase> cases() {
        return OpCases.all().stream().filter(OpCase::differentiable).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(OpCase c) {
        GradientCheck.Verdict r = GradientCheck.check(c.model());
        assertEquals(GradientCheck.Status.PASS, r.status(), c.label() + ": " + r.detail());
        assertTrue(r.checked() > 0, c.label() + ": no element checked");
    }
}
