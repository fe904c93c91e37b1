package dev.rsr.tensorflow.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.builder.GraphBuilder;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Dim;
import dev.rsr.tensorflow.compiler.CompiledModel;
import dev.rsr.tensorflow.compiler.ConverterRegistry;
import dev.rsr.tensorflow.compiler.GraphCompiler;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.OptimizerSpec;
import dev.rsr.training.Statistic;
import dev.rsr.training.StepPlan;
import dev.rsr.training.TaskModule;
import dev.rsr.training.TrainingSpec;
import dev.rsr.zoo.TextClassifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Lazy updates of embedding tables: only the rows a batch gathers move, exactly as dense training moves them. */
class SparseTablesTest {
    private static final TextClassifier MODEL = new TextClassifier(50, 8, 1, 2, 16, 8, 2, 3);
    private static final String TABLE = "embeddings.token.weight";
    private static final int WIDTH = 8;

    /** Every example uses only token ids from {@code ids}, so the other rows of the table get no gradient. */
    private static Batch batch(long[] ids, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int n = 6, length = 5;
        long[] tokens = new long[n * length];
        long[] mask = new long[n * length];
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(2);
            for (int j = 0; j < length; j++) {
                tokens[i * length + j] = ids[r.nextInt(ids.length)];
                mask[i * length + j] = 1;
            }
        }
        return new Batch(Map.of(TextClassifier.INPUT_IDS, TensorData.ofLongs(new long[] {n, length}, tokens),
                TextClassifier.ATTENTION_MASK, TensorData.ofLongs(new long[] {n, length}, mask)), TensorData.ofLongs(new long[] {n}, labels));
    }

    private static TensorFlowTrainingSession open(ModelGraph m, OptimizerSpec optimizer, boolean multipliers, long sparseFrom) {
        return new TensorFlowTrainingSession(m, TrainingSpec.builder(LossSpec.classification(), TaskModule.fromParameterGroups(m))
                .optimizer(optimizer).updateMultipliers(multipliers).statistics(Set.of(Statistic.SQUARED_GRADIENT, Statistic.SALIENCY), 0.9)
                .moduleSignals(true).threads(1).sparseTablesFrom(sparseFrom).build());
    }

    private static float[] row(float[] table, long id) {
        return java.util.Arrays.copyOfRange(table, (int) id * WIDTH, (int) (id + 1) * WIDTH);
    }

    /**
     * Three steps on batches over the same rows: lazy and dense updates agree everywhere (every
     * touched row is touched every step). A fourth step on other rows: dense Adam or momentum
     * carries the earlier rows on, the lazy update leaves them where they were and moves the new
     * rows as dense does. Rows never gathered stay at their initial values in both.
     */
    @ParameterizedTest(name = "{0}, multipliers {1}")
    @CsvSource({"adam, false", "adam, true", "momentum, false", "momentum, true"})
    void onlyGatheredRowsMoveAndTheyMoveAsDenseTrainingMovesThem(String optimizer, boolean multipliers) {
        ModelGraph m = MODEL.build();
        OptimizerSpec o = optimizer.equals("adam") ? OptimizerSpec.adam() : OptimizerSpec.sgdMomentum(0.9);
        long[] early = {3, 7, 11, 12}, late = {20, 21};
        try (TensorFlowTrainingSession dense = open(m, o, multipliers, TrainingSpec.NO_SPARSE_TABLES);
             TensorFlowTrainingSession lazy = open(m, o, multipliers, 1)) {
            float[] initial = lazy.values(List.of(TABLE)).get(TABLE).floats();
            for (int step = 0; step < 3; step++) {
                Batch b = batch(early, step);
                assertArrayEquals(dense.gradients(b, List.of(TABLE)).get(TABLE).floats(), lazy.gradients(b, List.of(TABLE)).get(TABLE).floats(),
                        1e-5f, "the whole gradient read from a lazy table"); // rows summed in another order
                assertTrue(dense.step(b, StepPlan.all(dense.modules(), 0.01)).applied());
                assertTrue(lazy.step(b, StepPlan.all(lazy.modules(), 0.01)).applied());
            }
            // The table, and the layers it feeds. (Not the attention's key bias: softmax cancels it,
            // its gradient is rounding noise, and Adam turns noise of either sign into full steps.)
            List<String> compared = allParameters(dense).stream().filter(p -> !p.endsWith(".k.bias")).toList();
            Map<String, TensorData> denseValues = dense.values(compared), lazyValues = lazy.values(compared);
            denseValues.forEach((p, v) -> assertArrayEquals(v.floats(), lazyValues.get(p).floats(), 1e-5f, p + " after three steps"));
            for (Statistic s : List.of(Statistic.SQUARED_GRADIENT, Statistic.SALIENCY)) {
                assertArrayEquals(dense.statistics(s, List.of(TABLE)).get(TABLE).floats(), lazy.statistics(s, List.of(TABLE)).get(TABLE).floats(),
                        1e-5f, s + " of the table");
            }

            float[] denseBefore = dense.values(List.of(TABLE)).get(TABLE).floats();
            float[] lazyBefore = lazy.values(List.of(TABLE)).get(TABLE).floats();
            Batch b = batch(late, 9);
            dense.step(b, StepPlan.all(dense.modules(), 0.01));
            lazy.step(b, StepPlan.all(lazy.modules(), 0.01));
            float[] denseAfter = dense.values(List.of(TABLE)).get(TABLE).floats();
            float[] lazyAfter = lazy.values(List.of(TABLE)).get(TABLE).floats();
            for (long id : early) {
                assertArrayEquals(row(lazyBefore, id), row(lazyAfter, id), "lazy: row " + id + " was not gathered and moved");
                assertFalse(java.util.Arrays.equals(row(denseBefore, id), row(denseAfter, id)), "dense: row " + id + " should coast on");
            }
            // Rows first gathered now: same gradient, zero slots in both, so the same first step.
            for (long id : late) {
                assertArrayEquals(row(denseAfter, id), row(lazyAfter, id), 1e-6f, "row " + id + " gathered for the first time");
            }
            for (long id = 0; id < MODEL.vocabSize(); id++) {
                if (!contains(early, id) && !contains(late, id)) {
                    assertArrayEquals(row(initial, id), row(lazyAfter, id), "lazy: never-gathered row " + id);
                    assertArrayEquals(row(initial, id), row(denseAfter, id), "dense: never-gathered row " + id);
                }
            }
        }
    }

    /** A mask set on the table after some steps freezes its rows under the lazy update too. */
    @Test
    void aMaskFreezesRowsOfALazyTable() {
        ModelGraph m = MODEL.build();
        long[] ids = {1, 2, 3};
        try (TensorFlowTrainingSession lazy = open(m, OptimizerSpec.adam(), true, 1)) {
            for (int step = 0; step < 2; step++) {
                lazy.step(batch(ids, step), StepPlan.all(lazy.modules(), 0.01));
            }
            float[] mask = new float[MODEL.vocabSize() * WIDTH];
            java.util.Arrays.fill(mask, 1f);
            java.util.Arrays.fill(mask, 2 * WIDTH, 3 * WIDTH, 0f); // row 2 frozen
            lazy.setUpdateMultipliers(Map.of(TABLE, TensorData.ofFloats(new long[] {MODEL.vocabSize(), WIDTH}, mask)));
            float[] before = lazy.values(List.of(TABLE)).get(TABLE).floats();
            lazy.step(batch(ids, 5), StepPlan.all(lazy.modules(), 0.01));
            float[] after = lazy.values(List.of(TABLE)).get(TABLE).floats();
            assertArrayEquals(row(before, 2), row(after, 2), "masked row moved");
            assertNotEquals(row(before, 1)[0], row(after, 1)[0], "unmasked gathered row did not move");
        }
    }

    @Test
    void onlyTablesReadSolelyByRowGathersAreLazy() {
        GraphBuilder b = new GraphBuilder("tied", 1);
        String ids = b.input("ids", DataType.INT64, Dim.symbolic("batch"));
        String table = b.embedding("emb", ids, 10, 4);
        String tiedTable = b.parameter("tied.weight", TensorData.ofFloats(new long[] {10, 4}, new float[40]));
        String tiedRows = b.op("tied.gather", "Gather", List.of(tiedTable, ids), dev.rsr.ir.Attribute.of("axis", 0L));
        String logits = b.op("tied.logits", "MatMul", List.of(b.op("sum", "Add", List.of(table, tiedRows)),
                b.op("tied.t", "Transpose", List.of(tiedTable), dev.rsr.ir.Attribute.ofInts("perm", 1, 0))));
        b.output(logits, "logits", DataType.FLOAT, Dim.symbolic("batch"), Dim.of(10));
        ModelGraph m = b.build();
        Set<String> trainable = new HashSet<>(m.graph().initializers().keySet());
        try (CompiledModel c = new GraphCompiler(ConverterRegistry.discover()).compile(m, trainable::contains)) {
            assertEquals(Set.of("emb.weight"), SparseTables.find(c, trainable, 1).keySet());
            assertEquals(Set.of(), SparseTables.find(c, trainable, 41).keySet(), "a table under the size stays dense");
        }
        ModelGraph zoo = MODEL.build();
        Set<String> all = new HashSet<>(zoo.graph().initializers().keySet());
        try (CompiledModel c = new GraphCompiler(ConverterRegistry.discover()).compile(zoo, all::contains)) {
            // The position table is sliced, not gathered: dense.
            assertEquals(Set.of(TABLE), SparseTables.find(c, all, 1).keySet());
        }
    }

    private static List<String> allParameters(TensorFlowTrainingSession s) {
        List<String> names = new ArrayList<>();
        s.modules().forEach(mod -> names.addAll(mod.parameters()));
        return names;
    }

    private static boolean contains(long[] xs, long x) {
        return java.util.Arrays.stream(xs).anyMatch(v -> v == x);
    }
}
