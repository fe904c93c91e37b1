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

    static void throwIfAny(String model, List<String> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigurationException("invalid " + model + " configuration: " + String.join("; ", problems));
        }
    }
}
