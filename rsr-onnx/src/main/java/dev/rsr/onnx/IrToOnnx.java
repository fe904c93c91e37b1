package dev.rsr.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.rsr.ir.Attribute;
import dev.rsr.ir.Dim;
import dev.rsr.ir.Graph;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.ModelMetadata;
import dev.rsr.ir.Node;
import dev.rsr.ir.Shape;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.util.List;
import java.util.Map;

/** IR → ONNX protobuf. Tensors are written as {@code raw_data}; parameter groups as metadata properties. */
final class IrToOnnx {
    /** Metadata key prefix of a parameter group; the value lists its initializer names, comma-separated. */
    static final String GROUP_PREFIX = "rsr.group.";

    private IrToOnnx() {
    }

    static OnnxMl.ModelProto convert(ModelGraph model) {
        ModelMetadata m = model.metadata();
        OnnxMl.ModelProto.Builder b = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(m.irVersion())
                .setProducerName(m.producerName())
                .setProducerVersion(m.producerVersion())
                .setModelVersion(m.modelVersion())
                .setDocString(m.docString())
                .setGraph(graph(model.graph()));
        for (Map.Entry<String, Long> opset : m.opsetImports().entrySet()) {
            b.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(opset.getKey()).setVersion(opset.getValue()));
        }
        m.properties().forEach((k, v) -> b.addMetadataProps(entry(k, v)));
        m.parameterGroups().forEach((group, names) -> b.addMetadataProps(entry(GROUP_PREFIX + group, String.join(",", names))));
        return b.build();
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static OnnxMl.GraphProto graph(Graph g) {
        OnnxMl.GraphProto.Builder b = OnnxMl.GraphProto.newBuilder().setName(g.name()).setDocString(g.docString());
        g.inputs().forEach(v -> b.addInput(value(v)));
        g.outputs().forEach(v -> b.addOutput(value(v)));
        g.valueInfos().forEach(v -> b.addValueInfo(value(v)));
        g.initializers().forEach((name, t) -> b.addInitializer(tensor(name, t)));
        for (Node n : g.nodes()) {
            b.addNode(node(n));
        }
        return b.build();
    }

    private static OnnxMl.ValueInfoProto value(ValueInfo v) {
        OnnxMl.TypeProto.Tensor.Builder tt = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(v.type().onnxCode());
        Shape shape = v.shape();
        if (shape.hasRank()) {
            OnnxMl.TensorShapeProto.Builder sb = OnnxMl.TensorShapeProto.newBuilder();
            for (Dim d : shape.dims()) {
                OnnxMl.TensorShapeProto.Dimension.Builder db = OnnxMl.TensorShapeProto.Dimension.newBuilder();
                if (d.isFixed()) {
                    db.setDimValue(d.size());
                } else if (d.isSymbolic()) {
                    db.setDimParam(d.symbol());
                }
                sb.addDim(db);
            }
            tt.setShape(sb);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(v.name())
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tt)).build();
    }

    static OnnxMl.TensorProto tensor(String name, TensorData t) {
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(t.type().onnxCode());
        for (long d : t.shape()) {
            b.addDims(d);
        }
        return b.setRawData(ByteString.copyFrom(t.rawBuffer())).build();
    }

    private static OnnxMl.NodeProto node(Node n) {
        OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder().setName(n.name()).setOpType(n.opType())
                .addAllInput(n.inputs()).addAllOutput(n.outputs());
        if (!n.domain().isEmpty()) {
            b.setDomain(n.domain());
        }
        for (Attribute a : n.attributes().values()) {
            b.addAttribute(attribute(a));
        }
        return b.build();
    }

    private static OnnxMl.AttributeProto attribute(Attribute a) {
        OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(a.name());
        switch (a.kind()) {
            case FLOAT -> b.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(a.asFloat());
            case INT -> b.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(a.asInt());
            case STRING -> b.setType(OnnxMl.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(a.asString()));
            case TENSOR -> b.setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(tensor("", a.asTensor()));
            case GRAPH -> b.setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(graph(a.asGraph()));
            case FLOATS -> {
                b.setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
                for (float f : a.asFloats()) {
                    b.addFloats(f);
                }
            }
            case INTS -> {
                b.setType(OnnxMl.AttributeProto.AttributeType.INTS);
                for (long i : a.asInts()) {
                    b.addInts(i);
                }
            }
            case STRINGS -> {
                b.setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
                a.asStrings().forEach(s -> b.addStrings(ByteString.copyFromUtf8(s)));
            }
            case TENSORS -> {
                b.setType(OnnxMl.AttributeProto.AttributeType.TENSORS);
                a.asTensors().forEach(t -> b.addTensors(tensor("", t)));
            }
            case GRAPHS -> {
                b.setType(OnnxMl.AttributeProto.AttributeType.GRAPHS);
                List<Graph> graphs = a.asGraphs();
                graphs.forEach(g -> b.addGraphs(graph(g)));
            }
        }
        return b.build();
    }
}
