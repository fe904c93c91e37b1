package dev.rsr.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.rsr.error.BackendException;
import dev.rsr.error.DataException;
import dev.rsr.inference.AbstractPredictor;
import dev.rsr.ir.DataType;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A predictor over one ONNX Runtime session. Thread-safe: ONNX Runtime sessions run concurrently.
 * Every tensor created for a call is closed before the call returns.
 */
final class OrtPredictor extends AbstractPredictor {
    private final OrtSession session;
    /**
     * Per thread, one reusable direct buffer per input position: ONNX Runtime reads inputs from
     * direct memory, and allocating it per call would leave the freeing to the garbage collector.
     */
    private final ThreadLocal<ByteBuffer[]> inputBuffers;

    OrtPredictor(OrtSession session, ModelGraph model) {
        super(model.graph().name(), model.graph().feedInputs(), model.graph().outputs());
        this.session = session;
        int inputCount = model.graph().feedInputs().size();
        this.inputBuffers = ThreadLocal.withInitial(() -> new ByteBuffer[inputCount]);
    }

    @Override
    protected Map<String, TensorData> run(Map<String, TensorData> feeds) {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try {
            ByteBuffer[] buffers = inputBuffers.get();
            for (int i = 0; i < inputs().size(); i++) {
                String name = inputs().get(i).name();
                TensorData t = feeds.get(name);
                if (buffers[i] == null || buffers[i].capacity() < t.byteSize()) {
                    buffers[i] = ByteBuffer.allocateDirect(Math.max(t.byteSize(), 1024)).order(ByteOrder.nativeOrder());
                }
                ByteBuffer direct = buffers[i].clear();
                direct.put(t.rawBuffer()).flip();
                tensors.put(name, toOrt(name, t, direct.slice().order(ByteOrder.nativeOrder())));
            }
            try (OrtSession.Result result = session.run(tensors)) {
                Map<String, TensorData> out = new LinkedHashMap<>();
                for (ValueInfo v : outputs()) {
                    OnnxValue value = result.get(v.name()).orElseThrow(() -> new BackendException(
                            "ONNX Runtime returned no output '" + v.name() + "' for model '" + modelName() + "'"));
                    out.put(v.name(), fromOrt(v.name(), value));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime failed on model '" + modelName() + "': " + e.getMessage(), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    /** An ONNX Runtime tensor over {@code direct}, which holds {@code t}'s bytes. */
    private static OnnxTensor toOrt(String name, TensorData t, ByteBuffer direct) throws OrtException {
        OnnxJavaType type = switch (t.type()) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case INT8 -> OnnxJavaType.INT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
            case UINT8 -> OnnxJavaType.UINT8;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            default -> throw new DataException("input '" + name + "' is " + t.type().onnxName()
                    + ", which the ONNX Runtime Java API cannot feed");
        };
        // A direct buffer is used as is (a heap byte buffer of a wider type trips ONNX Runtime's Java
        // API). TensorData is little-endian, the native order of every supported CPU.
        return OnnxTensor.createTensor(OrtInferenceBackend.environment(), direct, t.shape(), type);
    }

    private TensorData fromOrt(String name, OnnxValue value) {
        if (!(value instanceof OnnxTensor tensor)) {
            throw new BackendException("output '" + name + "' of model '" + modelName() + "' is a " + value.getType()
                    + ", not a tensor");
        }
        TensorInfo info = tensor.getInfo();
        DataType type = dataType(info.onnxType).orElseThrow(() -> new BackendException(
                "output '" + name + "' of model '" + modelName() + "' has element type " + info.onnxType + ", which RSR does not support"));
        return TensorData.wrapRaw(type, info.getShape(), tensor.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    /** ONNX Runtime's enum numbers its types its own way; its names match ONNX's. */
    private static java.util.Optional<DataType> dataType(TensorInfo.OnnxTensorType ortType) {
        String name = ortType.name().substring("ONNX_TENSOR_ELEMENT_DATA_TYPE_".length());
        return java.util.Arrays.stream(DataType.values()).filter(t -> t.name().equals(name)).findFirst();
    }

    @Override
    protected void release() {
        try {
            session.close();
        } catch (OrtException e) {
            // Nothing useful to do: the session is unusable either way.
        }
    }
}
