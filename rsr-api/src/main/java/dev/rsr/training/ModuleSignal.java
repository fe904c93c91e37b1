package dev.rsr.training;

/**
 * Four numbers a training step reports for each module it updated, summed over the module's
 * parameters, computed in the graph before the update. {@code g} is this step's gradient and
 * {@code d} the direction of the module's previous update ({@code u ⊙ m / (√v + ε)} for Adam,
 * {@code u ⊙ accumulator} for momentum, where {@code u} is the update multiplier): the host reads a
 * handful of numbers per module instead of any per-element data.
 *
 * @param gradientSquared  {@code Σ g²}
 * @param alignment        {@code Σ g·d}: positive when the previous update's direction still lowers
 *                         the loss (a larger rate would have helped), negative when it overshot
 * @param directionSquared {@code Σ d²}
 * @param weightSquared    {@code Σ w²}
 */
public record ModuleSignal(double gradientSquared, double alignment, double directionSquared, double weightSquared) {

    /**
     * The cosine between this step's gradient and the previous update's direction, 0 when either is zero.
     *
     * @return the cosine, or 0
     */
    public double cosine() {
        double norms = Math.sqrt(gradientSquared * directionSquared);
        return norms > 0 && Double.isFinite(norms) ? alignment / norms : 0;
    }

    /**
     * True when every number is finite.
     *
     * @return whether all four numbers are finite
     */
    public boolean isFinite() {
        return Double.isFinite(gradientSquared) && Double.isFinite(alignment) && Double.isFinite(directionSquared)
                && Double.isFinite(weightSquared);
    }
}
