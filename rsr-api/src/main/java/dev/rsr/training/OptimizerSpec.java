package dev.rsr.training;

import dev.rsr.error.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/**
 * The update rule, applied in the training graph. Learning rates are not here: they are fed per
 * module on every step (see {@link StepPlan}).
 *
 * @param kind     Adam or SGD with momentum
 * @param beta1    Adam's first-moment decay
 * @param beta2    Adam's second-moment decay
 * @param epsilon  Adam's denominator guard
 * @param momentum SGD's momentum
 */
public record OptimizerSpec(Kind kind, double beta1, double beta2, double epsilon, double momentum) {
    /** The update rules. */
    public enum Kind {
        /** Adam, with bias-corrected moment estimates. */
        ADAM,
        /** Stochastic gradient descent with momentum. */
        SGD_MOMENTUM
    }

    /**
     * Checks every field at once.
     *
     * @param kind     Adam or SGD with momentum
     * @param beta1    Adam's first-moment decay
     * @param beta2    Adam's second-moment decay
     * @param epsilon  Adam's denominator guard
     * @param momentum SGD's momentum
     * @throws ConfigurationException listing every invalid field
     */
    public OptimizerSpec {
        List<String> problems = new ArrayList<>();
        if (kind == null) {
            problems.add("kind must be ADAM or SGD_MOMENTUM");
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            problems.add("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            problems.add("beta2 must be in [0, 1), got " + beta2);
        }
        if (!(epsilon > 0)) {
            problems.add("epsilon must be > 0, got " + epsilon);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            problems.add("momentum must be in [0, 1), got " + momentum);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("invalid optimizer: " + String.join("; ", problems));
        }
    }

    /**
     * Adam with the usual constants: beta1 0.9, beta2 0.999, epsilon 1e-8.
     *
     * @return the spec
     */
    public static OptimizerSpec adam() {
        return new OptimizerSpec(Kind.ADAM, 0.9, 0.999, 1e-8, 0);
    }

    /**
     * SGD with momentum.
     *
     * @param momentum the momentum, in [0, 1)
     * @return the spec
     * @throws ConfigurationException when {@code momentum} is out of range
     */
    public static OptimizerSpec sgdMomentum(double momentum) {
        return new OptimizerSpec(Kind.SGD_MOMENTUM, 0.9, 0.999, 1e-8, momentum);
    }
}
