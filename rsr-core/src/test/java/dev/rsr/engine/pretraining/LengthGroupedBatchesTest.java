package dev.rsr.engine.pretraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.ir.ModelGraph;
import dev.rsr.spi.PretrainingObjective;
import dev.rsr.spi.Tokenizer;
import dev.rsr.training.Batch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LengthGroupedBatchesTest {

    /** Two sources of equal-length texts, concatenated (A then B), and a few shorter texts. */
    private static List<long[]> corpus() {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            long[] s = new long[12];
            Arrays.fill(s, i < 200 ? 5 : 6);
            out.add(s);
        }
        for (int i = 0; i < 50; i++) {
            out.add(new long[] {7, 7, 7});
        }
        return out;
    }

    /** Keeps the sequences it is given instead of making a batch. */
    private static final class Recording implements PretrainingObjective {
        final List<List<long[]>> batches = new ArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public ModelGraph withHead(ModelGraph encoder, String hiddenOutput, Tokenizer tokenizer, long seed) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String logitsOutput() {
            return "none";
        }

        @Override
        public Batch batch(List<long[]> sequences, Tokenizer tokenizer, SplittableRandom random) {
            batches.add(sequences);
            return null;
        }
    }

    @Test
    void equalLengthsAreOrderedBySeedNotByCorpusPosition() {
        List<long[]> corpus = corpus();
        Pretrainer.LengthOrder order = new Pretrainer.LengthOrder(corpus, 1);
        for (int r = 0; r < 50; r++) {
            assertEquals(3, corpus.get(order.order[r]).length, "shorter texts come first");
        }
        long fromA = Arrays.stream(order.order, 50, 150).filter(i -> i < 200).count();
        assertTrue(fromA > 25 && fromA < 75, "the first 100 of equal length mix both sources: " + fromA + " from A");
        assertTrue(Arrays.equals(order.order, new Pretrainer.LengthOrder(corpus, 1).order), "same seed, same order");
        assertNotEquals(Arrays.toString(order.order), Arrays.toString(new Pretrainer.LengthOrder(corpus, 2).order));
        for (int r = 0; r < order.order.length; r++) {
            assertEquals(r, order.rank[order.order[r]]);
        }
    }

    @Test
    void batchesHoldSimilarLengthsWithinTheTokenBudgetAndMixSources() {
        List<long[]> corpus = corpus();
        Pretrainer.Config config = new Pretrainer.Config(100, 0, 120, 1e-3, 3, 100, null, false, 0, java.util.Map.of());
        Pretrainer.LengthOrder order = new Pretrainer.LengthOrder(corpus, config.seed());
        Recording objective = new Recording();
        int mixed = 0;
        for (int step = 0; step < 100; step++) {
            Pretrainer.batch(step, order, null, objective, config);
            List<long[]> rows = objective.batches.get(step);
            int width = rows.stream().mapToInt(s -> s.length).max().orElseThrow();
            assertTrue(rows.size() * width <= config.batchTokens(), "padded batch within the budget");
            if (width == 12) {
                assertEquals(10, rows.size(), "as many as fit the budget");
                boolean a = rows.stream().anyMatch(s -> s[0] == 5);
                boolean b = rows.stream().anyMatch(s -> s[0] == 6);
                mixed += a && b ? 1 : 0;
            }
        }
        assertTrue(mixed > 50, "batches of the long texts draw from both sources: " + mixed + " of 100 mixed");
        Recording again = new Recording();
        Pretrainer.batch(7, order, null, again, config);
        assertTrue(Arrays.deepEquals(objective.batches.get(7).toArray(), again.batches.get(0).toArray()), "a step's batch is reproducible");
    }
}
