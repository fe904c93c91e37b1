package dev.rsr.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.ModelException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphValidatorTest {
    private static final ValueInfo X = new ValueInfo("x", DataType.FLOAT, Shape.of(Dim.symbolic("batch"), Dim.of(4)));
    private static final ValueInfo Y = new ValueInfo("y", DataType.FLOAT, Shape.of(Dim.symbolic("batch"), Dim.of(4)));

    private static ModelGraph model(List<Node> nodes, List<ValueInfo> outputs) {
        Graph g = new Graph("g", List.of(X), outputs, Map.of("w", TensorData.ofFloats(new long[] {4}, 1, 2, 3, 4)), nodes,
                List.of(), "");
        return new ModelGraph(g, ModelMetadata.rsrDefaults());
    }

    private static Node node(String name, String op, List<String> in, String out) {
        return new Node(name, op, in, List.of(out), List.of());
    }

    @Test
    void acceptsAValidGraph() {
        ModelGraph m = model(List.of(node("add", "Add", List.of("x", "w"), "h"), node("relu", "Relu", List.of("h"), "y")),
                List.of(Y));
        assertEquals(List.of(), m.problems());
        assertEquals(4, m.parameterCount());
    }

    @Test
    void reportsNodesOutOfTopologicalOrder() {
        ModelGraph m = model(List.of(node("relu", "Relu", List.of("h"), "y"), node("add", "Add", List.of("x", "w"), "h")),
                List.of(Y));
        List<String> problems = m.problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("node 'relu' (Relu) reads 'h' before node 'add' (Add) produces it"), problems.get(0));
        assertTrue(problems.get(0).contains("topological order"));
    }

    @Test
    void reportsUndefinedInputsAndOutputs() {
        ModelGraph m = model(List.of(node("add", "Add", List.of("x", "nowhere"), "h")), List.of(Y));
        List<String> problems = m.problems();
        assertTrue(problems.contains("node 'add' (Add) reads 'nowhere', which no graph input, initializer or earlier node defines"),
                problems.toString());
        assertTrue(problems.contains("graph output 'y' is never produced"), problems.toString());
    }

    @Test
    void reportsDuplicateNamesAndValues() {
        ModelGraph m = model(List.of(node("a", "Relu", List.of("x"), "y"), node("a", "Relu", List.of("x"), "y")), List.of(Y));
        List<String> problems = m.problems();
        assertTrue(problems.contains("node name 'a' is used by more than one node"), problems.toString());
        assertTrue(problems.contains("value 'y' is produced by node 'a' (Relu) and again by node 'a' (Relu)"), problems.toString());
    }

    @Test
    void reportsUnknownOpsAndMissingOpset() {
        Graph g = new Graph("g", List.of(X), List.of(Y), Map.of(), List.of(node("f", "Frobnicate", List.of("x"), "y")),
                List.of(), "");
        ModelGraph m = new ModelGraph(g, new ModelMetadata(8, Map.of(), "", "", 0, "", Map.of(), Map.of()));
        List<String> problems = m.problems();
        assertTrue(problems.contains("node 'f' (Frobnicate) uses op 'Frobnicate', which is not an ONNX operator"), problems.toString());
        assertTrue(problems.get(0).contains("imports no opset"), problems.toString());
        ModelException e = assertThrows(ModelException.class, m::validate);
        assertEquals(2, e.problems().size());
        assertTrue(e.getMessage().startsWith("model 'g' is invalid: 2 problems: "), e.getMessage());
    }

    @Test
    void customDomainOpsAreNotCheckedAgainstOnnx() {
        Node custom = new Node("c", "MyOp", "com.example", List.of("x"), List.of("y"), Map.of());
        assertEquals(List.of(), model(List.of(custom), List.of(Y)).problems());
    }

    @Test
    void subgraphsSeeTheOuterScope() {
        Graph thenBranch = new Graph("then", List.of(), List.of(Y), Map.of(), List.of(node("inner", "Relu", List.of("x"), "y")),
                List.of(), "");
        Graph brokenBranch = new Graph("else", List.of(), List.of(Y), Map.of(),
                List.of(node("inner2", "Relu", List.of("missing"), "y")), List.of(), "");
        Node ifNode = new Node("if", "If", List.of("cond"), List.of("y"),
                List.of(Attribute.of("then_branch", thenBranch), Attribute.of("else_branch", brokenBranch)));
        Graph g = new Graph("g", List.of(X, new ValueInfo("cond", DataType.BOOL, Shape.fixed())), List.of(Y), Map.of(),
                List.of(ifNode), List.of(), "");
        List<String> problems = new ModelGraph(g, ModelMetadata.rsrDefaults()).problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("attribute 'else_branch'") && problems.get(0).contains("reads 'missing'"),
                problems.get(0));
    }

    @Test
    void withInitializersKeepsShapesAndTypes() {
        ModelGraph m = model(List.of(node("add", "Add", List.of("x", "w"), "y")), List.of(Y));
        ModelGraph refined = m.withInitializers(Map.of("w", TensorData.ofFloats(new long[] {4}, 5, 6, 7, 8)));
        assertEquals(8f, refined.graph().initializers().get("w").floats()[3]);
        assertThrows(IllegalArgumentException.class,
                () -> m.withInitializers(Map.of("w", TensorData.ofFloats(new long[] {2}, 5, 6))));
        assertThrows(IllegalArgumentException.class,
                () -> m.withInitializers(Map.of("nope", TensorData.ofFloats(new long[] {4}, 5, 6, 7, 8))));
    }
}
