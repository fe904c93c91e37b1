package dev.rsr.spi;

import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;

/**
 * Serves models: turns a {@link ModelGraph} into a {@link Predictor}. Found through
 * {@link java.util.ServiceLoader}; an implementation has a public no-argument constructor that
 * does no native work (native start-up waits for the first {@link #open}).
 */
public interface InferenceBackend extends NamedProvider {

    /**
     * Opens a predictor on a model. The caller owns the predictor and must close it.
     *
     * @param model   the model, valid
     * @param options session settings
     * @return a predictor the caller owns
     * @throws dev.rsr.error.ModelException   when the backend cannot load the model (names the node at fault when known)
     * @throws dev.rsr.error.BackendException when the backend itself fails
     */
    Predictor open(ModelGraph model, InferenceOptions options);
}
