package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.engine.ProcessMemory;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.onnx.OrtInferenceBackend;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.StepPlan;
import dev.rsr.training.TaskModule;
import dev.rsr.training.TrainingSession;
import dev.rsr.training.TrainingSpec;
import dev.rsr.zoo.Mlp;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Thousands of training steps and predictions leave resident memory flat: every tensor fed or
 * fetched is closed. Inputs and outputs are 64 KiB each, so leaking one per call would add
 * hundreds of MiB.
 */
@Tag("slow")
class NativeMemoryTest {
    private static final int FEATURES = 256;
    private static final int BATCH = 64;
    /** Allowed growth after warm-up; one leaked input per call would exceed it many times over. */
    private static final double MAX_GROWTH_MB = 32;

    private static Batch batch(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[BATCH * FEATURES];
        long[] y = new long[BATCH];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < BATCH; i++) {
            y[i] = r.nextInt(4);
        }
        return new Batch(Map.of(Mlp.INPUT, TensorData.ofFloats(new long[] {BATCH, FEATURES}, x)), TensorData.ofLongs(new long[] {BATCH}, y));
    }

    /** RSS after a collection has run and direct buffers' cleaners have had time to free native memory. */
    private static double settledRss() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ProcessMemory.rssMb();
    }

    @Test
    void trainingStepsAndPredictionsKeepResidentMemoryFlat() {
        // 256 classes: each output is 64 KiB too, so a leaked output would show as well.
        ModelGraph model = new Mlp(FEATURES, List.of(64), 256, 1).build();
        Batch[] batches = {batch(1), batch(2), batch(3), batch(4)};
        List<TaskModule> modules = TaskModule.fromParameterGroups(model);
        try (TrainingSession s = new TensorFlowTrainingBackend().open(model,
                TrainingSpec.builder(LossSpec.classification(), modules).updateMultipliers(true).threads(1).build())) {
            StepPlan plan = StepPlan.all(modules, 1e-3);
            for (int i = 0; i < 500; i++) {
                s.step(batches[i % 4], plan);
            }
            double before = settledRss();
            for (int i = 0; i < 2000; i++) {
                s.step(batches[i % 4], plan);
                if (i % 100 == 0) {
                    s.evaluate(batches[(i + 1) % 4]);
                }
            }
            double after = settledRss();
            assertTrue(after - before < MAX_GROWTH_MB, "2,000 training steps: resident memory " + before + " -> " + after + " MiB");
        }
        InferenceOptions options = new InferenceOptions(1, 1, InferenceOptions.GraphOptimization.ALL);
        for (Predictor p : List.of(new OrtInferenceBackend().open(model, options), new TensorFlowInferenceBackend().open(model, options))) {
            try (p) {
                // Warm-up until the allocator and the heap have grown to their working size.
                for (int i = 0; i < 2_000; i++) {
                    p.predict(batches[i % 4].inputs());
                }
                double before = settledRss();
                for (int i = 0; i < 10_000; i++) {
                    p.predict(batches[i % 4].inputs());
                }
                double after = settledRss();
                assertTrue(after - before < MAX_GROWTH_MB, p.getClass().getSimpleName() + ", 10,000 predictions: resident memory "
                        + before + " -> " + after + " MiB");
            }
        }
    }
}
