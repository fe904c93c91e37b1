package dev.rsr.engine;

import dev.rsr.training.Batch;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An endless stream of shuffled epochs over an {@link ExampleSet}, deterministic by seed: full
 * batches only; an epoch's remainder is dropped and the next epoch reshuffles. Not thread-safe.
 */
public final class ShuffledBatches {
    private final ExampleSet data;
    private final int batchSize;
    private final SplittableRandom random;
    private int[] order;
    private int position;
    private int epoch;

    /** Batches of {@code batchSize} (at most the number of examples), shuffled by {@code seed}. */
    public ShuffledBatches(ExampleSet data, int batchSize, long seed) {
        this.data = data;
        this.batchSize = Math.min(batchSize, data.size());
        this.random = new SplittableRandom(seed);
        reshuffle();
    }

    private void reshuffle() {
        order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        position = 0;
    }

    public Batch next() {
        if (position + batchSize > order.length) {
            epoch++;
            reshuffle();
        }
        int[] idx = Arrays.copyOfRange(order, position, position + batchSize);
        position += batchSize;
        return data.batch(idx);
    }

    /** Completed passes over the data. */
    public int epoch() {
        return epoch;
    }

    public int batchesPerEpoch() {
        return order.length / batchSize;
    }
}
