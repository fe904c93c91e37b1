package dev.rsr.training;

import java.util.Objects;

/**
 * What training minimizes.
 *
 * @param kind   the loss function
 * @param output the model output it reads: logits for cross-entropy, predictions for squared error
 * @param target the name under which a {@link Batch} carries its targets
 */
public record LossSpec(Kind kind, String output, String target) {
    /** The loss functions. */
    public enum Kind {
        /** Mean softmax cross-entropy of logits {@code [batch, classes]} against int64 class ids {@code [batch]}. */
        SOFTMAX_CROSS_ENTROPY,
        /** Mean squared error between a float output and float targets of the same shape. */
        MEAN_SQUARED_ERROR
    }

    /**
     * Checks that no component is null.
     *
     * @param kind   the loss function
     * @param output the model output it reads: logits for cross-entropy, predictions for squared error
     * @param target the name under which a {@link Batch} carries its targets
     * @throws NullPointerException naming the missing component
     */
    public LossSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(target, "target");
    }

    /**
     * Cross-entropy on the {@code logits} output against {@code labels}.
     *
     * @return the spec
     */
    public static LossSpec classification() {
        return new LossSpec(Kind.SOFTMAX_CROSS_ENTROPY, "logits", "labels");
    }
}
