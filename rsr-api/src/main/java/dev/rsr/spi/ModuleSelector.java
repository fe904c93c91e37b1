package dev.rsr.spi;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Chooses the modules updated on each step. Only the chosen modules are differentiated and
 * updated, so a choice near the output is a cheap step.
 */
public interface ModuleSelector extends NamedProvider {

    /**
     * A selector configured by {@code settings}.
     *
     * @param settings the plugin's settings; read every field here (the engine then calls {@link Settings#check()})
     * @return the selector
     */
    Selector create(Settings settings);

    /** A configured selector. Each parallel worker holds its own. */
    interface Selector {

        /**
         * The modules to update, a non-empty subset of {@code modules}' names.
         *
         * @param modules the modules to choose from (a worker's own group), with their pheromone and importance
         * @param step    the worker's step, from 0
         * @param random  the only source of randomness allowed
         * @return the names of the modules to update
         */
        Set<String> select(List<ModuleState> modules, long step, SplittableRandom random);

        /**
         * Whether {@link #select} reads the modules' {@link ModuleState#importance() importance};
         * when no plugin does, a fixed mask's importance is not scored again during the run.
         *
         * @return true unless the selector ignores importance; true by default
         */
        default boolean usesImportance() {
            return true;
        }
    }
}
