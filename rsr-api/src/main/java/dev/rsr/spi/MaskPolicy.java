package dev.rsr.spi;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Decides which elements are trainable (selective parameter optimization) and how often that is
 * decided again. Elements outside the mask do not move; their optimizer moments keep following
 * their gradients (see {@link dev.rsr.training.TrainingSession}).
 */
public interface MaskPolicy extends NamedProvider {

    /**
     * A masker configured by {@code settings}.
     *
     * @param settings the plugin's settings; read every field here (the engine then calls {@link Settings#check()})
     * @return the masker
     */
    Masker create(Settings settings);

    /** A configured mask policy. Called on one thread at a time. */
    interface Masker {

        /**
         * Steps between refreshes; 0 keeps the first mask for the whole run.
         *
         * @return the refresh interval in steps, ≥ 0
         */
        int refreshEvery();

        /**
         * Batches whose gradients feed the running statistics before the first mask, without
         * updating anything (a fixed mask chosen after a probe needs some); 0 for none.
         *
         * @return the number of probe batches, ≥ 0
         */
        int probeBatches();

        /**
         * False when the policy ignores importance scores (the engine then computes none for it).
         *
         * @return whether {@link #refresh} reads the scores
         */
        boolean usesScores();

        /**
         * The new mask of every parameter given: true where the element trains.
         *
         * @param parameters the trainable parameters to revisit, never those new to the task (a
         *                   fresh head always trains whole): at the first refresh all of them, later
         *                   those of the modules updated since the previous refresh (the others have
         *                   the same weights and statistics, and keep their masks)
         * @param scores     importance per element of each of {@code parameters}, by name (empty when
         *                   {@link #usesScores()} is false)
         * @param current    the masks in force by parameter name; empty at the first refresh
         * @param random     the only source of randomness allowed, for reproducible runs
         * @return a mask per parameter of {@code parameters}, by name, one entry per element
         */
        Map<String, boolean[]> refresh(List<ParameterView> parameters, Map<String, float[]> scores, Map<String, boolean[]> current,
                                       SplittableRandom random);
    }
}
