package dev.rsr.onnx;

import ai.onnx.proto.OnnxMl;
import dev.rsr.error.ModelException;
import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Dim;
import dev.rsr.ir.Graph;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.ModelMetadata;
import dev.rsr.ir.Node;
import dev.rsr.ir.Shape;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX protobuf → IR. Collects every problem it meets (unsupported types, external data, data
 * lengths that do not match shapes) and throws them together, each naming the tensor, value or
 * node at fault.
 */
final class OnnxToIr {
    private final String source;
    private final List<String> problems = new ArrayList<>();

    OnnxToIr(String source) {
        this.source = source;
    }

    /** What could not be read so far. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    ModelGraph convert(OnnxMl.ModelProto proto) {
        if (!proto.hasGraph()) {
            throw new ModelException(source + ": not an ONNX model (no graph" + (proto.getIrVersion() == 0 ? ", no IR version" : "") + ")");
        }
        if (proto.getFunctionsCount() > 0) {
            problems.add("the model defines " + proto.getFunctionsCount() + " local function(s) ("
                    + proto.getFunctions(0).getName() + " …), which RSR does not support; inline them before import");
        }
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (OnnxMl.OperatorSetIdProto op : proto.getOpsetImportList()) {
            opsets.put(op.getDomain().equals("ai.onnx") ? "" : op.getDomain(), op.getVersion());
        }
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (OnnxMl.StringStringEntryProto e : proto.getMetadataPropsList()) {
            if (e.getKey().startsWith(IrToOnnx.GROUP_PREFIX)) {
                String members = e.getValue();
                groups.put(e.getKey().substring(IrToOnnx.GROUP_PREFIX.length()),
                        members.isEmpty() ? List.of() : Arrays.asList(members.split(",", -1)));
            } else {
                properties.put(e.getKey(), e.getValue());
            }
        }
        ModelMetadata metadata = new ModelMetadata(proto.getIrVersion(), opsets, proto.getProducerName(),
                proto.getProducerVersion(), proto.getModelVersion(), proto.getDocString(), properties, groups);
        Graph graph = graph(proto.getGraph(), "");
        if (!problems.isEmpty()) {
            throw new ModelException(source, problems);
        }
        return new ModelGraph(graph, metadata);
    }

    private Graph graph(OnnxMl.GraphProto g, String where) {
        Map<String, TensorData> initializers = new LinkedHashMap<>();
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            TensorData data = tensor(t, where + "initializer '" + t.getName() + "'");
            if (data != null && initializers.put(t.getName(), data) != null) {
                problems.add(where + "initializer '" + t.getName() + "' is defined twice");
            }
        }
        if (g.getSparseInitializerCount() > 0) {
            problems.add(where + "graph '" + g.getName() + "' has sparse initializers, which RSR does not support");
        }
        List<Node> nodes = new ArrayList<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            nodes.add(node(n, where));
        }
        return new Graph(g.getName(), values(g.getInputList(), where + "graph input"), values(g.getOutputList(), where + "graph output"),
                initializers, nodes, values(g.getValueInfoList(), where + "value_info"), g.getDocString());
    }

    private List<ValueInfo> values(List<OnnxMl.ValueInfoProto> protos, String what) {
        List<ValueInfo> out = new ArrayList<>();
        for (OnnxMl.ValueInfoProto v : protos) {
            String name = what + " '" + v.getName() + "'";
            if (!v.hasType() || !v.getType().hasTensorType()) {
                problems.add(name + " is not a tensor (" + (v.hasType() ? v.getType().getValueCase() : "no type")
                        + "); RSR supports tensor values only");
                continue;
            }
            OnnxMl.TypeProto.Tensor tt = v.getType().getTensorType();
            DataType type = dataType(tt.getElemType(), name);
            if (type == null) {
                continue;
            }
            Shape shape;
            if (!tt.hasShape()) {
                shape = Shape.unknownRank();
            } else {
                List<Dim> dims = new ArrayList<>();
                for (OnnxMl.TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
                    if (d.hasDimValue() && d.getDimValue() >= 0) {
                        dims.add(Dim.of(d.getDimValue()));
                    } else if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
                        dims.add(Dim.symbolic(d.getDimParam()));
                    } else {
                        dims.add(Dim.unknown());
                    }
                }
                shape = Shape.of(dims);
            }
            out.add(new ValueInfo(v.getName(), type, shape));
        }
        return out;
    }

    private DataType dataType(int code, String what) {
        DataType type = DataType.fromOnnxCode(code).orElse(null);
        if (type == null) {
            problems.add(what + " has element type " + code + " (" + onnxTypeName(code) + "), which RSR does not support");
        }
        return type;
    }

    private static String onnxTypeName(int code) {
        OnnxMl.TensorProto.DataType t = OnnxMl.TensorProto.DataType.forNumber(code);
        return t == null ? "not an ONNX type" : t.name().toLowerCase(java.util.Locale.ROOT);
    }

    private Node node(OnnxMl.NodeProto n, String where) {
        String label = where + "node '" + n.getName() + "' (" + n.getOpType() + ")";
        List<Attribute> attributes = new ArrayList<>();
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            Attribute converted = attribute(a, label + " attribute '" + a.getName() + "'", where);
            if (converted != null) {
                attributes.add(converted);
            }
        }
        Map<String, Attribute> byName = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            if (byName.put(a.name(), a) != null) {
                problems.add(label + " has attribute '" + a.name() + "' twice");
            }
        }
        return new Node(n.getName(), n.getOpType(), n.getDomain(), n.getInputList(), n.getOutputList(), byName);
    }

    private Attribute attribute(OnnxMl.AttributeProto a, String what, String where) {
        String name = a.getName();
        OnnxMl.AttributeProto.AttributeType kind = a.hasType() ? a.getType() : inferKind(a);
        String inner = where + what + ": ";
        return switch (kind) {
            case FLOAT -> Attribute.of(name, a.getF());
            case INT -> Attribute.of(name, a.getI());
            case STRING -> Attribute.of(name, a.getS().toStringUtf8());
            case TENSOR -> {
                TensorData t = tensor(a.getT(), what);
                yield t == null ? null : Attribute.of(name, t);
            }
            case GRAPH -> Attribute.of(name, graph(a.getG(), inner));
            case FLOATS -> Attribute.ofFloats(name, toFloatArray(a.getFloatsList()));
            case INTS -> Attribute.ofInts(name, a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            case STRINGS -> Attribute.ofStrings(name, a.getStringsList().stream().map(OnnxFormat::utf8).toList());
            case TENSORS -> {
                List<TensorData> ts = new ArrayList<>();
                for (int i = 0; i < a.getTensorsCount(); i++) {
                    TensorData t = tensor(a.getTensors(i), what + "[" + i + "]");
                    if (t != null) {
                        ts.add(t);
                    }
                }
                yield Attribute.ofTensors(name, ts);
            }
            case GRAPHS -> Attribute.ofGraphs(name, a.getGraphsList().stream().map(g -> graph(g, inner)).toList());
            default -> {
                problems.add(what + " is of kind " + kind + ", which RSR does not support");
                yield null;
            }
        };
    }

    /** Files written before IR version 2 may omit the attribute type; infer it from the field that is set. */
    private static OnnxMl.AttributeProto.AttributeType inferKind(OnnxMl.AttributeProto a) {
        if (a.hasF()) return OnnxMl.AttributeProto.AttributeType.FLOAT;
        if (a.hasI()) return OnnxMl.AttributeProto.AttributeType.INT;
        if (a.hasS()) return OnnxMl.AttributeProto.AttributeType.STRING;
        if (a.hasT()) return OnnxMl.AttributeProto.AttributeType.TENSOR;
        if (a.hasG()) return OnnxMl.AttributeProto.AttributeType.GRAPH;
        if (a.getFloatsCount() > 0) return OnnxMl.AttributeProto.AttributeType.FLOATS;
        if (a.getIntsCount() > 0) return OnnxMl.AttributeProto.AttributeType.INTS;
        if (a.getStringsCount() > 0) return OnnxMl.AttributeProto.AttributeType.STRINGS;
        if (a.getTensorsCount() > 0) return OnnxMl.AttributeProto.AttributeType.TENSORS;
        if (a.getGraphsCount() > 0) return OnnxMl.AttributeProto.AttributeType.GRAPHS;
        return OnnxMl.AttributeProto.AttributeType.UNDEFINED;
    }

