package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.rsr.tensorflow.training.TensorFlowTrainingSession;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.ModuleSignal;
import dev.rsr.training.OptimizerSpec;
import dev.rsr.training.Statistic;
import dev.rsr.training.StepPlan;
import dev.rsr.training.StepResult;
import dev.rsr.training.TaskModule;
import dev.rsr.training.TrainingSession;
import dev.rsr.training.TrainingSpec;
import dev.rsr.zoo.Mlp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainingSessionTest {
    private static final Mlp MLP = new Mlp(6, List.of(16), 3, 5);
    private static final String HEAD = "head.weight";

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

    static TrainingSpec.Builder spec(ModelGraph m, OptimizerSpec optimizer, boolean multipliers) {
        return TrainingSpec.builder(LossSpec.classification(), TaskModule.fromParameterGroups(m)).optimizer(optimizer)
                .updateMultipliers(multipliers).threads(1);
    }

    static TrainingSession open(ModelGraph m, TrainingSpec.Builder spec) {
        return new TensorFlowTrainingBackend().open(m, spec.build());
    }

    static float[] value(TrainingSession s, String parameter) {
        return s.values(List.of(parameter)).get(parameter).floats();
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
        try (TrainingSession s = open(m, spec(m, OptimizerSpec.adam(), false))) {
            double before = s.evaluate(eval).loss();
            for (int step = 0; step < 150; step++) {
                assertTrue(s.step(clusters(32, step), StepPlan.all(s.modules(), 0.01)).applied());
            }
            TrainingSession.Evaluation after = s.evaluate(eval);
            assertTrue(after.loss() < before / 4, "loss " + before + " -> " + after.loss());
            assertTrue(accuracy(after.outputs(), eval.targets()) > 0.95, "accuracy " + accuracy(after.outputs(), eval.targets()));

            ModelGraph refined = s.export();
            assertNotEquals(m.graph().initializers().get(HEAD), refined.graph().initializers().get(HEAD));
            try (Predictor ort = new OrtInferenceBackend().open(refined, InferenceOptions.defaults())) {
                float[] served = ort.predict(eval.inputs()).get("probabilities").floats();
                assertArrayEquals(after.outputs().get("probabilities").floats(), served, 1e-5f);
            }
        }
    }

    /** With multipliers (all 1 here) the fused update steps a copy and the parameter follows; without, it steps the parameter: both follow Adam. */
    @ParameterizedTest(name = "update multipliers {0}")
    @ValueSource(booleans = {false, true})
    void adamStepsFollowTheUpdateRule(boolean multipliers) {
        ModelGraph m = MLP.build();
        double lr = 0.05;
        OptimizerSpec adam = OptimizerSpec.adam();
        try (TrainingSession s = open(m, spec(m, adam, multipliers))) {
            float[] w = value(s, HEAD);
            double[] mom = new double[w.length], vel = new double[w.length];
            for (int t = 1; t <= 3; t++) {
                Batch b = clusters(16, t);
                float[] g = s.gradients(b, List.of(HEAD)).get(HEAD).floats();
                s.step(b, StepPlan.all(s.modules(), lr));
                float[] next = value(s, HEAD);
                double lrT = lr * Math.sqrt(1 - Math.pow(adam.beta2(), t)) / (1 - Math.pow(adam.beta1(), t));
                for (int i = 0; i < g.length; i++) {
                    mom[i] = adam.beta1() * mom[i] + (1 - adam.beta1()) * g[i];
                    vel[i] = adam.beta2() * vel[i] + (1 - adam.beta2()) * g[i] * g[i];
                    assertEquals(w[i] - lrT * mom[i] / (Math.sqrt(vel[i]) + adam.epsilon()), next[i], 1e-5, "step " + t + " element " + i);
                }
                w = next;
            }
        }
    }

    @ParameterizedTest(name = "update multipliers {0}")
    @ValueSource(booleans = {false, true})
    void sgdMomentumStepsFollowTheUpdateRule(boolean multipliers) {
        ModelGraph m = MLP.build();
        Batch b = clusters(16, 2);
        try (TrainingSession s = open(m, spec(m, OptimizerSpec.sgdMomentum(0.9), multipliers))) {
            float[] w0 = value(s, "layer1.bias");
            // With multipliers: masked, plain and boosted elements in turn; the accumulator follows every element's gradient.
            float[] u = new float[w0.length];
            for (int i = 0; i < u.length; i++) {
                u[i] = multipliers ? new float[] {0, 1, 2.5f}[i % 3] : 1;
            }
            if (multipliers) {
                s.setUpdateMultipliers(Map.of("layer1.bias", TensorData.ofFloats(new long[] {u.length}, u)));
            }
            float[] g1 = s.gradients(b, List.of("layer1.bias")).get("layer1.bias").floats();
            s.step(b, StepPlan.all(s.modules(), 0.1));
            float[] w1 = value(s, "layer1.bias");
            float[] g2 = s.gradients(b, List.of("layer1.bias")).get("layer1.bias").floats();
            s.step(b, StepPlan.all(s.modules(), 0.1));
            float[] w2 = value(s, "layer1.bias");
            for (int i = 0; i < w0.length; i++) {
                assertEquals(w0[i] - 0.1 * u[i] * g1[i], w1[i], 1e-6, "element " + i);
                assertEquals(w1[i] - 0.1 * u[i] * (0.9 * g1[i] + g2[i]), w2[i], 1e-6, "element " + i);
            }
        }
    }

    @Test
    void onlyActiveModulesChange() {
        ModelGraph m = MLP.build();
        Batch b = clusters(32, 3);
        try (TrainingSession s = open(m, spec(m, OptimizerSpec.adam(), true))) {
            Map<String, TensorData> before = s.values(List.of("layer1.weight", HEAD));
            s.step(b, new StepPlan(Set.of("head"), Map.of("head", 0.01)));
            Map<String, TensorData> after = s.values(List.of("layer1.weight", HEAD));
            assertEquals(before.get("layer1.weight"), after.get("layer1.weight"), "inactive module changed");
            assertNotEquals(before.get(HEAD), after.get(HEAD));
            s.step(b, new StepPlan(Set.of("layer1"), Map.of("layer1", 0.01)));
            assertNotEquals(after.get("layer1.weight"), value(s, "layer1.weight"));
            assertEquals(Map.of("head", 1L, "layer1", 1L), s.moduleSteps());
        }
    }

    /** Every other element of the head's weight masked. */
    private static TensorData halfMask() {
        float[] mask = new float[16 * 3];
        for (int i = 0; i < mask.length; i += 2) {
            mask[i] = 1;
        }
        return TensorData.ofFloats(new long[] {16, 3}, mask);
    }

    /** A mask set after three Adam steps freezes its elements at once, although their momentum would carry them on. */
    @Test
    void aMaskSetAfterStepsFreezesItsElements() {
        ModelGraph m = MLP.build();
        float[] mask = halfMask().floats();
        float[] free;
        try (TrainingSession control = open(m, spec(m, OptimizerSpec.adam(), true))) {
            for (int i = 0; i < 6; i++) {
                control.step(clusters(16, i), StepPlan.all(control.modules(), 0.01));
            }
            free = value(control, HEAD);
        }
        try (TrainingSession s = open(m, spec(m, OptimizerSpec.adam(), true))) {
            for (int i = 0; i < 3; i++) {
                s.step(clusters(16, i), StepPlan.all(s.modules(), 0.01));
            }
            float[] atMask = value(s, HEAD);
            s.setUpdateMultipliers(Map.of(HEAD, halfMask()));
            for (int i = 3; i < 6; i++) {
                s.step(clusters(16, i), StepPlan.all(s.modules(), 0.01));
            }
            float[] after = value(s, HEAD);
            int frozenThatWouldHaveMoved = 0;
            for (int i = 0; i < mask.length; i++) {
                if (mask[i] == 0) {
                    assertEquals(atMask[i], after[i], "masked element " + i + " moved");
                    frozenThatWouldHaveMoved += free[i] != atMask[i] ? 1 : 0;
                } else {
                    assertNotEquals(atMask[i], after[i], "unmasked element " + i + " did not move");
                }
            }
            assertEquals(mask.length / 2, frozenThatWouldHaveMoved, "without the mask, every masked element moves");
        }
    }

    /**
     * While masked, an element's moments follow its gradient and it does not move; admitted after
     * many steps, it takes the step Adam gives it now, with the module's bias correction: no stale
     * momentum, and no oversized first step from moments that start at zero.
     */
    @Test
    void anElementAdmittedLateTakesTheStepItsTrackedMomentsGive() {
        ModelGraph m = MLP.build();
        OptimizerSpec adam = OptimizerSpec.adam();
        double lr = 0.001;
        try (TrainingSession s = open(m, spec(m, adam, true))) {
            float[] none = new float[16 * 3];
            s.setUpdateMultipliers(Map.of(HEAD, TensorData.ofFloats(new long[] {16, 3}, none)));
            float[] start = value(s, HEAD);
            double[] mom = new double[none.length], vel = new double[none.length];
            int steps = 21;
            float[] before = null;
            float[] g = null;
            for (int t = 1; t <= steps; t++) {
                if (t == steps) {
                    assertArrayEquals(start, value(s, HEAD), "masked elements moved");
                    s.setUpdateMultipliers(Map.of(HEAD, halfMask()));
                    before = value(s, HEAD);
                }
                Batch b = clusters(16, t);
                g = s.gradients(b, List.of(HEAD)).get(HEAD).floats();
                for (int i = 0; i < g.length; i++) {
                    mom[i] = adam.beta1() * mom[i] + (1 - adam.beta1()) * g[i];
                    vel[i] = adam.beta2() * vel[i] + (1 - adam.beta2()) * g[i] * g[i];
                }
                s.step(b, StepPlan.all(s.modules(), lr));
            }
            float[] after = value(s, HEAD);
            float[] mask = halfMask().floats();
            double lrT = lr * Math.sqrt(1 - Math.pow(adam.beta2(), steps)) / (1 - Math.pow(adam.beta1(), steps));
            int moved = 0;
            for (int i = 0; i < g.length; i++) {
                double expected = mask[i] * lrT * mom[i] / (Math.sqrt(vel[i]) + adam.epsilon());
                assertEquals(expected, before[i] - after[i], 1e-6, "element " + i + ", gradient " + g[i]);
                // Not a fresh element's first step, lr·sign(g): the moments carry the masked steps' gradients.
                moved += mask[i] == 1 && Math.abs(Math.abs(expected) - lr) > 1e-5 ? 1 : 0;
            }
            assertTrue(moved > 0, "no admitted element took other than a fresh element's first step");
        }
    }

    @Test
    void aBoostScalesTheAdamStepItself() {
        ModelGraph m = MLP.build();
        float[] ten = new float[16 * 3];
        java.util.Arrays.fill(ten, 10f);
        float[] w0, plain, boosted;
        try (TrainingSession s = open(m, spec(m, OptimizerSpec.adam(), true))) {
            w0 = value(s, HEAD);
            for (int i = 0; i < 5; i++) {
                s.step(clusters(16, i), StepPlan.all(s.modules(), 0.001));
            }
            plain = value(s, HEAD);
        }
        try (TrainingSession s = open(m, spec(m, OptimizerSpec.adam(), true))) {
            s.setUpdateMultipliers(Map.of(HEAD, TensorData.ofFloats(new long[] {16, 3}, ten)));
            float[] g = s.gradients(clusters(16, 0), List.of(HEAD)).get(HEAD).floats();
            s.step(clusters(16, 0), StepPlan.all(s.modules(), 0.001));
            float[] first = value(s, HEAD);
            for (int i = 1; i < 5; i++) {
                s.step(clusters(16, i), StepPlan.all(s.modules(), 0.001));
            }
            boosted = value(s, HEAD);
            // Adam's first step moves each element by lr·sign(g); boosted, by ten times that.
            for (int i = 0; i < ten.length; i++) {
                assertEquals(g[i] == 0 ? 0 : 0.01, Math.abs(first[i] - w0[i]), 1e-4, "element " + i + ", gradient " + g[i]);
            }
        }
        double plainMove = 0, boostedMove = 0;
        for (int i = 0; i < ten.length; i++) {
            plainMove += Math.abs(plain[i] - w0[i]);
            boostedMove += Math.abs(boosted[i] - w0[i]);
        }
        assertTrue(boostedMove > 5 * plainMove, "boosted " + boostedMove + " against plain " + plainMove);
    }

    @Test
    void theGraphDoesNotGrowUnderRandomModuleSelection() {
        ModelGraph m = new Mlp(6, List.of(16, 16, 16, 16, 16, 16), 3, 5).build();
        SplittableRandom r = new SplittableRandom(7);
        try (TrainingSession s = open(m, spec(m, OptimizerSpec.adam(), true).moduleSignals(true)
                .statistics(EnumSet.of(Statistic.SQUARED_GRADIENT), 0.9))) {
            List<String> names = s.modules().stream().map(TaskModule::name).toList();
            assertEquals(7, names.size());
            long opened = ((TensorFlowTrainingSession) s).graphSize();
            Set<Set<String>> seen = new java.util.HashSet<>();
            for (int i = 0; i < 60; i++) {
                List<String> shuffled = new ArrayList<>(names);
                java.util.Collections.shuffle(shuffled, new java.util.Random(r.nextLong()));
                Set<String> active = Set.of(shuffled.get(0), shuffled.get(1));
                seen.add(active);
                StepResult result = s.step(clusters(16, i), new StepPlan(active, Map.of(shuffled.get(0), 0.01, shuffled.get(1), 0.01)));
                assertTrue(result.applied());
                assertEquals(active, result.signals().keySet());
            }
            assertTrue(seen.size() > 10, "distinct sets " + seen.size());
            assertEquals(opened, ((TensorFlowTrainingSession) s).graphSize(), "the graph grew");
        }
    }

    @Test
    void statisticsAccumulateInTheStepAndObservingChangesNoParameter() {
        ModelGraph m = MLP.build();
        double decay = 0.5;
        Batch b1 = clusters(16, 1), b2 = clusters(16, 2);
        try (TrainingSession s = open(m, spec(m, OptimizerSpec.adam(), true).statistics(EnumSet.allOf(Statistic.class), decay))) {
            float[] w = value(s, HEAD);
            float[] g1 = s.gradients(b1, List.of(HEAD)).get(HEAD).floats();
            s.observe(b1, Set.of("head"));
            assertArrayEquals(w, value(s, HEAD), "observe moved the parameter");
            float[] g2 = s.gradients(b2, List.of(HEAD)).get(HEAD).floats();
            s.step(b2, StepPlan.all(s.modules(), 0.01));
            for (int i = 0; i < w.length; i++) {
                double f = decay * (1 - decay) * g1[i] * g1[i] + (1 - decay) * g2[i] * g2[i];
                double a = decay * (1 - decay) * Math.abs(g1[i]) + (1 - decay) * Math.abs(g2[i]);
                double s1 = (1 - decay) * Math.abs(w[i] * g1[i]);
                double sal = decay * s1 + (1 - decay) * Math.abs(w[i] * g2[i]);
                double dev1 = (1 - decay) * Math.abs(Math.abs(w[i] * g1[i]) - s1);
                double dev = decay * dev1 + (1 - decay) * Math.abs(Math.abs(w[i] * g2[i]) - sal);
                double movement = -w[i] * g1[i] - w[i] * g2[i];
                String at = "element " + i;
                assertEquals(f, stat(s, Statistic.SQUARED_GRADIENT)[i], 1e-7 + 1e-5 * f, at);
                assertEquals(a, stat(s, Statistic.ABSOLUTE_GRADIENT)[i], 1e-7 + 1e-5 * a, at);
                assertEquals(sal, stat(s, Statistic.SALIENCY)[i], 1e-7 + 1e-5 * sal, at);
                assertEquals(dev, stat(s, Statistic.SALIENCY_DEVIATION)[i], 1e-6 + 1e-4 * dev, at);
                assertEquals(movement, stat(s, Statistic.MOVEMENT)[i], 1e-6 + 1e-5 * Math.abs(movement), at);
            }
            assertEquals(Map.of("head", 1L, "layer1", 1L), s.moduleSteps(), "observing is not a step");
        }
    }

    /** The fused (no multipliers) and the masked update path, each with Adam and momentum. */
    @ParameterizedTest(name = "multipliers {0}, {1}")
    @org.junit.jupiter.params.provider.CsvSource({"false, adam", "true, adam", "false, momentum", "true, momentum"})
    void aStepLeftOutOfTheStatisticsUpdatesAlikeAndLeavesThemAsTheyWere(boolean multipliers, String optimizer) {
        ModelGraph m = MLP.build();
        OptimizerSpec o = optimizer.equals("adam") ? OptimizerSpec.adam() : OptimizerSpec.sgdMomentum(0.9);
        Batch b1 = clusters(16, 1), b2 = clusters(16, 2);
        try (TrainingSession with = open(m, spec(m, o, multipliers).statistics(EnumSet.allOf(Statistic.class), 0.5));
             TrainingSession without = open(m, spec(m, o, multipliers).statistics(EnumSet.allOf(Statistic.class), 0.5))) {
            for (TrainingSession s : List.of(with, without)) {
                if (multipliers) {
                    s.setUpdateMultipliers(Map.of(HEAD, halfMask()));
                }
                s.step(b1, StepPlan.all(s.modules(), 0.01));
            }
            float[] headBefore = value(without, HEAD);
            Map<Statistic, float[]> before = new java.util.EnumMap<>(Statistic.class);
            for (Statistic st : Statistic.values()) {
                before.put(st, stat(without, st));
            }
            StepPlan all = StepPlan.all(with.modules(), 0.01);
            with.step(b2, all);
            without.step(b2, new StepPlan(all.activeModules(), all.learningRates(), false));
            assertArrayEquals(value(with, HEAD), value(without, HEAD), "the same update either way");
            float[] headAfter = value(without, HEAD), mask = halfMask().floats();
            for (int i = 0; i < headAfter.length; i++) {
                if (multipliers && mask[i] == 0) {
                    assertEquals(headBefore[i], headAfter[i], "masked element " + i + " moved");
                }
            }
            assertFalse(java.util.Arrays.equals(headBefore, headAfter), "nothing moved");
            for (Statistic st : Statistic.values()) {
                assertArrayEquals(before.get(st), stat(without, st), st + " left as it was");
                assertFalse(java.util.Arrays.equals(before.get(st), stat(with, st)), st + " moved in the step that took it");
            }
            assertEquals(with.moduleSteps(), without.moduleSteps());
        }
    }

    private static float[] stat(TrainingSession s, Statistic statistic) {
        return s.statistics(statistic, List.of(HEAD)).get(HEAD).floats();
    }

    /** The signal of a module's second step: its gradient against the direction of its first update. */
    @Test
    void moduleSignalsCompareTheGradientWithThePreviousUpdate() {
        ModelGraph m = MLP.build();
        OptimizerSpec adam = OptimizerSpec.adam();
        Batch b1 = clusters(16, 1), b2 = clusters(16, 2);
        try (TrainingSession s = open(m, spec(m, adam, true).moduleSignals(true))) {
            List<String> head = s.modules().stream().filter(t -> t.name().equals("head")).findFirst().orElseThrow().parameters();
            Map<String, TensorData> g1 = s.gradients(b1, head);
            ModuleSignal first = s.step(b1, StepPlan.all(s.modules(), 0.01)).signals().get("head");
            assertEquals(0, first.alignment(), "no previous update");
            assertEquals(0, first.cosine());
            Map<String, TensorData> g2 = s.gradients(b2, head);
            Map<String, TensorData> w1 = s.values(head);
            ModuleSignal second = s.step(b2, StepPlan.all(s.modules(), 0.01)).signals().get("head");
            double gg = 0, gd = 0, dd = 0, ww = 0, gFirst = 0;
            for (String p : head) {
                float[] a = g1.get(p).floats(), b = g2.get(p).floats(), w = w1.get(p).floats();
                for (int i = 0; i < a.length; i++) {
                    double d = (1 - adam.beta1()) * a[i] / (Math.sqrt((1 - adam.beta2()) * a[i] * a[i]) + adam.epsilon());
                    gg += b[i] * b[i];
                    gd += b[i] * d;
                    dd += d * d;
                    ww += w[i] * w[i];
                    gFirst += a[i] * a[i];
                }
            }
            assertEquals(gFirst, first.gradientSquared(), 1e-5 * gFirst);
            assertEquals(gg, second.gradientSquared(), 1e-5 * gg);
            assertEquals(gd, second.alignment(), 1e-4 * Math.sqrt(gg * dd));
            assertEquals(dd, second.directionSquared(), 1e-4 * dd);
            assertEquals(ww, second.weightSquared(), 1e-5 * ww);
        }
    }

    @Test
    void aStepWithANonFiniteLossChangesNothing() {
        ModelGraph m = MLP.build();
        try (TrainingSession s = open(m, spec(m, OptimizerSpec.adam(), true).moduleSignals(true))) {
            Map<String, TensorData> before = s.values(List.of(HEAD, "layer1.weight"));
            float[] x = clusters(4, 1).inputs().get(Mlp.INPUT).floats();
            x[0] = Float.NaN;
            Batch poisoned = new Batch(Map.of(Mlp.INPUT, TensorData.ofFloats(new long[] {4, 6}, x)), clusters(4, 1).targets());
            StepResult r = s.step(poisoned, StepPlan.all(s.modules(), 0.01));
            assertFalse(r.applied());
            assertTrue(Double.isNaN(r.loss()));
            assertEquals(before, s.values(List.of(HEAD, "layer1.weight")));
            assertEquals(Map.of("head", 0L, "layer1", 0L), s.moduleSteps());
            assertTrue(s.step(clusters(4, 1), StepPlan.all(s.modules(), 0.01)).applied(), "a good batch after the bad one");
        }
    }

    @Test
    void rollbackReturnsModulesToTheirSnapshotOptimizerStateIncluded() {
        ModelGraph m = MLP.build();
        try (TrainingSession s = open(m, spec(m, OptimizerSpec.adam(), true))) {
            float[] initial = value(s, HEAD);
            s.rollback(Set.of("head"));
            assertArrayEquals(initial, value(s, HEAD), "a module never saved stays as it is");
            for (int i = 0; i < 3; i++) {
                s.step(clusters(16, i), StepPlan.all(s.modules(), 0.01));
            }
            s.snapshot(Set.of("head", "layer1"));
            s.step(clusters(16, 10), StepPlan.all(s.modules(), 0.01));
            float[] once = value(s, HEAD);
            for (int i = 11; i < 14; i++) {
                s.step(clusters(16, i), StepPlan.all(s.modules(), 0.01));
            }
            s.rollback(Set.of("head", "layer1"));
            assertEquals(Map.of("head", 3L, "layer1", 3L), s.moduleSteps());
            s.step(clusters(16, 10), StepPlan.all(s.modules(), 0.01));
            assertArrayEquals(once, value(s, HEAD), 1e-7f, "the same step from the restored state");
        }
    }

    @Test
    void concurrentStepsOnDisjointModulesBothLearn() throws Exception {
        ModelGraph m = MLP.build();
        Batch eval = clusters(200, 99);
        try (TrainingSession s = open(m, spec(m, OptimizerSpec.adam(), true).threads(0))) {
            double before = s.evaluate(eval).loss();
            Map<String, TensorData> start = s.values(List.of(HEAD, "layer1.weight"));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (String module : List.of("head", "layer1")) {
                    work.add(pool.submit(() -> {
                        for (int i = 0; i < 150; i++) {
                            assertTrue(s.step(clusters(32, i * 2 + module.length()), new StepPlan(Set.of(module), Map.of(module, 0.01)))
                                    .applied());
                        }
                    }));
                }
                for (Future<?> f : work) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(Map.of("head", 150L, "layer1", 150L), s.moduleSteps());
            Map<String, TensorData> end = s.values(List.of(HEAD, "layer1.weight"));
            assertNotEquals(start.get(HEAD), end.get(HEAD));
            assertNotEquals(start.get("layer1.weight"), end.get("layer1.weight"));
            TrainingSession.Evaluation after = s.evaluate(eval);
            assertTrue(after.loss() < before / 4, "loss " + before + " -> " + after.loss());
        }
    }

    /** A damaged checkpoint, one made with other settings, or one of another model is refused before anything changes. */
    @Test
    void aCheckpointThatDoesNotMatchIsRefusedBeforeAnythingChanges(@TempDir Path dir) throws Exception {
        ModelGraph m = MLP.build();
        Path ckpt = dir.resolve("run.ckpt");
        TrainingSpec.Builder spec = spec(m, OptimizerSpec.adam(), false);
        try (TrainingSession s = open(m, spec)) {
            s.step(clusters(16, 0), StepPlan.all(s.modules(), 0.01));
            s.saveCheckpoint(ckpt, Map.of("layers", "1"));
        }
        byte[] good = java.nio.file.Files.readAllBytes(ckpt);
        try (TrainingSession s = open(m, spec)) {
            float[] before = value(s, HEAD);
            String settings = assertThrows(dev.rsr.error.DataException.class,
                    () -> s.restoreCheckpoint(ckpt, Map.of("layers", "2"))).getMessage();
            assertTrue(settings.contains("other settings (layers 1 there, 2 here)"), settings);
            for (int at : new int[] {20, good.length / 2, good.length - 3}) {
                byte[] flipped = good.clone();
                flipped[at] ^= 0x10;
                java.nio.file.Files.write(ckpt, flipped);
                String corrupt = assertThrows(dev.rsr.error.DataException.class,
                        () -> s.restoreCheckpoint(ckpt, Map.of("layers", "1"))).getMessage();
                assertTrue(corrupt.contains("checksum mismatch"), corrupt);
            }
            java.nio.file.Files.write(ckpt, java.util.Arrays.copyOf(good, good.length - 1));
            assertThrows(dev.rsr.error.DataException.class, () -> s.restoreCheckpoint(ckpt, Map.of("layers", "1")));
            assertArrayEquals(before, value(s, HEAD), "a refused checkpoint changed nothing");
        }
        java.nio.file.Files.write(ckpt, good);
        ModelGraph wider = new Mlp(6, List.of(24), 3, 5).build();
        try (TrainingSession s = open(wider, spec(wider, OptimizerSpec.adam(), false))) {
            String shape = assertThrows(dev.rsr.error.DataException.class, () -> s.restoreCheckpoint(ckpt, Map.of("layers", "1"))).getMessage();
            assertTrue(shape.contains("in the checkpoint but") && shape.contains("in this model"), shape);
        }
        ModelGraph deeper = new Mlp(6, List.of(16, 16), 3, 5).build();
        try (TrainingSession s = open(deeper, spec(deeper, OptimizerSpec.adam(), false))) {
            String missing = assertThrows(dev.rsr.error.DataException.class, () -> s.restoreCheckpoint(ckpt, Map.of("layers", "1"))).getMessage();
            assertTrue(missing.contains("lacks") || missing.contains("not trainable"), missing);
        }
    }

    @Test
    void aRestoredCheckpointContinuesExactly(@TempDir Path dir) {
        ModelGraph m = MLP.build();
        Path ckpt = dir.resolve("run.ckpt");
        TrainingSpec.Builder spec = spec(m, OptimizerSpec.adam(), true).statistics(EnumSet.of(Statistic.SQUARED_GRADIENT), 0.9);
        float[] continued, fisher;
        try (TrainingSession s = open(m, spec)) {
            s.setUpdateMultipliers(Map.of(HEAD, halfMask()));
            for (int i = 0; i < 5; i++) {
                s.step(clusters(16, i), StepPlan.all(s.modules(), 0.01));
            }
            s.saveCheckpoint(ckpt, Map.of("run", "a"));
            for (int i = 5; i < 8; i++) {
                s.step(clusters(16, i), StepPlan.all(s.modules(), 0.01));
            }
            continued = value(s, HEAD);
            fisher = stat(s, Statistic.SQUARED_GRADIENT);
        }
        try (TrainingSession s = open(m, spec)) {
            s.restoreCheckpoint(ckpt, Map.of("run", "a"));
            for (int i = 5; i < 8; i++) {
                s.step(clusters(16, i), StepPlan.all(s.modules(), 0.01));
            }
            assertArrayEquals(continued, value(s, HEAD), 1e-6f);
            assertArrayEquals(fisher, stat(s, Statistic.SQUARED_GRADIENT), 1e-9f);
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
        TrainingSpec spec = TrainingSpec.builder(new LossSpec(LossSpec.Kind.MEAN_SQUARED_ERROR, "logits", "y"),
                TaskModule.fromParameterGroups(m)).threads(1).build();
        try (TrainingSession s = new TensorFlowTrainingBackend().open(m, spec)) {
            double first = s.step(b, StepPlan.all(s.modules(), 0.01)).loss();
            double last = first;
            for (int i = 0; i < 300; i++) {
                last = s.step(b, StepPlan.all(s.modules(), 0.01)).loss();
            }
            assertTrue(last < first / 10, first + " -> " + last);
        }
    }

    @Test
    void badSpecsAndBatchesAreNamed() {
        ModelGraph m = MLP.build();
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new TensorFlowTrainingBackend().open(m,
                TrainingSpec.builder(new LossSpec(LossSpec.Kind.SOFTMAX_CROSS_ENTROPY, "scores", "labels"),
                        List.of(new TaskModule("x", List.of("nope")))).build()));
        assertTrue(e.getMessage().contains("the model has no parameter 'nope'"), e.getMessage());
        assertTrue(e.getMessage().contains("loss output 'scores' is not an output"), e.getMessage());
        try (TrainingSession s = open(m, spec(m, OptimizerSpec.adam(), false))) {
            Batch bad = new Batch(clusters(4, 1).inputs(), TensorData.vectorOfLongs(0, 1, 2, 3));
            assertTrue(assertThrows(DataException.class, () -> s.step(bad, StepPlan.all(s.modules(), 0.1))).getMessage()
                    .contains("target class 3 is outside [0, 3)"));
            assertThrows(ConfigurationException.class, () -> s.step(clusters(4, 1), new StepPlan(Set.of("decoder"), Map.of("decoder", 0.1))));
            assertTrue(assertThrows(ConfigurationException.class, () -> s.setUpdateMultipliers(Map.of(HEAD, TensorData.scalarFloat(1))))
                    .getMessage().contains("update multipliers are off"));
            assertTrue(assertThrows(ConfigurationException.class, () -> s.statistics(Statistic.SQUARED_GRADIENT, List.of(HEAD)))
                    .getMessage().contains("does not accumulate"));
        }
        try (TrainingSession s = open(m, spec(m, OptimizerSpec.adam(), true))) {
            assertTrue(assertThrows(DataException.class, () -> s.setUpdateMultipliers(Map.of(HEAD, TensorData.scalarFloat(1))))
                    .getMessage().contains("multiplier for 'head.weight' must be float[16, 3]"));
        }
    }
}
