package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.ConfigurationException;
import dev.rsr.error.DataException;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.onnx.OrtInferenceBackend;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.OptimizerSpec;
import dev.rsr.training.StepPlan;
import dev.rsr.training.TaskModule;
import dev.rsr.training.TrainingSession;
import dev.rsr.training.TrainingSpec;
import dev.rsr.zoo.Mlp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingSessionTest {
    private static final Mlp MLP = new Mlp(6, List.of(16), 3, 5);

    /** Three Gaussian clusters in 6-D: learnable to near 100 %. */
    static Batch clusters(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 6];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            y[i] = c;
            for (int j = 0; j < 6; j++) {
                x[i * 6 + j] = (float) (r.nextGaussian() * 0.5 + (j % 3 == c ? 2 : 0));
            }
        }
        return new Batch(Map.of(Mlp.INPUT, TensorData.ofFloats(new long[] {n, 6}, x)), TensorData.ofLongs(new long[] {n}, y));
    }

    static TrainingSpec spec(ModelGraph m, OptimizerSpec optimizer, boolean multipliers) {
        return new TrainingSpec(LossSpec.classification(), optimizer, TaskModule.fromParameterGroups(m), multipliers, 1);
    }

    static double accuracy(Map<String, TensorData> outputs, TensorData labels) {
        float[] p = outputs.get("probabilities").floats();
        long[] y = labels.longs();
        int classes = p.length / y.length, correct = 0;
        for (int i = 0; i < y.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (p[i * classes + c] > p[i * classes + best]) {
                    best = c;
                }
            }
            correct += best == y[i] ? 1 : 0;
        }
        return correct / (double) y.length;
    }

    @Test
    void adamLearnsAndTheExportedModelServesTheSamePredictions() {
        ModelGraph m = MLP.build();
        Batch eval = clusters(200, 99);
        try (TrainingSession s = new TensorFlowTrainingBackend().open(m, spec(m, OptimizerSpec.adam(), false))) {
            double before = s.evaluate(eval).loss();
            for (int step = 0; step < 150; step++) {
                s.step(clusters(32, step), StepPlan.all(s.modules(), 0.01));
            }
            TrainingSession.Evaluation after = s.evaluate(eval);
            assertTrue(after.loss() < before / 4, "loss " + before + " -> " + after.loss());
            assertTrue(accuracy(after.outputs(), eval.targets()) > 0.95, "accuracy " + accuracy(after.outputs(), eval.targets()));

            ModelGraph refined = s.export();
            assertNotEquals(m.graph().initializers().get("head.weight"), refined.graph().initializers().get("head.weight"));
            try (Predictor ort = new OrtInferenceBackend().open(refined, InferenceOptions.defaults())) {
                float[] served = ort.predict(eval.inputs()).get("probabilities").floats();
                assertArrayEquals(after.outputs().get("probabilities").floats(), served, 1e-5f);
            }
        }
    }

    @Test
    void adamStepFollowsTheUpdateRule() {
        ModelGraph m = MLP.build();
        Batch b = clusters(16, 1);
        double lr = 0.05;
        OptimizerSpec adam = OptimizerSpec.adam();
        try (TrainingSession s = new TensorFlowTrainingBackend().open(m, spec(m, adam, false))) {
            float[] w0 = s.values(List.of("head.weight")).get("head.weight").floats();
            float[] g = s.gradients(b, List.of("head.weight")).get("head.weight").floats();
            s.step(b, StepPlan.all(s.modules(), lr));
            float[] w1 = s.values(List.of("head.weight")).get("head.weight").floats();
            double lrT = lr * Math.sqrt(1 - adam.beta2()) / (1 - adam.beta1());
            for (int i = 0; i < g.length; i++) {
                double mHat = (1 - adam.beta1()) * g[i];
                double v = (1 - adam.beta2()) * g[i] * g[i];
                assertEquals(w0[i] - lrT * mHat / (Math.sqrt(v) + adam.epsilon()), w1[i], 1e-5, "element " + i);
            }
        }
    }

    @Test
    void sgdMomentumStepFollowsTheUpdateRule() {
        ModelGraph m = MLP.build();
        Batch b = clusters(16, 2);
        try (TrainingSession s = new TensorFlowTrainingBackend().open(m, spec(m, OptimizerSpec.sgdMomentum(0.9), false))) {
            float[] w0 = s.values(List.of("layer1.bias")).get("layer1.bias").floats();
            float[] g1 = s.gradients(b, List.of("layer1.bias")).get("layer1.bias").floats();
            s.step(b, StepPlan.all(s.modules(), 0.1));
            float[] w1 = s.values(List.of("layer1.bias")).get("layer1.bias").floats();
            float[] g2 = s.gradients(b, List.of("layer1.bias")).get("layer1.bias").floats();
            s.step(b, StepPlan.all(s.modules(), 0.1));
            float[] w2 = s.values(List.of("layer1.bias")).get("layer1.bias").floats();
            for (int i = 0; i < w0.length; i++) {
                assertEquals(w0[i] - 0.1 * g1[i], w1[i], 1e-6);
                assertEquals(w1[i] - 0.1 * (0.9 * g1[i] + g2[i]), w2[i], 1e-6);
            }
        }
    }

    @Test
    void onlyActiveModulesChangeAndMasksFreezeElements() {
        ModelGraph m = MLP.build();
        Batch b = clusters(32, 3);
        try (TrainingSession s = new TensorFlowTrainingBackend().open(m, spec(m, OptimizerSpec.adam(), true))) {
            Map<String, TensorData> before = s.values(List.of("layer1.weight", "head.weight"));
            float[] grad = s.gradients(b, List.of("head.weight")).get("head.weight").floats();
            float[] mask = new float[16 * 3];
            for (int i = 0; i < mask.length; i += 2) {
                mask[i] = 1;
            }
            s.setGradientMultiplier("head.weight", TensorData.ofFloats(new long[] {16, 3}, mask));
            s.step(b, new StepPlan(Set.of("head"), Map.of("head", 0.01)));
            Map<String, TensorData> after = s.values(List.of("layer1.weight", "head.weight"));
            assertEquals(before.get("layer1.weight"), after.get("layer1.weight"), "inactive module changed");
            float[] h0 = before.get("head.weight").floats(), h1 = after.get("head.weight").floats();
            for (int i = 0; i < h0.length; i++) {
                if (mask[i] == 0) {
                    assertEquals(h0[i], h1[i], "masked element " + i + " changed");
                } else if (grad[i] != 0) {
                    assertNotEquals(h0[i], h1[i], "unmasked element " + i + " with gradient " + grad[i] + " did not change");
                }
            }
            s.step(b, new StepPlan(Set.of("layer1"), Map.of("layer1", 0.01)));
            assertNotEquals(after.get("layer1.weight"), s.values(List.of("layer1.weight")).get("layer1.weight"));
        }
    }

    @Test
    void aRestoredCheckpointContinuesExactly(@TempDir Path dir) {
        ModelGraph m = MLP.build();
        Path ckpt = dir.resolve("run.ckpt");
        float[] continued;
        try (TrainingSession s = new TensorFlowTrainingBackend().open(m, spec(m, OptimizerSpec.adam(), true))) {
            for (int i = 0; i < 5; i++) {
                s.step(clusters(16, i), StepPlan.all(s.modules(), 0.01));
            }
            s.saveCheckpoint(ckpt);
            for (int i = 5; i < 8; i++) {
                s.step(clusters(16, i), StepPlan.all(s.modules(), 0.01));
            }
            continued = s.values(List.of("layer1.weight")).get("layer1.weight").floats();
        }
        try (TrainingSession s = new TensorFlowTrainingBackend().open(m, spec(m, OptimizerSpec.adam(), true))) {
            s.restoreCheckpoint(ckpt);
            for (int i = 5; i < 8; i++) {
                s.step(clusters(16, i), StepPlan.all(s.modules(), 0.01));
            }
            assertArrayEquals(continued, s.values(List.of("layer1.weight")).get("layer1.weight").floats(), 1e-6f);
        }
    }

    @Test
    void meanSquaredErrorTrains() {
        ModelGraph m = new Mlp(4, List.of(8), 2, 1).build();
        SplittableRandom r = new SplittableRandom(4);
        float[] x = new float[64 * 4], y = new float[64 * 2];
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) r.nextGaussian();
            }
            y[i * 2] = x[i * 4] - x[i * 4 + 1];
            y[i * 2 + 1] = 0.5f * x[i * 4 + 2];
        }
        Batch b = new Batch(Map.of(Mlp.INPUT, TensorData.ofFloats(new long[] {64, 4}, x)), TensorData.ofFloats(new long[] {64, 2}, y));
        TrainingSpec spec = new TrainingSpec(new LossSpec(LossSpec.Kind.MEAN_SQUARED_ERROR, "logits", "y"), OptimizerSpec.adam(),
                TaskModule.fromParameterGroups(m), false, 1);
        try (TrainingSession s = new TensorFlowTrainingBackend().open(m, spec)) {
            double first = s.step(b, StepPlan.all(s.modules(), 0.01));
            double last = first;
            for (int i = 0; i < 300; i++) {
                last = s.step(b, StepPlan.all(s.modules(), 0.01));
            }
            assertTrue(last < first / 10, first + " -> " + last);
        }
    }

    @Test
    void badSpecsAndBatchesAreNamed() {
        ModelGraph m = MLP.build();
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new TensorFlowTrainingBackend().open(m,
                new TrainingSpec(new LossSpec(LossSpec.Kind.SOFTMAX_CROSS_ENTROPY, "scores", "labels"), OptimizerSpec.adam(),
                        List.of(new TaskModule("x", List.of("nope"))), false, 1)));
        assertTrue(e.getMessage().contains("the model has no parameter 'nope'"), e.getMessage());
        assertTrue(e.getMessage().contains("loss output 'scores' is not an output"), e.getMessage());
        try (TrainingSession s = new TensorFlowTrainingBackend().open(m, spec(m, OptimizerSpec.adam(), false))) {
            Batch bad = new Batch(clusters(4, 1).inputs(), TensorData.vectorOfLongs(0, 1, 2, 3));
            assertTrue(assertThrows(DataException.class, () -> s.step(bad, StepPlan.all(s.modules(), 0.1))).getMessage()
                    .contains("target class 3 is outside [0, 3)"));
            assertThrows(ConfigurationException.class, () -> s.step(clusters(4, 1), new StepPlan(Set.of("decoder"), Map.of())));
            assertThrows(ConfigurationException.class, () -> s.setGradientMultiplier("head.weight", TensorData.scalarFloat(1)));
        }
    }
}
