package dev.rsr.tensorflow.training;

import dev.rsr.error.DataException;
import dev.rsr.io.AtomicFiles;
import dev.rsr.ir.DataType;
import dev.rsr.ir.TensorData;
import dev.rsr.io.IoErrors;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The checkpoint file: the settings it was made with, named counters and named tensors, then a
 * checksum. Layout: magic {@code RSRCKPT2}, settings ({@code int n; n × (utf key, utf value)}),
 * counters ({@code int n; n × (utf name, long value)}), tensors ({@code int n; n × (utf name, int
 * onnx type, int rank, rank × long dim, int byte length, bytes)}), and the CRC-32C of everything
 * before it ({@code long}); big-endian framing, little-endian tensor bytes. Written atomically;
 * read whole and verified before anything in it is used.
 */
final class Checkpoints {
    private static final String MAGIC = "RSRCKPT2";
    private static final String OLD_MAGIC = "RSRCKPT1";

    private Checkpoints() {
    }

    record Content(Map<String, String> settings, Map<String, Long> counters, Map<String, TensorData> tensors) {
    }

    static void write(Path file, Content content) {
        AtomicFiles.write(file, stream -> {
            CheckedOutputStream checked = new CheckedOutputStream(stream, new CRC32C());
            DataOutputStream out = new DataOutputStream(checked);
            out.writeBytes(MAGIC);
            out.writeInt(content.settings().size());
            for (Map.Entry<String, String> e : content.settings().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
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
            new DataOutputStream(stream).writeLong(checked.getChecksum().getValue());
        });
    }

    static Content read(Path file) {
        IoErrors.requireReadableFile(file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read checkpoint: " + IoErrors.reason(e), e);
        }
        if (bytes.length < MAGIC.length() + Long.BYTES) {
            throw new DataException(file + ": not an RSR checkpoint (too short)");
        }
        String magic = new String(bytes, 0, MAGIC.length(), StandardCharsets.US_ASCII);
        if (magic.equals(OLD_MAGIC)) {
            throw new DataException(file + ": a checkpoint from an older RSR without a checksum; start afresh without resuming");
        }
        if (!magic.equals(MAGIC)) {
            throw new DataException(file + ": not an RSR checkpoint (bad header)");
        }
        int body = bytes.length - Long.BYTES;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, body);
        if (crc.getValue() != ByteBuffer.wrap(bytes, body, Long.BYTES).getLong()) {
            throw new DataException(file + ": checkpoint is corrupt or truncated (checksum mismatch)");
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC.length(), body - MAGIC.length()));
            Map<String, String> settings = new LinkedHashMap<>();
            int ns = in.readInt();
            for (int i = 0; i < ns; i++) {
                settings.put(in.readUTF(), in.readUTF());
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
                int rank = in.readInt();
                if (rank < 0 || rank > 64) {
                    throw new DataException(file + ": tensor '" + name + "' has rank " + rank);
                }
                long[] shape = new long[rank];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = in.readLong();
                }
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new DataException(file + ": tensor '" + name + "' claims " + length + " bytes; " + in.available() + " remain");
                }
                byte[] data = new byte[length];
                in.readFully(data);
                try {
                    tensors.put(name, TensorData.wrapRaw(type, shape, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN)));
                } catch (IllegalArgumentException e) {
                    throw new DataException(file + ": tensor '" + name + "' is corrupt: " + e.getMessage());
                }
            }
            return new Content(settings, counters, tensors);
        } catch (IOException | NegativeArraySizeException e) {
            // The checksum matched but the content does not parse: a damaged or forged file, not a reader bug.
            throw new DataException(file + ": checkpoint is malformed: " + e);
        }
    }

    /** Refuses a checkpoint made with other settings, naming each that differs. */
    static void requireSettings(Path file, Map<String, String> made, Map<String, String> now) {
        java.util.List<String> differences = new java.util.ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(made.keySet());
        keys.addAll(now.keySet());
        for (String key : keys) {
            String a = made.get(key);
            String b = now.get(key);
            if (!java.util.Objects.equals(a, b)) {
                differences.add(key + " " + (a == null ? "(unset)" : a) + " there, " + (b == null ? "(unset)" : b) + " here");
            }
        }
        if (!differences.isEmpty()) {
            throw new DataException(file + ": the checkpoint was made with other settings (" + String.join("; ", differences)
                    + "); resume with the same settings or start afresh");
        }
    }
}
