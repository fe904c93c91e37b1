/** Serving a model: the thread-safe {@link dev.rsr.inference.Predictor} an inference backend opens, and its options. */
package dev.rsr.inference;
