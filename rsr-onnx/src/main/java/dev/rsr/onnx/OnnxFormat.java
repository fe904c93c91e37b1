package dev.rsr.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.rsr.error.ModelException;
import dev.rsr.io.AtomicFiles;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes ONNX model files as {@link ModelGraph}s. Reading validates the model and
 * reports every problem with the file name; writing is atomic. IR → ONNX → IR is lossless.
 */
public final class OnnxFormat {
    private OnnxFormat() {
    }

    /** Reads and validates an ONNX file. */
    public static ModelGraph read(Path file) {
        return fromBytes(bytes(file), file.toString());
    }

    /** The whole of a file, or a {@link ModelException} naming it and why it cannot be read. */
    private static byte[] bytes(Path file) {
        try {
            dev.rsr.io.IoErrors.requireReadableFile(file);
        } catch (dev.rsr.error.DataException e) {
            throw new ModelException(e.getMessage());
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + dev.rsr.io.IoErrors.reason(e), e);
        }
    }

    /**
     * Parses and validates a serialized ONNX model.
     *
     * @param source how error messages name the model (a file name)
     */
    public static ModelGraph fromBytes(byte[] bytes, String source) {
        if (bytes.length == 0) {
            throw new ModelException(source + ": the file is empty, not an ONNX model");
        }
        OnnxMl.ModelProto proto;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(256);
            // Protobuf's default 64 MiB cap is below real models; the array is already in memory.
            in.setSizeLimit(Integer.MAX_VALUE);
            proto = OnnxMl.ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException(source + ": not a valid ONNX model (truncated or not protobuf: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelException(source + ": cannot parse: " + e.getMessage(), e);
        }
        ModelGraph model = new OnnxToIr(source).convert(proto);
        var problems = model.problems();
        if (!problems.isEmpty()) {
            throw new ModelException(source, problems);
        }
        return model;
    }

    /**
     * Reads one serialized ONNX {@code TensorProto} (a {@code .pb} file of the ONNX backend test
     * cases, say).
     *
     * @throws ModelException naming the file when it is unreadable, not a tensor, or of a type RSR lacks
     */
    public static TensorData readTensor(Path file) {
        OnnxMl.TensorProto proto;
        try {
            proto = OnnxMl.TensorProto.parseFrom(bytes(file));
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException(file + ": not a serialized ONNX tensor (" + e.getMessage() + ")", e);
        }
        OnnxToIr reader = new OnnxToIr(file.toString());
        TensorData t = reader.tensor(proto, "tensor '" + proto.getName() + "'");
        if (t == null) {
            throw new ModelException(file.toString(), reader.problems());
        }
        return t;
    }

    /** Serializes a model as ONNX (IR version and opsets from its metadata; tensors as raw data). */
    public static byte[] toBytes(ModelGraph model) {
        return IrToOnnx.convert(model).toByteArray();
    }

    /** Validates and writes a model to {@code file} atomically. */
    public static void write(ModelGraph model, Path file) {
        model.validate();
        OnnxMl.ModelProto proto = IrToOnnx.convert(model);
        AtomicFiles.write(file, proto::writeTo);
    }

    static String utf8(ByteString s) {
        return s.toStringUtf8();
    }
}
