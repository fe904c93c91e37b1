package dev.rsr.training;

import java.util.Map;
import java.util.Set;

/**
 * What one training step updates: the active modules and each one's learning rate. Only the
 * active modules' gradients are computed; the rest of the network is neither differentiated
 * below the deepest active module nor updated.
 *
 * @param activeModules    the names of the modules the step updates (copied)
 * @param learningRates    the learning rate of each active module, by name (copied)
 * @param updateStatistics whether the step also folds its gradient into the active modules'
 *                         running statistics; a caller that reads them only now and then may skip
 *                         it on steps whose contribution would have decayed away by then
 */
public record StepPlan(Set<String> activeModules, Map<String, Double> learningRates, boolean updateStatistics) {
    /**
     * Copies the set and the map.
     *
     * @param activeModules    the names of the modules the step updates (copied)
     * @param learningRates    the learning rate of each active module, by name (copied)
     * @param updateStatistics whether the step updates the active modules' running statistics
     */
    public StepPlan {
        activeModules = Set.copyOf(activeModules);
        learningRates = Map.copyOf(learningRates);
    }

    /**
     * A step that also updates the active modules' running statistics.
     *
     * @param activeModules the names of the modules the step updates (copied)
     * @param learningRates the learning rate of each active module, by name (copied)
     */
    public StepPlan(Set<String> activeModules, Map<String, Double> learningRates) {
        this(activeModules, learningRates, true);
    }

    /**
     * Every module active at one learning rate.
     *
     * @param modules      the modules
     * @param learningRate the rate of every module
     * @return the plan
     */
    public static StepPlan all(java.util.List<TaskModule> modules, double learningRate) {
        java.util.Map<String, Double> rates = new java.util.HashMap<>();
        modules.forEach(m -> rates.put(m.name(), learningRate));
        return new StepPlan(rates.keySet(), rates);
    }
}
