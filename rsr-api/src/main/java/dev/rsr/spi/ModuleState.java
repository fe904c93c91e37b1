package dev.rsr.spi;

import dev.rsr.training.ModuleSignal;

/**
 * What the engine knows of one task module at a step: the small per-module vector strategies
 * read every step (never per-element data).
 *
 * @param name          the module's name
 * @param position      its place in model order, 0 for the module nearest the input (the embeddings)
 * @param moduleCount   the number of modules in the model (the last, nearest the output, is at
 *                      {@code moduleCount - 1}); a worker's states may hold only some of them
 * @param elements      trainable elements in the module
 * @param fresh         true for parameters new to this task (a classifier head attached for it),
 *                      false for pretrained or re-initialized ones
 * @param steps         updates the module has had
 * @param learningRate  the rate of its last update (0 before the first)
 * @param importance    its share of the model's total importance score times the number of modules
 *                      (1 = an even share), as of the last refresh
 * @param pheromone     its level on the trail
 * @param signal        the signal of its last update, null before the first
 */
public record ModuleState(String name, int position, int moduleCount, long elements, boolean fresh, long steps, double learningRate,
                          double importance, double pheromone, ModuleSignal signal) {
}
