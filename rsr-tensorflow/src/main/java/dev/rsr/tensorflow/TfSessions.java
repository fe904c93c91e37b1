package dev.rsr.tensorflow;

import dev.rsr.error.BackendException;
import dev.rsr.error.DataException;
import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.compiler.CompiledModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.exceptions.TFUnimplementedException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/** Opening sessions on compiled models and loading parameter values into them. */
public final class TfSessions {
    /**
     * The environment variable that gives every TensorFlow session its own pool of threads an op.
     * Without it TensorFlow keeps one such pool for the whole process, sized by whichever session
     * opened first, and later sessions' counts are ignored (the pool that schedules ops stays one
     * for the process either way). TensorFlow reads it once, when the first session opens; the
     * {@code rsr} launcher and the build's tests set it.
     */
    public static final String PER_SESSION_POOLS = "TF_OVERRIDE_GLOBAL_THREADPOOL";

    private TfSessions() {
    }

    /** A session with the given thread counts (0 lets TensorFlow choose). The caller closes it. */
    public static Session open(CompiledModel model, int intraOpThreads, int interOpThreads) {
        return open(model, intraOpThreads, interOpThreads, true);
    }

    /**
     * A session with the given thread counts (0 lets TensorFlow choose), with or without
     * TensorFlow's graph optimizer (Grappler). The caller closes it.
     *
     * <p>Grappler optimizes the graph again for every new combination of feeds, fetches and targets:
     * measured on a 5-million-parameter transformer, the first run of each combination took 0.5 to
     * 1.5 s longer with it, and the steady-state step was no faster. A refinement that selects
     * modules runs many combinations, so training sessions turn it off.
     */
    public static Session open(CompiledModel model, int intraOpThreads, int interOpThreads, boolean optimizeGraph) {
        ConfigProto.Builder config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOpThreads)
                .setInterOpParallelismThreads(interOpThreads);
        if (!optimizeGraph) {
            config.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(RewriterConfig.newBuilder().setDisableMetaOptimizer(true)));
        }
        return new Session(model.graph(), config.build());
    }

    /**
     * The threads an op for a training session that {@code concurrentSteps} threads step at once:
     * when sessions have their own pools, cores ÷ concurrent steps, so that on as many workers as
     * cores each op runs on its worker's own thread. On a 1.4-million-parameter encoder on 2 cores,
     * full fine-tuning's step was no faster on two threads an op than on one, and two workers that
     * split every op over a shared 2-thread pool waited on each other (a worker step 68 to 70 ms
     * against 49 to 51 ms with one thread an op).
     *
     * @param requested       the caller's count (0 = choose)
     * @param concurrentSteps how many threads step at once
     * @param cores           the cores to share
     * @param perSessionPools whether TensorFlow honours each session's count ({@link #PER_SESSION_POOLS})
     * @return the count to open the session with (0 lets TensorFlow choose)
     */
    public static int intraOpThreads(int requested, int concurrentSteps, int cores, boolean perSessionPools) {
        if (requested > 0 || concurrentSteps <= 1 || !perSessionPools) {
            return requested;
        }
        return Math.max(1, cores / concurrentSteps);
    }

    /**
     * Whether {@link #PER_SESSION_POOLS} is on in this process's environment.
     *
     * @return whether TensorFlow gives each session its own pool of threads an op
     */
    public static boolean perSessionPools() {
        return perSessionPools(System.getenv(PER_SESSION_POOLS));
    }

    /**
     * Whether a value of {@link #PER_SESSION_POOLS} turns it on, as TensorFlow reads it: true or 1,
     * in any case; anything else (TensorFlow logs an error for a value not true, false, 1 or 0) is off.
     *
     * @param value the variable's value, null when unset
     * @return whether it is on
     */
    static boolean perSessionPools(String value) {
        return value != null && (value.equalsIgnoreCase("true") || value.equals("1"));
    }

    /** Assigns {@code values} to the named parameters in one run; every tensor made here is closed. */
    public static void assign(Session session, CompiledModel model, Map<String, TensorData> values) {
        List<Tensor> tensors = new ArrayList<>();
        try {
            Session.Runner runner = session.runner();
            for (Map.Entry<String, TensorData> e : values.entrySet()) {
                CompiledModel.Parameter p = model.parameters().get(e.getKey());
                if (p == null) {
                    throw new IllegalArgumentException("model '" + model.model().graph().name() + "' has no parameter '" + e.getKey() + "'");
                }
                Tensor t = TfTensors.toTensor(e.getValue(), "parameter '" + e.getKey() + "'");
                tensors.add(t);
                runner.feed(p.initValue(), t).addTarget(p.initialize());
            }
            if (!runner.isEmpty()) {
                runner.run().close();
            }
        } finally {
            tensors.forEach(Tensor::close);
        }
    }

    /**
     * A failure of a session run as RSR's exception, with TensorFlow's message on one line. This is
     * the one place run errors are mapped. TensorFlow Java throws its most common run-time error,
     * an invalid argument (an index past a table, a shape that does not fit), as an
     * {@link IllegalArgumentException} and an unimplemented kernel as an
     * {@link UnsupportedOperationException}, neither of them a {@link TensorFlowException}: both are
     * caught here by their TensorFlow classes. RSR's own exceptions and any other exception (a bug)
     * pass through unchanged.
     *
     * @param what what was running, e.g. "TensorFlow training step", for the message
     */
    public static RuntimeException runError(String what, RuntimeException e) {
        if (e instanceof TFInvalidArgumentException || e instanceof TFOutOfRangeException) {
            return new DataException(what + " failed: the input does not fit the model: " + TfGraphs.oneLine(e.getMessage()), e);
        }
        if (e instanceof TensorFlowException || e instanceof TFUnimplementedException) {
            return new BackendException(what + " failed: " + TfGraphs.oneLine(e.getMessage()), e);
        }
        return e;
    }

    /** Loads every parameter's value from the model's initializers. */
    public static void initializeFromModel(Session session, CompiledModel model) {
        Map<String, TensorData> init = new java.util.LinkedHashMap<>();
        for (String name : model.parameters().keySet()) {
            init.put(name, model.model().graph().initializers().get(name));
        }
        assign(session, model, init);
    }
}
