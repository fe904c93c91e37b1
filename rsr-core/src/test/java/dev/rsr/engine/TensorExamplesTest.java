package dev.rsr.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.DataException;
import dev.rsr.error.ModelException;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Dim;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.builder.GraphBuilder;
import dev.rsr.training.Batch;
import dev.rsr.zoo.Mlp;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TensorExamplesTest {
    private static Map<String, TensorData> example(float a, long b) {
        return Map.of("x", TensorData.ofFloats(new long[] {2}, a, a + 1), "n", TensorData.ofLongs(new long[] {1}, b));
    }

    @Test
    void batchesStackTheExamplesInTheOrderAsked() {
        TensorExamples data = new TensorExamples(List.of(example(0, 10), example(2, 20), example(4, 30)), new long[] {0, 1, 2});
        Batch b = data.batch(new int[] {2, 0});
        assertArrayEquals(new long[] {2, 2}, b.inputs().get("x").shape());
        assertArrayEquals(new float[] {4, 5, 0, 1}, b.inputs().get("x").floats());
        assertArrayEquals(new long[] {30, 10}, b.inputs().get("n").longs());
        assertArrayEquals(new long[] {2, 0}, b.targets().longs());
        List<Batch> inOrder = data.inOrder(2);
        assertEquals(2, inOrder.size());
        assertEquals(1, inOrder.get(1).size());
    }

    @Test
    void examplesOfDifferentShapesAreRefused() {
        Map<String, TensorData> odd = Map.of("x", TensorData.ofFloats(new long[] {3}, 1, 2, 3), "n", TensorData.ofLongs(new long[] {1}, 1));
        DataException e = assertThrows(DataException.class,
                () -> new TensorExamples(List.of(example(0, 1), odd), new long[] {0, 1}));
        assertTrue(e.getMessage().contains("example 1 input 'x'"), e.getMessage());
        assertThrows(DataException.class, () -> new TensorExamples(List.of(example(0, 1)), new long[] {0, 1}));
    }

    @Test
    void shuffledBatchesCoverEveryExampleOncePerEpochAndRepeatBySeed() {
        List<Map<String, TensorData>> rows = new java.util.ArrayList<>();
        long[] classes = new long[10];
        for (int i = 0; i < 10; i++) {
            rows.add(Map.of("x", TensorData.ofFloats(new long[] {1}, i)));
            classes[i] = i % 2;
        }
        TensorExamples data = new TensorExamples(rows, classes);
        ShuffledBatches a = new ShuffledBatches(data, 5, 3), b = new ShuffledBatches(data, 5, 3);
        Set<Float> seen = new HashSet<>();
        for (int k = 0; k < 2; k++) {
            Batch x = a.next(), y = b.next();
            assertArrayEquals(x.inputs().get("x").floats(), y.inputs().get("x").floats());
            for (float v : x.inputs().get("x").floats()) {
                seen.add(v);
            }
        }
        assertEquals(10, seen.size());
        assertEquals(0, a.epoch());
        a.next();
        assertEquals(1, a.epoch());
        assertEquals(2, a.batchesPerEpoch());
    }

    @Test
    void theLogitsOutputIsTheOnlyFloatBatchByClassesOutputOrTheNamedOne() {
        ModelGraph mlp = new Mlp(3, List.of(), 2, 1).build(); // logits and probabilities, both float[batch, 2]
        ModelException ambiguous = assertThrows(ModelException.class, () -> ClassifierOutput.of(mlp, null));
        assertTrue(ambiguous.getMessage().contains("2 float outputs of shape [batch, classes]"), ambiguous.getMessage());
        assertEquals(new ClassifierOutput("logits", 2), ClassifierOutput.of(mlp, "logits"));
        ModelException unknown = assertThrows(ModelException.class, () -> ClassifierOutput.of(mlp, "scores"));
        assertTrue(unknown.getMessage().contains("no output 'scores'"), unknown.getMessage());

        GraphBuilder g = new GraphBuilder("fixed", 1);
        String x = g.input("x", DataType.FLOAT, Dim.of(4), Dim.of(3));
        g.output(g.dense("d", x, 3, 5), "y", DataType.FLOAT, Dim.of(4), Dim.of(5));
        ModelGraph fixed = g.build();
        assertEquals(new ClassifierOutput("y", 5), ClassifierOutput.of(fixed, null));
        ModelGraph free = ClassifierOutput.batchFirst(fixed);
        assertFalse(free.graph().input("x").orElseThrow().shape().dim(0).isFixed());
        assertFalse(free.graph().output("y").orElseThrow().shape().dim(0).isFixed());
        assertEquals(3, free.graph().input("x").orElseThrow().shape().dim(1).size());
        assertSame(mlp, ClassifierOutput.batchFirst(mlp));
    }

    @Test
    void softmaxRowsSumToOne() {
        TensorData p = Classification.softmax(TensorData.ofFloats(new long[] {2, 3}, 1, 2, 3, 1000, 0, -1000));
        assertEquals(1.0, p.floats()[0] + p.floats()[1] + p.floats()[2], 1e-6);
        assertEquals(1.0, p.floats()[3], 1e-6);
        assertEquals(Math.exp(1) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), p.floats()[0], 1e-6);
    }
}
