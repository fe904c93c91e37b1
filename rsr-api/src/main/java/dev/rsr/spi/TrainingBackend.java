package dev.rsr.spi;

import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Node;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Computes training-time graphs and gradients for models in the IR. Found through
 * {@link java.util.ServiceLoader}; the public no-argument constructor does no native work.
 */
public interface TrainingBackend extends NamedProvider {

    /**
     * Opens a training session. The caller owns it and must close it.
     *
     * @param model the model, valid
     * @param spec  how to train it
     * @return a session the caller owns
     * @throws dev.rsr.error.ModelException         when the model uses ops this backend cannot compile (all listed)
     * @throws dev.rsr.error.ConfigurationException when the spec does not fit the model (names the field)
     */
    dev.rsr.training.TrainingSession open(ModelGraph model, dev.rsr.training.TrainingSpec spec);

    /**
     * The op types this backend can compile: ONNX default-domain names, {@code domain.OpType} for others.
     *
     * @return the op types
     */
    Set<String> supportedOps();

    /**
     * The nodes of {@code model} this backend cannot compile, by op type, first node of each
     * type as the example; empty when the whole model compiles.
     *
     * @param model the model to check
     * @return an example node per unsupported op type, in graph order
     */
    default Map<String, Node> unsupportedOps(ModelGraph model) {
        Map<String, Node> missing = new LinkedHashMap<>();
        Set<String> supported = supportedOps();
        for (Node n : model.graph().nodes()) {
            String key = n.isDefaultDomain() ? n.opType() : n.domain() + "." + n.opType();
            if (!supported.contains(key)) {
                missing.putIfAbsent(key, n);
            }
        }
        return missing;
    }
}
