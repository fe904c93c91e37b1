package dev.rsr.spi;

import dev.rsr.text.Tokenizer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A task-agnostic pretraining objective: how to corrupt token sequences and which original
 * tokens to predict where. The model predicts a token at each chosen position from the corrupted
 * sequence; the loss is cross-entropy against the originals.
 */
public interface PretrainingObjective extends NamedProvider {

    /**
     * Corrupts one sequence.
     *
     * @param tokens    the original token ids (not padded)
     * @param tokenizer the tokenizer that made them (for mask and special ids)
     * @param random    the randomness to use (seeded per step by the caller, for resumable runs)
     */
    Corruption corrupt(long[] tokens, Tokenizer tokenizer, SplittableRandom random);

    /**
     * @param input     the corrupted sequence, as long as the original
     * @param positions where to predict, indices into the sequence (at least one)
     * @param targets   the original token at each position
     */
    record Corruption(long[] input, int[] positions, long[] targets) {
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
        List<Integer> candidates = new java.util.ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            if (!tokenizer.isSpecial(tokens[i])) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            candidates.add(0);
        }
        List<Integer> chosen = new java.util.ArrayList<>();
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
