package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.ir.DataType;
import dev.rsr.ir.Graph;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.ModelMetadata;
import dev.rsr.ir.Node;
import dev.rsr.ir.Shape;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Training-mode Dropout judged by its distribution: plausible draws pass, implausible ones are named. */
class TrainingDropoutTest {
    private static final int N = 2000;
    private static final ModelGraph DROPOUT = model("Dropout");
    private static final float[] X = new float[N];

    static {
        Random random = new Random(7);
        for (int i = 0; i < N; i++) {
            X[i] = (float) random.nextGaussian();
        }
    }

    private static ModelGraph model(String op) {
        List<ValueInfo> in = List.of(new ValueInfo("x", DataType.FLOAT, Shape.fixed(N)), new ValueInfo("r", DataType.FLOAT, Shape.fixed()),
                new ValueInfo("t", DataType.BOOL, Shape.fixed()));
        List<ValueInfo> out = List.of(new ValueInfo("y", DataType.FLOAT, Shape.fixed(N)), new ValueInfo("m", DataType.BOOL, Shape.fixed(N)));
        Node node = new Node("d", op, List.of("x", "r", "t"), List.of("y", "m"), List.of());
        return new ModelGraph(new Graph("g", in, out, Map.of(), List.of(node), List.of(), ""), ModelMetadata.rsrDefaults());
    }

    private static Map<String, TensorData> inputs(float ratio, boolean training) {
        return Map.of("x", TensorData.ofFloats(new long[] {N}, X), "r", TensorData.scalarFloat(ratio), "t",
                TensorData.ofBools(new long[0], training));
    }

    /** Keeps element i when keep[i], scaled as Dropout does; the mask says which. */
    private static Map<String, TensorData> outputs(float ratio, boolean[] keep, float scale) {
        float[] y = new float[N];
        for (int i = 0; i < N; i++) {
            y[i] = keep[i] ? X[i] * scale / (1 - ratio) : 0;
        }
        return Map.of("y", TensorData.ofFloats(new long[] {N}, y), "m", TensorData.ofBools(new long[] {N}, keep));
    }

    private static boolean[] keepEach(double probability, long seed) {
        Random random = new Random(seed);
        boolean[] keep = new boolean[N];
        for (int i = 0; i < N; i++) {
            keep[i] = random.nextDouble() < probability;
        }
        return keep;
    }

    @Test
    void aFairDrawPassesWhateverItsSeed() {
        for (long seed = 0; seed < 20; seed++) {
            assertTrue(TrainingDropout.appliesTo(DROPOUT, inputs(0.25f, true)));
            String wrong = TrainingDropout.check(DROPOUT, inputs(0.25f, true), outputs(0.25f, keepEach(0.75, seed), 1));
            assertNull(wrong, "seed " + seed + ": " + wrong);
        }
    }

    @Test
    void aDrawThatKeepsTooManyOrScalesWronglyOrLiesInItsMaskFails() {
        String tooMany = TrainingDropout.check(DROPOUT, inputs(0.5f, true), outputs(0.5f, keepEach(0.75, 1), 1));
        assertTrue(String.valueOf(tooMany).contains("elements kept, expected 1000"), tooMany);

        String unscaled = TrainingDropout.check(DROPOUT, inputs(0.5f, true), outputs(0.5f, keepEach(0.5, 1), 0.5f));
        assertTrue(String.valueOf(unscaled).contains("neither 0 nor x/(1 - ratio)"), unscaled);

        Map<String, TensorData> lying = new java.util.HashMap<>(outputs(0.5f, keepEach(0.5, 1), 1));
        lying.put("m", TensorData.ofBools(new long[] {N}, keepEach(0.5, 2)));
        assertTrue(String.valueOf(TrainingDropout.check(DROPOUT, inputs(0.5f, true), lying)).startsWith("mask element"));
    }

    @Test
    void otherModelsAndInferenceModeAreComparedExactlyInstead() {
        assertFalse(TrainingDropout.appliesTo(DROPOUT, inputs(0.5f, false)));
        assertFalse(TrainingDropout.appliesTo(model("Identity"), inputs(0.5f, true)));
    }
}
