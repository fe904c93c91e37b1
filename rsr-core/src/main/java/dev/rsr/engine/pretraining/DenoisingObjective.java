package dev.rsr.engine.pretraining;

import dev.rsr.spi.Tokenizer;
import java.util.SplittableRandom;

/**
 * Denoising reconstruction: 15 % of the tokens are replaced by random tokens (no mask token, so
 * the model cannot tell which), and the model reconstructs the original at every position.
 */
public final class DenoisingObjective extends TokenPredictionObjective {
    public static final String NAME = "denoising";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Corruption corrupt(long[] tokens, Tokenizer tokenizer, SplittableRandom random) {
        int[] replaced = choosePositions(tokens, tokenizer, 0.15, random);
        long[] input = tokens.clone();
        for (int i : replaced) {
            input[i] = randomToken(tokenizer, random);
        }
        int[] all = new int[tokens.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return new Corruption(input, all, tokens.clone());
    }
}
