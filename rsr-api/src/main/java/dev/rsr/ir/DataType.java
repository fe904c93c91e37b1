package dev.rsr.ir;

import java.util.Optional;

/**
 * Element types, numbered as ONNX's {@code TensorProto.DataType} so conversion is a lookup.
 * String and complex types are absent on purpose: RSR refuses them with a clear error.
 */
public enum DataType {
    FLOAT(1, 4),
    UINT8(2, 1),
    INT8(3, 1),
    UINT16(4, 2),
    INT16(5, 2),
    INT32(6, 4),
    INT64(7, 8),
    BOOL(9, 1),
    FLOAT16(10, 2),
    DOUBLE(11, 8),
    UINT32(12, 4),
    UINT64(13, 8),
    BFLOAT16(16, 2);

    private final int onnxCode;
    private final int byteSize;

    DataType(int onnxCode, int byteSize) {
        this.onnxCode = onnxCode;
        this.byteSize = byteSize;
    }

    /** The ONNX {@code TensorProto.DataType} number. */
    public int onnxCode() {
        return onnxCode;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
    }

    /** The type with this ONNX number, or empty for one RSR does not support (or that does not exist). */
    public static Optional<DataType> fromOnnxCode(int code) {
        for (DataType t : values()) {
            if (t.onnxCode == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The lower-case ONNX spelling, e.g. {@code float}, {@code int64}. */
    public String onnxName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
