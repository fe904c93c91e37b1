package dev.rsr.engine;

import java.util.List;
import java.util.Map;

/**
 * Hears what a {@link Refiner} does, in order: {@link #begun} once, then {@link #stepped} after
 * every step, {@link #refreshed} after every refresh of importance (and masks and boosts),
 * {@link #evaluated} after every evaluation (the first before any step), and {@link #ended} once. Calls never overlap, even with
 * parallel workers. Times are training seconds: wall time with evaluation left out.
 */
public interface RefineListener {

    default void begun(Begin event) {
    }

    default void stepped(Step event) {
    }

    /** The base rate a rate search chose, heard after {@link #begun} and before the first step. */
    default void searched(RateSearch event) {
    }

    default void refreshed(Refresh event) {
    }

    default void evaluated(Evaluation event) {
    }

    default void ended(Refiner.Summary summary) {
    }

    /** The modules and how the run is set up. */
    record Begin(List<ModuleInfo> modules, int workers, long maxSteps, double baseRate, Map<String, String> settings) {
    }

    /**
     * A module: its name, its parameters and elements, whether it is new to the task, and the
     * worker that refines it.
     */
    record ModuleInfo(String name, int parameters, long elements, boolean fresh, int worker) {
    }

    /**
     * One step: the run's step count after it, the worker, the batch loss, whether it was applied
     * (a non-finite loss is rolled back), each active module's rate, and the trail after it.
     */
    record Step(long step, int worker, double seconds, double loss, boolean applied, Map<String, Double> rates,
                Map<String, Double> pheromone) {
    }

    /**
     * A learning-rate range test: the base rates tried, one step each; the loss, on training batches
     * held fixed for the search, after each of those steps (a step that diverged ends the search and is not listed); the base
     * rate chosen; and the training seconds it took (its steps are rolled back).
     */
    record RateSearch(double configuredRate, List<Double> rates, List<Double> losses, double chosenRate, double seconds) {
    }

    /** A refresh of importance, masks and boosts: the fraction of each module's elements that train, and each module's relative importance. */
    record Refresh(long step, double seconds, Map<String, Double> density, Map<String, Double> importance) {
    }

    /** One evaluation; {@code trainLoss} is the mean batch loss since the last one (null before any step). */
    record Evaluation(long step, double seconds, Double trainLoss, double accuracy, double loss) {
    }

    /** Listeners called one after another. */
    static RefineListener all(List<RefineListener> listeners) {
        return new RefineListener() {
            @Override
            public void begun(Begin event) {
                listeners.forEach(l -> l.begun(event));
            }

            @Override
            public void stepped(Step event) {
                listeners.forEach(l -> l.stepped(event));
            }

            @Override
            public void searched(RateSearch event) {
                listeners.forEach(l -> l.searched(event));
            }

            @Override
            public void refreshed(Refresh event) {
                listeners.forEach(l -> l.refreshed(event));
            }

            @Override
            public void evaluated(Evaluation event) {
                listeners.forEach(l -> l.evaluated(event));
            }

            @Override
            public void ended(Refiner.Summary summary) {
                listeners.forEach(l -> l.ended(summary));
            }
        };
    }
}
