package dev.rsr.tensorflow;

import dev.rsr.error.BackendException;
import dev.rsr.error.ModelException;
import dev.rsr.ir.DataType;
import dev.rsr.ir.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint16;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * Moves tensors between the host ({@link TensorData}, little-endian bytes) and TensorFlow, and
 * maps element types. TensorFlow's host memory is little-endian on every supported CPU, so both
 * directions are one byte copy.
 */
public final class TfTensors {
    private TfTensors() {
    }

    /** The TensorFlow tensor class of an element type, or an error naming what uses it. */
    public static Class<? extends TType> tfClass(DataType type, String usedBy) {
        return switch (type) {
            case FLOAT -> TFloat32.class;
            case DOUBLE -> TFloat64.class;
            case INT32 -> TInt32.class;
            case INT64 -> TInt64.class;
            case BOOL -> TBool.class;
            case UINT8 -> TUint8.class;
            case UINT16 -> TUint16.class;
            case FLOAT16 -> TFloat16.class;
            case BFLOAT16 -> TBfloat16.class;
            default -> throw new ModelException(usedBy + " is " + type.onnxName() + ", which the TensorFlow backend does not support");
        };
    }

    public static org.tensorflow.proto.DataType tfType(DataType type, String usedBy) {
        return switch (type) {
            case FLOAT -> org.tensorflow.proto.DataType.DT_FLOAT;
            case DOUBLE -> org.tensorflow.proto.DataType.DT_DOUBLE;
            case INT32 -> org.tensorflow.proto.DataType.DT_INT32;
            case INT64 -> org.tensorflow.proto.DataType.DT_INT64;
            case BOOL -> org.tensorflow.proto.DataType.DT_BOOL;
            case UINT8 -> org.tensorflow.proto.DataType.DT_UINT8;
            case INT8 -> org.tensorflow.proto.DataType.DT_INT8;
            case INT16 -> org.tensorflow.proto.DataType.DT_INT16;
            case UINT16 -> org.tensorflow.proto.DataType.DT_UINT16;
            case UINT32 -> org.tensorflow.proto.DataType.DT_UINT32;
            case UINT64 -> org.tensorflow.proto.DataType.DT_UINT64;
            case FLOAT16 -> org.tensorflow.proto.DataType.DT_HALF;
            case BFLOAT16 -> org.tensorflow.proto.DataType.DT_BFLOAT16;
        };
    }

    public static DataType fromTf(org.tensorflow.proto.DataType type) {
        return switch (type) {
            case DT_FLOAT -> DataType.FLOAT;
            case DT_DOUBLE -> DataType.DOUBLE;
            case DT_INT32 -> DataType.INT32;
            case DT_INT64 -> DataType.INT64;
            case DT_BOOL -> DataType.BOOL;
            case DT_UINT8 -> DataType.UINT8;
            case DT_INT8 -> DataType.INT8;
            case DT_INT16 -> DataType.INT16;
            case DT_UINT16 -> DataType.UINT16;
            case DT_UINT32 -> DataType.UINT32;
            case DT_UINT64 -> DataType.UINT64;
            case DT_HALF -> DataType.FLOAT16;
            case DT_BFLOAT16 -> DataType.BFLOAT16;
            default -> throw new BackendException("TensorFlow type " + type + " has no RSR equivalent");
        };
    }

    /** A new TensorFlow tensor holding a copy of {@code data}; the caller owns (and must close) it. */
    public static Tensor toTensor(TensorData data, String usedBy) {
        byte[] bytes = data.rawBytes();
        return Tensor.of(tfClass(data.type(), usedBy), Shape.of(data.shape()), DataBuffers.of(bytes, true, false));
    }

    /** A host copy of a TensorFlow tensor; does not close it. */
    public static TensorData toTensorData(Tensor tensor) {
        DataType type = fromTf(tensor.dataType());
        ByteBuffer bytes = ByteBuffer.allocate((int) tensor.numBytes()).order(ByteOrder.LITTLE_ENDIAN);
        tensor.asRawTensor().data().read(bytes.array());
        return TensorData.wrapRaw(type, tensor.shape().asArray(), bytes);
    }
}
