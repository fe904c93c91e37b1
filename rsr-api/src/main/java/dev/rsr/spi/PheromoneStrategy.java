package dev.rsr.spi;

import java.util.List;
import java.util.Map;

/**
 * The trail through which modules share what they learn, as in ant-colony optimization: after
 * each step the updated modules deposit pheromone in proportion to the loss improvement they
 * brought, the whole trail evaporates, and the selector and learning-rate controller read it.
 */
public interface PheromoneStrategy extends NamedProvider {

    /**
     * A trail over {@code modules}, configured by {@code settings}.
     *
     * @param settings the plugin's settings; read every field here (the engine then calls {@link Settings#check()})
     * @param modules  the names of every module on the trail
     * @return the trail
     */
    Trail create(Settings settings, List<String> modules);

    /**
     * A configured trail. Parallel workers share one trail; the engine calls it under a lock, so
     * an implementation needs no synchronization of its own.
     */
    interface Trail {

        /**
         * One step: evaporate, then deposit.
         *
         * @param deposits a finite amount ≥ 0 per module updated on the step
         */
        void update(Map<String, Double> deposits);

        /**
         * The level of every module, finite and > 0.
         *
         * @return the level per module, by name
         */
        Map<String, Double> levels();
    }
}