    private static float[] toFloatArray(List<Float> list) {
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    /** Decodes a tensor from whichever field holds its data; null (with a problem recorded) when it cannot. */
    TensorData tensor(OnnxMl.TensorProto t, String what) {
        if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            String location = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                    .map(OnnxMl.StringStringEntryProto::getValue).findFirst().orElse("?");
            problems.add(what + " keeps its data in an external file ('" + location + "'); RSR reads self-contained "
                    + "models only: re-save the model with all tensors inside it (onnx.save(model, path, save_as_external_data=False))");
            return null;
        }
        if (t.hasSegment()) {
            problems.add(what + " is a segment of a split tensor, which RSR does not support");
            return null;
        }
        DataType type = dataType(t.getDataType(), what);
        if (type == null) {
            return null;
        }
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long expected;
        try {
            expected = TensorData.elementCount(shape);
        } catch (IllegalArgumentException | ArithmeticException e) {
            problems.add(what + " has an invalid shape: " + e.getMessage());
            return null;
        }
        ByteBuffer bytes;
        long actual;
        if (t.hasRawData()) {
            bytes = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            actual = bytes.remaining() / type.byteSize();
            if (bytes.remaining() % type.byteSize() != 0) {
                problems.add(what + " has " + bytes.remaining() + " bytes of raw data, not a multiple of "
                        + type.byteSize() + " (" + type.onnxName() + ")");
                return null;
            }
        } else {
            actual = typedCount(t, type);
            bytes = actual == expected ? typedToBytes(t, type, (int) actual) : null;
        }
        if (actual != expected) {
            problems.add(what + " declares shape " + Shape.format(shape) + " (" + expected + " elements of "
                    + type.onnxName() + ") but holds " + actual + " elements");
            return null;
        }
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(bytes.duplicate()).flip();
        return TensorData.wrapRaw(type, shape, copy);
    }

    private static long typedCount(OnnxMl.TensorProto t, DataType type) {
        return switch (type) {
            case FLOAT -> t.getFloatDataCount();
            case DOUBLE -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            default -> t.getInt32DataCount();
        };
    }

    private static ByteBuffer typedToBytes(OnnxMl.TensorProto t, DataType type, int count) {
        ByteBuffer b = ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            switch (type) {
                case FLOAT -> b.putFloat(t.getFloatData(i));
                case DOUBLE -> b.putDouble(t.getDoubleData(i));
                case INT64 -> b.putLong(t.getInt64Data(i));
                case UINT64 -> b.putLong(t.getUint64Data(i));
                case UINT32 -> b.putInt((int) t.getUint64Data(i));
                case INT32 -> b.putInt(t.getInt32Data(i));
                // Narrow types (and float16/bfloat16 bit patterns) travel in int32_data, one per element.
                case INT16, UINT16, FLOAT16, BFLOAT16 -> b.putShort((short) t.getInt32Data(i));
                case INT8, UINT8, BOOL -> b.put((byte) t.getInt32Data(i));
            }
        }
        return b.flip();
    }
}
