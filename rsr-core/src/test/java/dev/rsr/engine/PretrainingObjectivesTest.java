package dev.rsr.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.data.SyntheticTasks;
import dev.rsr.data.TextExample;
import dev.rsr.engine.pretraining.DenoisingObjective;
import dev.rsr.engine.pretraining.MaskedTokenObjective;
import dev.rsr.engine.pretraining.TokenPredictionObjective;
import dev.rsr.error.ConfigurationException;
import dev.rsr.plugin.PluginRegistry;
import dev.rsr.spi.PretrainingObjective;
import dev.rsr.text.SubwordTokenizer;
import dev.rsr.text.WordTokenizer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PretrainingObjectivesTest {
    private static final List<String> CORPUS = SyntheticTasks.generate("negation", 500, 1).stream().map(TextExample::text).toList();
    private static final SubwordTokenizer TOKENIZER = SubwordTokenizer.train(CORPUS, 200);

    @Test
    void maskedTokensFollowBertsRecipe() {
        long[] tokens = TOKENIZER.encode(String.join(" ", CORPUS.subList(0, 40)), 400);
        int chosen = 0, masked = 0, kept = 0;
        SplittableRandom random = new SplittableRandom(3);
        for (int rep = 0; rep < 50; rep++) {
            TokenPredictionObjective.Corruption c = new MaskedTokenObjective().corrupt(tokens, TOKENIZER, random);
            assertEquals(tokens.length, c.input().length);
            for (int k = 0; k < c.positions().length; k++) {
                int i = c.positions()[k];
                assertEquals(tokens[i], c.targets()[k], "the target is the original token");
                masked += c.input()[i] == SubwordTokenizer.MASK ? 1 : 0;
                kept += c.input()[i] == tokens[i] ? 1 : 0;
            }
            for (int i = 0; i < tokens.length; i++) {
                final int pos = i;
                if (java.util.Arrays.stream(c.positions()).noneMatch(p -> p == pos)) {
                    assertEquals(tokens[i], c.input()[i], "unchosen positions are untouched");
                }
            }
            chosen += c.positions().length;
        }
        double rate = chosen / (50.0 * tokens.length);
        assertTrue(rate > 0.12 && rate < 0.18, "chosen rate " + rate);
        assertTrue(masked / (double) chosen > 0.75 && masked / (double) chosen < 0.85, "mask share " + masked / (double) chosen);
        assertTrue(kept / (double) chosen > 0.06 && kept / (double) chosen < 0.16, "kept share " + kept / (double) chosen);
        assertThrows(ConfigurationException.class, () -> new MaskedTokenObjective().corrupt(new long[] {5, 6},
                WordTokenizer.train(CORPUS, 50, 1), random), "a tokenizer without a mask token");
    }

    @Test
    void denoisingPredictsEveryPositionFromARandomlyCorruptedInput() {
        long[] tokens = TOKENIZER.encode(CORPUS.get(0) + " " + CORPUS.get(1) + " " + CORPUS.get(2), 100);
        TokenPredictionObjective.Corruption c = new DenoisingObjective().corrupt(tokens, TOKENIZER, new SplittableRandom(1));
        assertArrayEquals(tokens, c.targets());
        assertEquals(tokens.length, c.positions().length);
        assertNotEquals(java.util.Arrays.toString(tokens), java.util.Arrays.toString(c.input()));
        assertTrue(java.util.Arrays.stream(c.input()).noneMatch(id -> id == SubwordTokenizer.MASK));
    }

    @Test
    void theBuiltInObjectivesAreDiscoveredByName() {
        assertEquals(List.of("mlm", "denoising", "contrastive"), PluginRegistry.discover(PretrainingObjective.class).names());
    }
}
