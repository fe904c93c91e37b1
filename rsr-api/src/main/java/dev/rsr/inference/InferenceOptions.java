package dev.rsr.inference;

import dev.rsr.error.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Session settings of an inference backend.
 *
 * @param intraOpThreads threads inside one op; 0 lets the backend choose (all cores)
 * @param interOpThreads threads across independent ops; 0 lets the backend choose
 * @param optimization   how much the backend may rewrite the graph before running it
 */
public record InferenceOptions(int intraOpThreads, int interOpThreads, GraphOptimization optimization) {

    /** Graph rewriting levels, as ONNX Runtime names them. */
    public enum GraphOptimization {
        /** No rewriting: the graph runs as given. */
        NONE,
        /** Semantics-preserving rewrites such as constant folding and removing redundant nodes. */
        BASIC,
        /** {@link #BASIC} plus fusions of common node patterns. */
        EXTENDED,
        /** Every rewrite the backend has, including layout changes. */
        ALL
    }

    /**
     * Checks every field at once.
     *
     * @param intraOpThreads threads inside one op; 0 lets the backend choose (all cores)
     * @param interOpThreads threads across independent ops; 0 lets the backend choose
     * @param optimization   how much the backend may rewrite the graph before running it
     * @throws ConfigurationException listing every invalid field
     */
    public InferenceOptions {
        List<String> problems = new ArrayList<>();
        if (intraOpThreads < 0) {
            problems.add("intraOpThreads must be >= 0 (0 = backend default), got " + intraOpThreads);
        }
        if (interOpThreads < 0) {
            problems.add("interOpThreads must be >= 0 (0 = backend default), got " + interOpThreads);
        }
        if (optimization == null) {
            problems.add("optimization must be one of NONE, BASIC, EXTENDED, ALL");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("invalid inference options: " + String.join("; ", problems));
        }
    }

    /**
     * Backend-chosen thread counts, all graph optimizations.
     *
     * @return the default options
     */
    public static InferenceOptions defaults() {
        return new InferenceOptions(0, 0, GraphOptimization.ALL);
    }
}
