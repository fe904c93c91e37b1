package dev.rsr.ir;

import java.util.Optional;

/**
 * Element types, numbered as ONNX's {@code TensorProto.DataType} so conversion is a lookup.
 * String and complex types are absent on purpose: RSR refuses them with a clear error.
 */
public enum DataType {
    /** 32-bit IEEE float. */
    FLOAT(1, 4),
    /** Unsigned 8-bit integer. */
    UINT8(2, 1),
    /** Signed 8-bit integer. */
    INT8(3, 1),
    /** Unsigned 16-bit integer. */
    UINT16(4, 2),
    /** Signed 16-bit integer. */
    INT16(5, 2),
    /** Signed 32-bit integer. */
    INT32(6, 4),
    /** Signed 64-bit integer. */
    INT64(7, 8),
    /** Boolean, one byte per element (0 or 1). */
    BOOL(9, 1),
    /** 16-bit IEEE half-precision float. */
    FLOAT16(10, 2),
    /** 64-bit IEEE float. */
    DOUBLE(11, 8),
    /** Unsigned 32-bit integer. */
    UINT32(12, 4),
    /** Unsigned 64-bit integer. */
    UINT64(13, 8),
    /** 16-bit brain float: the upper half of a 32-bit float. */
    BFLOAT16(16, 2);

    private final int onnxCode;
    private final int byteSize;

    DataType(int onnxCode, int byteSize) {
        this.onnxCode = onnxCode;
        this.byteSize = byteSize;
    }

    /**
     * The ONNX {@code TensorProto.DataType} number.
     *
     * @return the number, e.g. 1 for {@link #FLOAT}
     */
    public int onnxCode() {
        return onnxCode;
    }

    /**
     * Bytes per element.
     *
     * @return the element size in bytes
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Whether this is a floating-point type; the parameters RSR trains are the initializers of such types.
     *
     * @return true for {@link #FLOAT}, {@link #DOUBLE}, {@link #FLOAT16} and {@link #BFLOAT16}
     */
    public boolean isFloatingPoint() {
        return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
    }

    /**
     * The type with this ONNX number, or empty for one RSR does not support (or that does not exist).
     *
     * @param code an ONNX {@code TensorProto.DataType} number
     * @return the type, or empty
     */
    public static Optional<DataType> fromOnnxCode(int code) {
        for (DataType t : values()) {
            if (t.onnxCode == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The lower-case ONNX spelling, e.g. {@code float}, {@code int64}.
     *
     * @return the constant's name in lower case
     */
    public String onnxName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
