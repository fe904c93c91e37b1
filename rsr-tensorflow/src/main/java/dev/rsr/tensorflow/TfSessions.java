package dev.rsr.tensorflow;

import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.compiler.CompiledModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.ConfigProto;

/** Opening sessions on compiled models and loading parameter values into them. */
public final class TfSessions {
    private TfSessions() {
    }

    /** A session with the given thread counts (0 lets TensorFlow choose). The caller closes it. */
    public static Session open(CompiledModel model, int intraOpThreads, int interOpThreads) {
        ConfigProto config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOpThreads)
                .setInterOpParallelismThreads(interOpThreads)
                .build();
        return new Session(model.graph(), config);
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

    /** Loads every parameter's value from the model's initializers. */
    public static void initializeFromModel(Session session, CompiledModel model) {
        Map<String, TensorData> init = new java.util.LinkedHashMap<>();
        for (String name : model.parameters().keySet()) {
            init.put(name, model.model().graph().initializers().get(name));
        }
        assign(session, model, init);
    }
}
