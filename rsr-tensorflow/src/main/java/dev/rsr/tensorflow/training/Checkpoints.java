package dev.rsr.tensorflow.training;

import dev.rsr.error.DataException;
import dev.rsr.io.AtomicFiles;
import dev.rsr.ir.DataType;
import dev.rsr.ir.TensorData;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checkpoint file: named tensors and named counters. Layout: magic {@code RSRCKPT1}, then
 * counters ({@code int n; n × (utf name, long value)}), then tensors ({@code int n; n × (utf
 * name, int onnx type, int rank, rank × long dim, int byte length, bytes)}), big-endian framing,
 * little-endian tensor bytes. Written atomically.
 */
final class Checkpoints {
    private static final String MAGIC = "RSRCKPT1";

    private Checkpoints() {
    }

    record Content(Map<String, Long> counters, Map<String, TensorData> tensors) {
    }

    static void write(Path file, Content content) {
        AtomicFiles.write(file, stream -> {
            DataOutputStream out = new DataOutputStream(stream);
            out.writeBytes(MAGIC);
            out.writeInt(content.counters().size());
            for (Map.Entry<String, Long> e : content.counters().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeInt(content.tensors().size());
            for (Map.Entry<String, TensorData> e : content.tensors().entrySet()) {
                TensorData t = e.getValue();
                out.writeUTF(e.getKey());
                out.writeInt(t.type().onnxCode());
                out.writeInt(t.rank());
                for (long d : t.shape()) {
                    out.writeLong(d);
                }
                out.writeInt(t.byteSize());
                out.write(t.rawBytes());
            }
            out.flush();
        });
    }

    static Content read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream in = new DataInputStream(raw);
            byte[] magic = new byte[MAGIC.length()];
            in.readFully(magic);
            if (!new String(magic, java.nio.charset.StandardCharsets.US_ASCII).equals(MAGIC)) {
                throw new DataException(file + ": not an RSR checkpoint (bad header)");
            }
            Map<String, Long> counters = new LinkedHashMap<>();
            int nc = in.readInt();
            for (int i = 0; i < nc; i++) {
                counters.put(in.readUTF(), in.readLong());
            }
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            int nt = in.readInt();
            for (int i = 0; i < nt; i++) {
                String name = in.readUTF();
                int code = in.readInt();
                DataType type = DataType.fromOnnxCode(code)
                        .orElseThrow(() -> new DataException(file + ": tensor '" + name + "' has unknown type " + code));
                long[] shape = new long[in.readInt()];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = in.readLong();
                }
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                try {
                    tensors.put(name, TensorData.wrapRaw(type, shape, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)));
                } catch (IllegalArgumentException e) {
                    throw new DataException(file + ": tensor '" + name + "' is corrupt: " + e.getMessage());
                }
            }
            return new Content(counters, tensors);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such checkpoint");
        } catch (EOFException e) {
            throw new DataException(file + ": checkpoint is truncated");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read checkpoint: " + e.getMessage(), e);
        }
    }
}
