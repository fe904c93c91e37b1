package dev.rsr.tensorflow;

import dev.rsr.ir.Graph;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.ModelMetadata;
import dev.rsr.ir.Node;
import dev.rsr.ir.TensorData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Models with their parameters renamed, as an exporter that names nothing would leave them. */
final class Renaming {
    private Renaming() {
    }

    /** The model with initializers renamed by {@code rename}, every use renamed too, and no parameter groups. */
    static ModelGraph renameInitializers(ModelGraph model, Map<String, String> rename) {
        Graph g = model.graph();
        Map<String, TensorData> init = new LinkedHashMap<>();
        g.initializers().forEach((k, v) -> init.put(rename.getOrDefault(k, k), v));
        List<Node> nodes = g.nodes().stream().map(n -> new Node(n.name(), n.opType(), n.domain(),
                n.inputs().stream().map(i -> rename.getOrDefault(i, i)).toList(), n.outputs(), n.attributes())).toList();
        ModelMetadata m = model.metadata();
        return new ModelGraph(new Graph(g.name(), g.inputs(), g.outputs(), init, nodes, g.valueInfos(), g.docString()),
                new ModelMetadata(m.irVersion(), m.opsetImports(), m.producerName(), m.producerVersion(), m.modelVersion(), m.docString(),
                        m.properties(), Map.of()));
    }
}
