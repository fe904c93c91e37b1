package dev.rsr.engine.pretraining;

import dev.rsr.error.ConfigurationException;
import dev.rsr.spi.Tokenizer;
import java.util.SplittableRandom;

/**
 * BERT's masked-token prediction: 15 % of the tokens are chosen; of those 80 % become the mask
 * token, 10 % a random token, 10 % stay; the model predicts the originals at the chosen positions.
 */
public final class MaskedTokenObjective extends TokenPredictionObjective {
    public static final String NAME = "mlm";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Corruption corrupt(long[] tokens, Tokenizer tokenizer, SplittableRandom random) {
        int mask = tokenizer.maskId().orElseThrow(() -> new ConfigurationException("objective '" + NAME
                + "' needs a tokenizer with a mask token; the " + tokenizer.kind() + " tokenizer has none (use a subword tokenizer)"));
        int[] positions = choosePositions(tokens, tokenizer, 0.15, random);
        long[] input = tokens.clone();
        long[] targets = new long[positions.length];
        for (int k = 0; k < positions.length; k++) {
            int i = positions[k];
            targets[k] = tokens[i];
            double u = random.nextDouble();
            if (u < 0.8) {
                input[i] = mask;
            } else if (u < 0.9) {
                input[i] = randomToken(tokenizer, random);
            }
        }
        return new Corruption(input, positions, targets);
    }
}
