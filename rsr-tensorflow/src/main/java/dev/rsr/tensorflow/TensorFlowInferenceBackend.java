package dev.rsr.tensorflow;

import dev.rsr.inference.AbstractPredictor;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.spi.InferenceBackend;
import dev.rsr.tensorflow.compiler.CompiledModel;
import dev.rsr.tensorflow.compiler.ConverterRegistry;
import dev.rsr.tensorflow.compiler.GraphCompiler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;

/**
 * Serves a model with TensorFlow: the same compiled graph training uses, so predictions can be
 * compared with ONNX Runtime's (parity) and timed against them. Graph optimization options do not
 * apply; thread counts do.
 */
public final class TensorFlowInferenceBackend implements InferenceBackend {
    public static final String NAME = "tensorflow";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Predictor open(ModelGraph model, InferenceOptions options) {
        CompiledModel compiled = new GraphCompiler(ConverterRegistry.discover()).compile(model);
        Session session = null;
        try {
            session = TfSessions.open(compiled, options.intraOpThreads(), options.interOpThreads());
            TfSessions.initializeFromModel(session, compiled);
            return new TfPredictor(compiled, session);
        } catch (RuntimeException e) {
            if (session != null) {
                session.close();
            }
            compiled.close();
            throw e;
        }
    }

    private static final class TfPredictor extends AbstractPredictor {
        private final CompiledModel compiled;
        private final Session session;

        TfPredictor(CompiledModel compiled, Session session) {
            super(compiled.model().graph().name(), compiled.model().graph().feedInputs(), compiled.model().graph().outputs());
            this.compiled = compiled;
            this.session = session;
        }

        @Override
        protected Map<String, TensorData> run(Map<String, TensorData> feeds) {
            List<Tensor> tensors = new ArrayList<>();
            try {
                Session.Runner runner = session.runner();
                for (Map.Entry<String, TensorData> e : feeds.entrySet()) {
                    Tensor t = TfTensors.toTensor(e.getValue(), "input '" + e.getKey() + "'");
                    tensors.add(t);
                    runner.feed(compiled.inputs().get(e.getKey()), t);
                }
                List<ValueInfo> outputs = outputs();
                for (ValueInfo v : outputs) {
                    runner.fetch(compiled.value(v.name()));
                }
                try (Result result = runner.run()) {
                    Map<String, TensorData> out = new LinkedHashMap<>();
                    for (int i = 0; i < outputs.size(); i++) {
                        out.put(outputs.get(i).name(), TfTensors.toTensorData(result.get(i)));
                    }
                    return out;
                }
            } catch (RuntimeException e) {
                throw TfSessions.runError("TensorFlow on model '" + modelName() + "'", e);
            } finally {
                tensors.forEach(Tensor::close);
            }
        }

        @Override
        protected void release() {
            session.close();
            compiled.close();
        }
    }
}
