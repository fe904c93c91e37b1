/**
 * The training contract between the engine and a backend: a {@link dev.rsr.training.TrainingSpec}
 * (loss, optimizer, task modules, what to keep beside the parameters) opens a
 * {@link dev.rsr.training.TrainingSession}, which takes {@link dev.rsr.training.Batch}es and
 * {@link dev.rsr.training.StepPlan}s and keeps everything per element on the backend.
 */
package dev.rsr.training;
