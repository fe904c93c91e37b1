package dev.rsr.serve;

import dev.rsr.ir.DataType;
import java.util.Map;
import java.util.Optional;

/**
 * The Open Inference Protocol's tensor datatype names ({@code FP32}, {@code INT64}, ...) for RSR's
 * element types: the one mapping of the server and of clients such as {@code rsr bench serving}.
 */
public final class Datatypes {
    private static final Map<DataType, String> NAMES = Map.ofEntries(
            Map.entry(DataType.BOOL, "BOOL"), Map.entry(DataType.UINT8, "UINT8"), Map.entry(DataType.UINT16, "UINT16"),
            Map.entry(DataType.UINT32, "UINT32"), Map.entry(DataType.UINT64, "UINT64"), Map.entry(DataType.INT8, "INT8"),
            Map.entry(DataType.INT16, "INT16"), Map.entry(DataType.INT32, "INT32"), Map.entry(DataType.INT64, "INT64"),
            Map.entry(DataType.FLOAT16, "FP16"), Map.entry(DataType.FLOAT, "FP32"), Map.entry(DataType.DOUBLE, "FP64"),
            Map.entry(DataType.BFLOAT16, "BF16"));

    private Datatypes() {
    }

    /** The protocol's name for {@code type}; null for a type the protocol has no name for (strings). */
    public static String name(DataType type) {
        return NAMES.get(type);
    }

    /** The element type the protocol's {@code name} stands for, if any. */
    public static Optional<DataType> of(String name) {
        return NAMES.entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey).findFirst();
    }
}
