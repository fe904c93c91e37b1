package dev.rsr.spi;

import dev.rsr.training.Statistic;
import java.util.Set;

/**
 * Scores how much each parameter element matters to the task, from its weights, gradients and
 * their history. The scores decide the masks (which elements train), the boosts and each module's
 * importance. Found by {@link #name()} through {@link java.util.ServiceLoader}.
 */
public interface ImportanceStrategy extends NamedProvider {

    /**
     * A scorer configured by {@code settings}; read every field here (the engine then calls
     * {@link Settings#check()}).
     *
     * @param settings the plugin's settings
     * @return the scorer
     */
    Scorer create(Settings settings);

    /** A configured importance strategy. Called on one thread at a time. */
    interface Scorer {

        /**
         * The running statistics the backend must accumulate for {@link #score}.
         *
         * @return the statistics read by {@link #score}; empty when it reads none
         */
        Set<Statistic> statistics();

        /**
         * One finite score per element of {@code parameter} (higher = more important), in its
         * element order. Called at every refresh (every few steps) for each parameter updated
         * since the previous one; not before any batch has fed the {@link #statistics()} it reads,
         * unless a mask policy without probe batches must rank elements then.
         *
         * @param parameter the parameter, with its values and statistics
         * @return one score per element
         */
        float[] score(ParameterView parameter);
    }
}
