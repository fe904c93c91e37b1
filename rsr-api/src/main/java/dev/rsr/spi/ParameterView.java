package dev.rsr.spi;

import dev.rsr.training.Statistic;

/**
 * One trainable parameter as a strategy sees it at a refresh: its identity and, read from
 * the backend on first use and cached for this refresh, its values and running statistics.
 * Arrays are the backend's data in row-major order; strategies must not modify them.
 */
public interface ParameterView {

    /**
     * The initializer name.
     *
     * @return the name
     */
    String name();

    /**
     * The task module it belongs to.
     *
     * @return the module's name
     */
    String module();

    /**
     * The parameter's shape.
     *
     * @return the sizes, outermost first
     */
    long[] shape();

    /**
     * {@code Π shape}.
     *
     * @return the number of elements
     */
    int elementCount();

    /**
     * The current values.
     *
     * @return the values, one per element
     */
    float[] weights();

    /**
     * A running statistic, accumulated in the training step over the steps this parameter's module
     * was updated or observed.
     *
     * @param statistic which statistic
     * @return its value per element
     * @throws dev.rsr.error.ConfigurationException when the strategies in use did not ask for it
     */
    float[] statistic(Statistic statistic);
}
