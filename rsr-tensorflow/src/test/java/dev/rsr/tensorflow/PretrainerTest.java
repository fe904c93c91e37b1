package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.data.SyntheticTasks;
import dev.rsr.data.TextExample;
import dev.rsr.engine.pretraining.ContrastiveObjective;
import dev.rsr.engine.pretraining.MaskedTokenObjective;
import dev.rsr.engine.pretraining.Pretrainer;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.spi.PretrainingObjective;
import dev.rsr.text.SubwordTokenizer;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.TaskModule;
import dev.rsr.training.TrainingSession;
import dev.rsr.training.TrainingSpec;
import dev.rsr.zoo.Heads;
import dev.rsr.zoo.TextEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainerTest {
    private static final List<String> CORPUS = SyntheticTasks.NAMES.stream()
            .flatMap(t -> SyntheticTasks.generate(t, 400, 1).stream().map(TextExample::text)).toList();
    private static final Pretrainer.Listener QUIET = new Pretrainer.Listener() {
        @Override
        public void progress(int step, Pretrainer.Config config, double seconds, double loss, long tokens) {
        }

        @Override
        public void checkpointed(int step, Path file) {
        }
    };

    private static Pretrainer.Result run(int steps, Path checkpoint, boolean resume) {
        return run(new MaskedTokenObjective(), steps, checkpoint, resume, QUIET);
    }

    private static Pretrainer.Result run(PretrainingObjective objective, int steps, Path checkpoint, boolean resume,
                                         Pretrainer.Listener listener) {
        SubwordTokenizer tokenizer = SubwordTokenizer.train(CORPUS, 300);
        List<long[]> sequences = new ArrayList<>();
        CORPUS.forEach(t -> sequences.add(tokenizer.encode(t, 24)));
        ModelGraph encoder = new TextEncoder(tokenizer.vocabularySize(), 32, 1, 2, 64, 24, 5).build();
        Pretrainer.Config config = new Pretrainer.Config(steps, 0, 256, 2e-3, 9, 25, checkpoint, resume, 1, java.util.Map.of());
        return new Pretrainer(new TensorFlowTrainingBackend()).run(encoder, TextEncoder.HIDDEN, tokenizer, sequences,
                objective, config, listener);
    }

    @Test
    void lossFallsAndAResumedRunEndsWhereAStraightRunEnds(@TempDir Path dir) {
        Pretrainer.Result straight = run(150, null, false);
        assertTrue(straight.finalLoss() < Math.log(300) * 0.7, "loss after 150 steps: " + straight.finalLoss()
                + " (uniform guessing: " + Math.log(300) + ")");

        Path ckpt = dir.resolve("run.ckpt");
        Pretrainer.Result first = run(100, ckpt, false);
        assertEquals(100, first.steps());
        Pretrainer.Result resumed = run(150, ckpt, true);
        assertEquals(100, resumed.startStep());
        assertEquals(150, resumed.steps());
        String p = "encoder.layer1.attn.q.weight";
        assertArrayEquals(straight.encoder().graph().initializers().get(p).floats(),
                resumed.encoder().graph().initializers().get(p).floats(), 1e-5f);
    }

    @Test
    void contrastiveLossFallsAndTheHeadScoresCosinesOverTemperature() {
        List<Double> losses = new ArrayList<>();
        run(new ContrastiveObjective(), 200, null, false, new Pretrainer.Listener() {
            @Override
            public void progress(int step, Pretrainer.Config config, double seconds, double loss, long tokens) {
                losses.add(loss);
            }

            @Override
            public void checkpointed(int step, Path file) {
            }
        });
        assertTrue(losses.get(losses.size() - 1) < 0.75 * losses.get(0), "contrastive loss every 50 steps: " + losses);

        SubwordTokenizer tokenizer = SubwordTokenizer.train(CORPUS, 300);
        ModelGraph encoder = new TextEncoder(tokenizer.vocabularySize(), 32, 1, 2, 64, 24, 5).build();
        ContrastiveObjective objective = new ContrastiveObjective();
        ModelGraph withHead = objective.withHead(encoder, TextEncoder.HIDDEN, tokenizer, 1);
        List<long[]> texts = CORPUS.subList(0, 5).stream().map(t -> tokenizer.encode(t, 24)).toList();
        Batch batch = objective.batch(texts, tokenizer, new SplittableRandom(1));
        TrainingSpec spec = TrainingSpec.builder(new LossSpec(LossSpec.Kind.SOFTMAX_CROSS_ENTROPY, objective.logitsOutput(), "labels"),
                TaskModule.fromParameterGroups(withHead)).threads(1).build();
        try (TrainingSession session = new TensorFlowTrainingBackend().open(withHead, spec)) {
            TensorData logits = session.evaluate(batch).outputs().get(Heads.CONTRAST_LOGITS);
            int rows = (int) logits.dim(0);
            assertEquals(10, rows, "two views of each of 5 distinct texts");
            for (int i = 0; i < rows; i++) {
                assertEquals(20 - 1e4, logits.getAsDouble(i * rows + i), 1e-2, "a view against itself: cosine 1 / 0.05, excluded");
                for (int j = 0; j < rows; j++) {
                    double v = logits.getAsDouble(i * rows + j);
                    assertEquals(v, logits.getAsDouble(j * rows + i), 1e-4, "cosine similarity is symmetric");
                    assertTrue(i == j || (v >= -20.001 && v <= 20.001), "scaled cosine at " + i + "," + j + ": " + v);
                }
            }
        }
    }
}
