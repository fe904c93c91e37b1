package dev.rsr.tensorflow.training;

import java.util.List;

/**
 * Where one traced training step's time went: every graph node that ran, with its op type and
 * time. Node times add up to more than the wall time when TensorFlow runs nodes side by side.
 *
 * @param wallMs the step's wall time, tracing included
 * @param runs   session runs the step took
 * @param nodes  every node that ran, in the order TensorFlow reported them
 */
public record StepTrace(double wallMs, int runs, List<NodeTime> nodes) {
    /**
     * A node that ran: its graph name, its TensorFlow op type (empty for nodes outside the graph),
     * the session run it ran in (the step's first run computes the loss and gradients, its last
     * applies the update), and its time.
     */
    public record NodeTime(String name, String opType, int run, double ms) {
    }
}
