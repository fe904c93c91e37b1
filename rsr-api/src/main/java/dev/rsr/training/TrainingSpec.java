package dev.rsr.training;

import dev.rsr.error.ConfigurationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a model is trained: the loss, the update rule, the partition of parameters into task
 * modules (parameters in no module stay frozen), whether per-element gradient multipliers
 * (masks and boosts) are kept, and the backend's thread count (0 = its default).
 */
public record TrainingSpec(LossSpec loss, OptimizerSpec optimizer, List<TaskModule> modules, boolean gradientMultipliers,
                           int threads) {
    public TrainingSpec {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(optimizer, "optimizer");
        modules = List.copyOf(modules);
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, String> owner = new HashMap<>();
        for (TaskModule m : modules) {
            if (!names.add(m.name())) {
                problems.add("module '" + m.name() + "' is defined twice");
            }
            for (String p : m.parameters()) {
                String previous = owner.put(p, m.name());
                if (previous != null) {
                    problems.add("parameter '" + p + "' is in modules '" + previous + "' and '" + m.name() + "'");
                }
            }
        }
        if (modules.isEmpty()) {
            problems.add("no task modules: nothing would be trained");
        }
        if (threads < 0) {
            problems.add("threads must be >= 0, got " + threads);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("invalid training spec: " + String.join("; ", problems));
        }
    }
}
