package dev.rsr.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.rsr.error.ModelException;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.spi.InferenceBackend;

/**
 * Serves models with ONNX Runtime (CPU). The ONNX Runtime environment starts on the first
 * {@link #open}, not when the backend is discovered.
 */
public final class OrtInferenceBackend implements InferenceBackend {
    public static final String NAME = "onnxruntime";

    /** Lazy holder: the native library loads when a predictor is first opened. */
    private static final class Environment {
        static final OrtEnvironment INSTANCE = start();

        private static OrtEnvironment start() {
            OrtNatives.prepare();
            return OrtEnvironment.getEnvironment();
        }
    }

    static OrtEnvironment environment() {
        return Environment.INSTANCE;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Predictor open(ModelGraph model, InferenceOptions options) {
        model.validate();
        byte[] bytes = OnnxFormat.toBytes(model);
        // The environment first: it decides where the native library comes from (OrtNatives), and
        // any other ONNX Runtime class would load the library on its own.
        OrtEnvironment environment = environment();
        try (OrtSession.SessionOptions sessionOptions = sessionOptions(options)) {
            OrtSession session = environment.createSession(bytes, sessionOptions);
            return new OrtPredictor(session, model);
        } catch (OrtException e) {
            throw new ModelException("ONNX Runtime cannot load model '" + model.graph().name() + "': " + e.getMessage(), e);
        }
    }

    private static OrtSession.SessionOptions sessionOptions(InferenceOptions options) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            if (options.interOpThreads() > 0) {
                so.setInterOpNumThreads(options.interOpThreads());
            }
            so.setOptimizationLevel(switch (options.optimization()) {
                case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            });
            // A failing run is reported through its exception, with the input line at fault; ONNX
            // Runtime's own copy of the message on stderr would only repeat it.
            so.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            return so;
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }
}
