package dev.rsr.tensorflow;

import dev.rsr.spi.TrainingBackend;
import dev.rsr.tensorflow.compiler.ConverterRegistry;
import java.util.Set;

/** Training with TensorFlow Java: IR → TensorFlow graph, gradients and updates in the graph. */
public final class TensorFlowTrainingBackend implements TrainingBackend {
    public static final String NAME = "tensorflow";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public dev.rsr.training.TrainingSession open(dev.rsr.ir.ModelGraph model, dev.rsr.training.TrainingSpec spec) {
        return new dev.rsr.tensorflow.training.TensorFlowTrainingSession(model, spec);
    }

    /** The ops some installed {@link dev.rsr.tensorflow.spi.OpConverterProvider} converts. */
    @Override
    public Set<String> supportedOps() {
        return ConverterRegistry.discover().opKeys();
    }
}
