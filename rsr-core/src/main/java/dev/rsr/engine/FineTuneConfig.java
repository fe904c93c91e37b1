package dev.rsr.engine;

import dev.rsr.error.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a fine-tuning run. The run stops after {@code maxSteps} steps or {@code epochs}
 * passes over the training data, whichever comes first (0 = no limit of that kind; at least one
 * limit is required).
 *
 * @param method    the refinement method and its settings
 * @param maxSteps  step limit (0 = none)
 * @param epochs    epoch limit (0 = none)
 * @param batchSize examples per step
 * @param seed      seed of shuffling and of every random choice of the method
 * @param evalEvery evaluate on the eval set every this many steps (and at the end)
 */
public record FineTuneConfig(RefineConfig method, int maxSteps, int epochs, int batchSize, long seed, int evalEvery) {
    public FineTuneConfig {
        Objects.requireNonNull(method, "method");
        List<String> problems = new ArrayList<>();
        if (maxSteps < 0 || epochs < 0 || (maxSteps == 0 && epochs == 0)) {
            problems.add("a step limit or an epoch limit is needed (positive); got max steps " + maxSteps + ", epochs " + epochs);
        }
        if (batchSize < 1) {
            problems.add("the batch size must be at least 1, got " + batchSize);
        }
        if (evalEvery < 1) {
            problems.add("the evaluation interval must be at least 1 step, got " + evalEvery);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("invalid fine-tuning settings: " + String.join("; ", problems));
        }
    }
}
