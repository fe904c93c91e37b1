package dev.rsr.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The assertions the contracts share, with messages that name the plugin, the input and the element at fault. */
final class Checks {
    private Checks() {
    }

    /** One finite value per element; with {@code nonNegative}, each also ≥ 0. */
    static void perElement(float[] values, int elements, boolean nonNegative, String what) {
        assertNotNull(values, what + ": null");
        assertEquals(elements, values.length, what + ": " + values.length + " values for " + elements + " elements");
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i]) || (nonNegative && values[i] < 0)) {
                fail(what + ": " + values[i] + " at element " + i + (nonNegative ? " (must be finite and >= 0)" : " (must be finite)"));
            }
        }
    }

    /** Whatever differs between {@code before} and {@code after}, by name; empty when they are equal. */
    static List<String> changedFloats(Map<String, float[]> before, Map<String, float[]> after) {
        return before.keySet().stream().filter(k -> !Arrays.equals(before.get(k), after.get(k))).toList();
    }

    /** Whatever differs between {@code before} and {@code after}, by name; empty when they are equal. */
    static List<String> changedMasks(Map<String, boolean[]> before, Map<String, boolean[]> after) {
        return before.keySet().stream().filter(k -> !Arrays.equals(before.get(k), after.get(k))).toList();
    }

    static Map<String, float[]> copyFloats(Map<String, float[]> m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    static Map<String, boolean[]> copyMasks(Map<String, boolean[]> m) {
        Map<String, boolean[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    /** Whether two mask maps have the same keys and equal masks. */
    static boolean sameMasks(Map<String, boolean[]> a, Map<String, boolean[]> b) {
        return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k), b.get(k)));
    }
}
