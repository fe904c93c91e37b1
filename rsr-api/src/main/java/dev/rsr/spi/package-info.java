/**
 * The service-provider interfaces a plugin implements, each found by name through
 * {@link java.util.ServiceLoader}: the refinement strategies ({@link dev.rsr.spi.ImportanceStrategy},
 * {@link dev.rsr.spi.MaskPolicy}, {@link dev.rsr.spi.GradientBooster},
 * {@link dev.rsr.spi.PheromoneStrategy}, {@link dev.rsr.spi.ModuleSelector},
 * {@link dev.rsr.spi.ModulePartitioner}, {@link dev.rsr.spi.LearningRateController}), pretraining
 * objectives, tokenizers, and the training and inference backends. A provider has a stable
 * {@link dev.rsr.spi.NamedProvider#name() name} and a factory that reads its typed
 * {@link dev.rsr.spi.Settings}; what it computes on is given to it as small views
 * ({@link dev.rsr.spi.ParameterView}, {@link dev.rsr.spi.ModuleState}).
 */
package dev.rsr.spi;
