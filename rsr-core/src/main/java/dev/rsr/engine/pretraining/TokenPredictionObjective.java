package dev.rsr.engine.pretraining;

import dev.rsr.engine.TextBatches;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.spi.PretrainingObjective;
import dev.rsr.spi.Tokenizer;
import dev.rsr.training.Batch;
import dev.rsr.zoo.Heads;
import dev.rsr.zoo.TextClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Objectives that corrupt a sequence and predict original tokens at chosen positions, through
 * {@link Heads#maskedTokenPrediction}. Subclasses say how to corrupt.
 */
public abstract class TokenPredictionObjective implements PretrainingObjective {

    /**
     * @param input     the corrupted sequence, as long as the original
     * @param positions where to predict, indices into the sequence (at least one)
     * @param targets   the original token at each position
     */
    public record Corruption(long[] input, int[] positions, long[] targets) {
    }

    /**
     * Corrupts one sequence.
     *
     * @param tokens    the original token ids (not padded)
     * @param tokenizer the tokenizer that made them (for mask and special ids)
     * @param random    the randomness to use
     */
    public abstract Corruption corrupt(long[] tokens, Tokenizer tokenizer, SplittableRandom random);

    @Override
    public final ModelGraph withHead(ModelGraph encoder, String hiddenOutput, Tokenizer tokenizer, long seed) {
        return Heads.maskedTokenPrediction(encoder, hiddenOutput, tokenizer.vocabularySize(), seed);
    }

    @Override
    public final String logitsOutput() {
        return Heads.MLM_LOGITS;
    }

    @Override
    public final Batch batch(List<long[]> sequences, Tokenizer tokenizer, SplittableRandom random) {
        List<Corruption> corruptions = new ArrayList<>(sequences.size());
        List<long[]> inputs = new ArrayList<>(sequences.size());
        for (long[] s : sequences) {
            Corruption c = corrupt(s, tokenizer, random);
            corruptions.add(c);
            inputs.add(c.input());
        }
        Map<String, TensorData> feeds = TextBatches.padded(inputs, tokenizer.padId());
        long width = feeds.get(TextClassifier.INPUT_IDS).dim(1);
        List<Long> positions = new ArrayList<>();
        List<Long> targets = new ArrayList<>();
        for (int r = 0; r < corruptions.size(); r++) {
            Corruption c = corruptions.get(r);
            for (int k = 0; k < c.positions().length; k++) {
                positions.add(r * width + c.positions()[k]);
                targets.add(c.targets()[k]);
            }
        }
        feeds.put(Heads.MLM_POSITIONS, TensorData.vectorOfLongs(positions.stream().mapToLong(Long::longValue).toArray()));
        return new Batch(feeds, TensorData.vectorOfLongs(targets.stream().mapToLong(Long::longValue).toArray()));
    }

    /** A random non-special token id. */
    static long randomToken(Tokenizer tokenizer, SplittableRandom random) {
        long id;
        do {
            id = random.nextInt(tokenizer.vocabularySize());
        } while (tokenizer.isSpecial(id));
        return id;
    }

    /** Indices of about {@code rate} of the non-special positions, at least one. */
    static int[] choosePositions(long[] tokens, Tokenizer tokenizer, double rate, SplittableRandom random) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            if (!tokenizer.isSpecial(tokens[i])) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            candidates.add(0);
        }
        List<Integer> chosen = new ArrayList<>();
        for (int i : candidates) {
            if (random.nextDouble() < rate) {
                chosen.add(i);
            }
        }
        if (chosen.isEmpty()) {
            chosen.add(candidates.get(random.nextInt(candidates.size())));
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }
}
