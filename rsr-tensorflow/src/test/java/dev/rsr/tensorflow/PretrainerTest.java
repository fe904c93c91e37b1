package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.data.SyntheticTasks;
import dev.rsr.data.TextExample;
import dev.rsr.engine.pretraining.MaskedTokenObjective;
import dev.rsr.engine.pretraining.Pretrainer;
import dev.rsr.ir.ModelGraph;
import dev.rsr.text.SubwordTokenizer;
import dev.rsr.zoo.TextEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        SubwordTokenizer tokenizer = SubwordTokenizer.train(CORPUS, 300);
        List<long[]> sequences = new ArrayList<>();
        CORPUS.forEach(t -> sequences.add(tokenizer.encode(t, 24)));
        ModelGraph encoder = new TextEncoder(tokenizer.vocabularySize(), 32, 1, 2, 64, 24, 5).build();
        Pretrainer.Config config = new Pretrainer.Config(steps, 0, 16, 2e-3, 9, 25, checkpoint, resume, 1);
        return new Pretrainer(new TensorFlowTrainingBackend()).run(encoder, TextEncoder.HIDDEN, tokenizer, sequences,
                new MaskedTokenObjective(), config, QUIET);
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
}
