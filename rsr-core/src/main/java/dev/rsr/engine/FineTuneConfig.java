package dev.rsr.engine;

import dev.rsr.error.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of a fine-tuning run. The run stops after {@code maxSteps} steps or {@code epochs}
 * passes over the training data, whichever comes first (0 = no limit of that kind; at least one
 * limit is required).
 *
 * @param method        the refinement method; {@code full} updates every parameter with Adam
 * @param maxSteps      step limit (0 = none)
 * @param epochs        epoch limit (0 = none)
 * @param batchSize     examples per step
 * @param learningRate  Adam's learning rate
 * @param moduleLearningRates learning rates of named task modules, overriding {@code learningRate}
 *                      (a fresh {@code head} on a pretrained encoder often wants a larger one; 0
 *                      freezes a module)
 * @param seed          shuffling seed
 * @param evalEvery     evaluate on the eval set every this many steps (and at the end)
 */
public record FineTuneConfig(String method, int maxSteps, int epochs, int batchSize, double learningRate,
                             java.util.Map<String, Double> moduleLearningRates, long seed, int evalEvery) {
    public static final List<String> METHODS = List.of("full");

    public FineTuneConfig {
        List<String> problems = new ArrayList<>();
        if (!METHODS.contains(method)) {
            problems.add("--method '" + method + "' is not available; available: " + String.join(", ", METHODS));
        }
        if (maxSteps < 0 || epochs < 0 || (maxSteps == 0 && epochs == 0)) {
            problems.add("give --max-steps or --epochs (positive); got max-steps " + maxSteps + ", epochs " + epochs);
        }
        if (batchSize < 1) {
            problems.add("--batch must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            problems.add("--lr must be a positive number, got " + learningRate);
        }
        moduleLearningRates = java.util.Map.copyOf(moduleLearningRates);
        moduleLearningRates.forEach((module, rate) -> {
            if (rate < 0 || !Double.isFinite(rate)) {
                problems.add("--module-lr " + module + " must be >= 0, got " + rate);
            }
        });
        if (evalEvery < 1) {
            problems.add("--eval-every must be at least 1, got " + evalEvery);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("invalid fine-tuning settings: " + String.join("; ", problems));
        }
    }
}
