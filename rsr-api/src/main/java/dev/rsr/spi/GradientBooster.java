package dev.rsr.spi;

/**
 * Amplifies the updates of influential elements ("gradient boosting" in RSR's sense). A boost
 * multiplies an element's optimizer step (not its gradient, which Adam would normalise back).
 */
public interface GradientBooster extends NamedProvider {

    /**
     * A booster configured by {@code settings}.
     *
     * @param settings the plugin's settings; read every field here (the engine then calls {@link Settings#check()})
     * @return the booster
     */
    Booster create(Settings settings);

    /**
     * A configured booster. Called on one thread at a time, at every refresh of importance (every
     * few steps, under a fixed mask too), for the parameters updated since the previous one, with
     * scores that are not all zero (a parameter whose statistics are empty keeps boosts of 1).
     */
    interface Booster {

        /**
         * A finite multiplier ≥ 0 per element of {@code parameter} (1 leaves its step as it is);
         * the engine multiplies it by the mask.
         *
         * @param scores the element's importance scores
         * @param mask   true where the element trains
         * @param parameter the parameter, with its values and statistics
         * @return one multiplier per element, in its element order
         */
        float[] multipliers(ParameterView parameter, float[] scores, boolean[] mask);
    }
}
