package dev.rsr.zoo;

import dev.rsr.error.ConfigurationException;
import java.util.List;

/** Shared validation of zoo configurations: collect every bad field, then throw once. */
final class ZooChecks {
    private ZooChecks() {
    }

    static void positive(List<String> problems, String field, long value) {
        atLeast(problems, field, value, 1);
    }

    static void atLeast(List<String> problems, String field, long value, long min) {
        if (value < min) {
            problems.add(field + " must be at least " + min + ", got " + value);
        }
    }

    /** Largest float tensor a model may hold: its bytes must fit one Java array. */
    static final long MAX_TENSOR_ELEMENTS = Integer.MAX_VALUE / Float.BYTES;

    /** A weight matrix of {@code rows x cols} must fit one tensor; named by the fields that size it. */
    static void fits(List<String> problems, String what, long rows, long cols) {
        if (rows > 0 && cols > 0 && rows * cols > MAX_TENSOR_ELEMENTS) {
            problems.add(String.format("%s = %,d weights; one tensor holds at most %,d", what, rows * cols, MAX_TENSOR_ELEMENTS));
        }
    }

    static void throwIfAny(String model, List<String> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigurationException("invalid " + model + " configuration: " + String.join("; ", problems));
        }
    }
}
