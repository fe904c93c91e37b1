package dev.rsr.training;

/**
 * An element-wise running statistic that a {@link TrainingSession} accumulates inside the step, for
 * every parameter it updates or observes, so that importance strategies can read it every few
 * steps without a host copy of every gradient on every step. {@code g} is the gradient of the
 * step's loss and {@code w} the parameter before the update; exponential moving averages use the
 * spec's {@link TrainingSpec#statisticsDecay() decay} and start at zero.
 */
public enum Statistic {
    /** Moving average of {@code g²}: the diagonal of the empirical Fisher information. */
    SQUARED_GRADIENT("fisher"),
    /** Moving average of {@code |g|}. */
    ABSOLUTE_GRADIENT("abs_grad"),
    /** Moving average of {@code |w·g|}: the first-order Taylor estimate of the loss change if the element were removed. */
    SALIENCY("saliency"),
    /**
     * Moving average of {@code | |w·g| − s |}, where {@code s} is the {@link #SALIENCY} average: how
     * uncertain the saliency is (AdaLoRA's sensitivity uses both). Accumulated only with {@link #SALIENCY}.
     */
    SALIENCY_DEVIATION("saliency_dev"),
    /** Running sum of {@code −w·g}: movement pruning's score, large where training pushes a weight away from zero. */
    MOVEMENT("movement");

    private final String key;

    Statistic(String key) {
        this.key = key;
    }

    /**
     * A short stable name, used in checkpoints.
     *
     * @return the key, e.g. {@code fisher}
     */
    public String key() {
        return key;
    }
}
