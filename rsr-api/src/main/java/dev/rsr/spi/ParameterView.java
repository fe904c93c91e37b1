package dev.rsr.spi;

import dev.rsr.training.Statistic;

/**
 * One trainable parameter as a strategy sees it when masks refresh: its identity and, read from
 * the backend on first use and cached for this refresh, its values and running statistics.
 * Arrays are the backend's data in row-major order; strategies must not modify them.
 */
public interface ParameterView {

    /** The initializer name. */
    String name();

    /** The task module it belongs to. */
    String module();

    long[] shape();

    /** {@code Π shape}. */
    int elementCount();

    /** The current values. */
    float[] weights();

    /**
     * A running statistic, accumulated in the training step over the steps this parameter's module
     * was updated or observed.
     *
     * @throws dev.rsr.error.ConfigurationException when the strategies in use did not ask for it
     */
    float[] statistic(Statistic statistic);
}
