package dev.rsr.training;

import java.util.Map;

/**
 * What one training step did.
 *
 * @param loss    the batch's loss before the update
 * @param applied false when the step computed a loss or gradient that is not finite and so
 *                changed nothing (no parameter, optimizer slot or statistic moved)
 * @param signals per updated module, when the spec asks for {@link TrainingSpec#moduleSignals()};
 *                otherwise empty
 */
public record StepResult(double loss, boolean applied, Map<String, ModuleSignal> signals) {
    /**
     * Copies the signals, keeping their order.
     *
     * @param loss    the batch's loss before the update
     * @param applied false when the step computed a loss or gradient that is not finite and so
     *                changed nothing (no parameter, optimizer slot or statistic moved)
     * @param signals per updated module, when the spec asks for {@link TrainingSpec#moduleSignals()};
     *                otherwise empty
     */
    public StepResult {
        // In the order given: a caller summing over modules gets the same result on every run.
        signals = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(signals));
    }
}
