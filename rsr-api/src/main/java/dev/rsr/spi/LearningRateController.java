package dev.rsr.spi;

import java.util.Map;

/** Sets each module's learning rate from its own progress. */
public interface LearningRateController extends NamedProvider {

    /**
     * A controller configured by {@code settings}.
     *
     * @param settings the plugin's settings; read every field here (the engine then calls {@link Settings#check()})
     * @return the controller
     */
    Controller create(Settings settings);

    /**
     * What a controller knows of the run.
     *
     * @param baseRate the rate the run starts from: the user's, or the engine's default for the
     *                 kind of start (pretrained or from scratch)
     * @param maxSteps the run's step budget per worker, for schedules
     */
    record RunInfo(double baseRate, long maxSteps) {
    }

    /** A configured controller. Each parallel worker holds its own, over its own modules. */
    interface Controller {

        /**
         * The learning rate, finite and ≥ 0, of each module in {@code active} for this step.
         *
         * @param active the modules the step updates, with their last signals
         * @param step   the worker's step, from 0
         * @param run    what the controller knows of the run
         * @return a rate per module of {@code active}, by name
         */
        Map<String, Double> rates(Map<String, ModuleState> active, long step, RunInfo run);

        /**
         * The module's last step produced a loss or gradient that was not finite and was rolled
         * back; lower its rate.
         *
         * @param module the module's name
         */
        void diverged(String module);

        /**
         * The worker's step was applied and its training batch's loss was {@code loss}; called
         * after every applied step, before the next {@link #rates} call, for controllers that
         * follow the loss. Ignored by default.
         *
         * @param step the worker's step, from 0
         * @param loss the step's training loss, finite
         */
        default void stepped(long step, double loss) {
        }

        /**
         * Whether {@link #rates} reads the modules' {@link ModuleState#signal() signals}; when no
         * plugin of a run does, the backend does not compute them (they cost a few passes over the
         * active parameters per step).
         *
         * @return true unless the controller ignores signals; true by default
         */
        default boolean usesSignals() {
            return true;
        }
    }
}
