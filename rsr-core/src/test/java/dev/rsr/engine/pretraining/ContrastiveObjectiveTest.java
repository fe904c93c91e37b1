package dev.rsr.engine.pretraining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.data.SyntheticTasks;
import dev.rsr.data.TextExample;
import dev.rsr.ir.TensorData;
import dev.rsr.text.SubwordTokenizer;
import dev.rsr.training.Batch;
import dev.rsr.zoo.Heads;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ContrastiveObjectiveTest {
    private static final List<String> CORPUS = SyntheticTasks.generate("negation", 200, 1).stream().map(TextExample::text).toList();
    private static final SubwordTokenizer TOKENIZER = SubwordTokenizer.train(CORPUS, 200);

    @Test
    void viewsCutEntriesAtTheColonAndOtherTextsNearTheMiddle() {
        SubwordTokenizer tokenizer = SubwordTokenizer.train(List.of("dog, domestic dog: a member of the genus canis",
                "the cat sat on the mat and looked at the dog for a long while"), 200);
        OptionalLong colon = ContrastiveObjective.singleToken(tokenizer, ":");
        assertTrue(colon.isPresent());
        long[] entry = tokenizer.encode("dog, domestic dog: a member of the genus canis", 64);
        ContrastiveObjective.Views v = ContrastiveObjective.views(entry, tokenizer, colon, new SplittableRandom(1));
        assertArrayEquals(tokenizer.encode("dog, domestic dog", 64), v.first());
        assertArrayEquals(tokenizer.encode("a member of the genus canis", 64), v.second());

        long[] plain = tokenizer.encode("the cat sat on the mat and looked at the dog for a long while", 64);
        // Special tokens around the text (as BERT's [CLS] … [SEP]) stay around each view.
        long[] wrapped = new long[plain.length + 2];
        wrapped[0] = SubwordTokenizer.MASK;
        System.arraycopy(plain, 0, wrapped, 1, plain.length);
        wrapped[wrapped.length - 1] = SubwordTokenizer.MASK;
        for (int seed = 0; seed < 20; seed++) {
            ContrastiveObjective.Views cut = ContrastiveObjective.views(wrapped, tokenizer, colon, new SplittableRandom(seed));
            long[] first = cut.first(), second = cut.second();
            assertEquals(SubwordTokenizer.MASK, first[0]);
            assertEquals(SubwordTokenizer.MASK, first[first.length - 1]);
            assertEquals(SubwordTokenizer.MASK, second[0]);
            assertEquals(SubwordTokenizer.MASK, second[second.length - 1]);
            long[] joined = LongStream.concat(Arrays.stream(first, 1, first.length - 1), Arrays.stream(second, 1, second.length - 1))
                    .toArray();
            assertArrayEquals(plain, joined, "the two views split the text: no token shared, none lost");
            int shorter = Math.min(first.length, second.length) - 2;
            assertTrue(shorter >= plain.length / 4, "cut in the middle half: " + (first.length - 2) + " + " + (second.length - 2));
        }
    }

    @Test
    void aBatchPairsEachFirstViewWithItsSecondAndDropsRepeats() {
        long[] a = TOKENIZER.encode(CORPUS.get(0), 64);
        long[] b = TOKENIZER.encode(CORPUS.get(1), 64);
        Batch batch = new ContrastiveObjective().batch(List.of(a, b, a), TOKENIZER, new SplittableRandom(2));
        assertArrayEquals(new long[] {2, 3, 0, 1}, batch.targets().longs(), "row i pairs with row i + n and back");
        TensorData bias = batch.inputs().get(Heads.CONTRAST_BIAS);
        assertArrayEquals(new long[] {4, 4}, bias.shape());
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(i == j ? -1e4 : 0, bias.getAsDouble(i * 4 + j), "only a row against itself is excluded");
            }
        }
    }
}
