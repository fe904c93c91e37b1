package dev.rsr.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.rsr.error.ModelException;
import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Graph;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.ModelMetadata;
import dev.rsr.ir.Node;
import dev.rsr.ir.Shape;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.zoo.Mlp;
import dev.rsr.zoo.TextClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxFormatTest {
    @TempDir
    Path dir;

    @Test
    void zooModelsRoundTripLosslessly() {
        for (ModelGraph m : List.of(Mlp.defaults().build(), new TextClassifier(50, 8, 2, 2, 16, 10, 3, 1).build())) {
            Path file = dir.resolve(m.graph().name() + ".onnx");
            OnnxFormat.write(m, file);
            ModelGraph back = OnnxFormat.read(file);
            assertEquals(m, back);
            assertArrayEquals(OnnxFormat.toBytes(m), OnnxFormat.toBytes(back));
        }
    }

    @Test
    void everyAttributeKindAndMetadataRoundTrip() {
        Graph body = new Graph("body", List.of(), List.of(new ValueInfo("b", DataType.FLOAT, Shape.unknownRank())), Map.of(),
                List.of(new Node("inner", "Identity", List.of("x"), List.of("b"), List.of())), List.of(), "body doc");
        Node n = new Node("n", "Identity", List.of("x"), List.of("y"), List.of(
                Attribute.of("f", 1.5f), Attribute.of("i", -3L), Attribute.of("s", "héllo"),
                Attribute.of("t", TensorData.ofInts(new long[] {2}, 7, 8)), Attribute.of("g", body),
                Attribute.ofFloats("fs", 1f, 2f), Attribute.ofInts("is", 4, 5, 6), Attribute.ofStrings("ss", List.of("a", "b")),
                Attribute.ofTensors("ts", List.of(TensorData.scalarFloat(2f))), Attribute.ofGraphs("gs", List.of(body))));
        ValueInfo x = new ValueInfo("x", DataType.FLOAT, Shape.fixed(2));
        Graph g = new Graph("g", List.of(x), List.of(new ValueInfo("y", DataType.FLOAT, Shape.fixed(2))), Map.of(), List.of(n),
                List.of(new ValueInfo("y", DataType.FLOAT, Shape.fixed(2))), "graph doc");
        ModelGraph m = new ModelGraph(g, new ModelMetadata(7, Map.of("", 13L, "com.example", 1L), "me", "1.0", 3, "doc",
                Map.of("k", "v"), Map.of("grp", List.of())));
        assertEquals(m, OnnxFormat.fromBytes(OnnxFormat.toBytes(m), "mem"));
    }

    /** Files from other tools store tensors in typed fields, not raw_data; every form must read the same. */
    @Test
    void readsInitializersInEveryStorageForm() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("typed");
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("f").setDataType(1).addDims(2).addFloatData(1.5f).addFloatData(-2f));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("d").setDataType(11).addDims(1).addDoubleData(0.25));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("l").setDataType(7).addDims(2).addInt64Data(-5).addInt64Data(1L << 40));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("i").setDataType(6).addDims(1).addInt32Data(-7));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("b").setDataType(9).addDims(2).addInt32Data(1).addInt32Data(0));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("u8").setDataType(2).addDims(1).addInt32Data(200));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("h").setDataType(10).addDims(1).addInt32Data(0x3C00));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("u64").setDataType(13).addDims(1).addUint64Data(9));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("raw").setDataType(1).addDims(1)
                .setRawData(ByteString.copyFrom(new byte[] {0, 0, (byte) 0x80, 0x3F})));
        ModelGraph m = OnnxFormat.fromBytes(model(g).toByteArray(), "typed.onnx");
        Map<String, TensorData> t = m.graph().initializers();
        assertArrayEquals(new float[] {1.5f, -2f}, t.get("f").floats());
        assertEquals(0.25, t.get("d").getAsDouble(0));
        assertArrayEquals(new long[] {-5, 1L << 40}, t.get("l").longs());
        assertArrayEquals(new int[] {-7}, t.get("i").ints());
        assertEquals(1.0, t.get("b").getAsDouble(0));
        assertEquals(0.0, t.get("b").getAsDouble(1));
        assertEquals(200.0, t.get("u8").getAsDouble(0));
        assertEquals(1.0, t.get("h").getAsDouble(0));
        assertEquals(9.0, t.get("u64").getAsDouble(0));
        assertArrayEquals(new float[] {1f}, t.get("raw").floats());
    }

    private static OnnxMl.ModelProto model(OnnxMl.GraphProto.Builder g) {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
    }

    private ModelException readBad(byte[] bytes) throws Exception {
        Path file = dir.resolve("bad.onnx");
        Files.write(file, bytes);
        return assertThrows(ModelException.class, () -> OnnxFormat.read(file));
    }

    @Test
    void refusesEmptyTruncatedAndRandomFiles() throws Exception {
        byte[] good = OnnxFormat.toBytes(Mlp.defaults().build());
        assertTrue(readBad(new byte[0]).getMessage().endsWith("bad.onnx: the file is empty, not an ONNX model"));
        String truncated = readBad(Arrays.copyOf(good, good.length / 2)).getMessage();
        assertTrue(truncated.contains("bad.onnx: not a valid ONNX model"), truncated);
        byte[] noise = new byte[4096];
        new Random(3).nextBytes(noise);
        String random = readBad(noise).getMessage();
        assertTrue(random.contains("bad.onnx: not") && random.contains("ONNX model"), random);
        assertTrue(assertThrows(ModelException.class, () -> OnnxFormat.read(dir.resolve("missing.onnx"))).getMessage()
                .endsWith("missing.onnx: no such file"));
    }

    @Test
    void refusesUnknownOpsDanglingInputsAndBadInitializers() throws Exception {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("bad")
                .addInput(floatInput("x"))
                .addOutput(floatInput("y"))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("weird").setOpType("Frobnicate").addInput("x").addOutput("h"))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("add").setOpType("Add").addInput("h").addInput("ghost").addOutput("y"))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(3).addFloatData(1f))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("r").setDataType(1).addDims(2)
                        .setRawData(ByteString.copyFrom(new byte[12])));
        ModelException e = readBad(model(g).toByteArray());
        String msg = e.getMessage();
        assertTrue(msg.contains("initializer 'w' declares shape [3] (3 elements of float) but holds 1 elements"), msg);
        assertTrue(msg.contains("initializer 'r' declares shape [2] (2 elements of float) but holds 3 elements"), msg);
        // Data problems are reported first; structural validation runs on a model whose tensors decoded.
        g.removeInitializer(1).removeInitializer(0);
        msg = readBad(model(g).toByteArray()).getMessage();
        assertTrue(msg.contains("node 'weird' (Frobnicate) uses op 'Frobnicate', which is not an ONNX operator"), msg);
        assertTrue(msg.contains("node 'add' (Add) reads 'ghost', which no graph input, initializer or earlier node defines"), msg);
    }

    @Test
    void refusesExternalDataAndUnsupportedTypes() throws Exception {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("ext")
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("big").setDataType(1).addDims(10)
                        .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin")))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("s").setDataType(8).addDims(1)
                        .addStringData(ByteString.copyFromUtf8("x")))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("q").setDataType(99).addDims(1));
        String msg = readBad(model(g).toByteArray()).getMessage();
        assertTrue(msg.contains("initializer 'big' keeps its data in an external file ('weights.bin')"), msg);
        assertTrue(msg.contains("initializer 's' has element type 8 (string), which RSR does not support"), msg);
        assertTrue(msg.contains("initializer 'q' has element type 99 (not an ONNX type), which RSR does not support"), msg);
    }

    @Test
    void writingIsAtomicAndValidates() throws Exception {
        Path file = dir.resolve("m.onnx");
        OnnxFormat.write(Mlp.defaults().build(), file);
        byte[] before = Files.readAllBytes(file);
        ModelGraph broken = new ModelGraph(new Graph("broken", List.of(), List.of(new ValueInfo("y", DataType.FLOAT, Shape.fixed(1))),
                Map.of(), List.of(), List.of(), ""), ModelMetadata.rsrDefaults());
        assertThrows(ModelException.class, () -> OnnxFormat.write(broken, file));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("m.onnx"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static OnnxMl.ValueInfoProto floatInput(String name) {
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1)
                        .setShape(OnnxMl.TensorShapeProto.newBuilder().addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(3)))))
                .build();
    }
}
