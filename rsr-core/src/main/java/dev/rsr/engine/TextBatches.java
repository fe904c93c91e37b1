package dev.rsr.engine;

import dev.rsr.ir.TensorData;
import dev.rsr.training.Batch;
import dev.rsr.zoo.TextClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Mini-batches of encoded texts, padded to the longest text in the batch (mask 0), as the
 * {@code input_ids} and {@code attention_mask} inputs of a text classifier, and all-zero
 * {@code token_type_ids} for models (BERT-style) that take them.
 */
public final class TextBatches {
    public static final String TOKEN_TYPE_IDS = "token_type_ids";

    private TextBatches() {
    }

    /** The inputs a model takes: its feed inputs decide whether token type ids are added. */
    public record Layout(long padId, boolean tokenTypes) {
        public static Layout of(dev.rsr.ir.ModelGraph model, dev.rsr.spi.Tokenizer tokenizer) {
            return new Layout(tokenizer.padId(), model.graph().input(TOKEN_TYPE_IDS).isPresent());
        }
    }

    /** The examples at {@code indices} as one batch. */
    public static Batch batch(TextTask.EncodedExamples data, int[] indices, Layout layout) {
        List<long[]> rows = new ArrayList<>(indices.length);
        long[] labels = new long[indices.length];
        for (int r = 0; r < indices.length; r++) {
            rows.add(data.tokenIds().get(indices[r]));
            labels[r] = data.classes()[indices[r]];
        }
        Map<String, TensorData> inputs = padded(rows, layout.padId());
        if (layout.tokenTypes()) {
            TensorData ids = inputs.get(TextClassifier.INPUT_IDS);
            inputs.put(TOKEN_TYPE_IDS, TensorData.ofLongs(ids.shape(), new long[ids.elementCount()]));
        }
        return new Batch(inputs, TensorData.ofLongs(new long[] {indices.length}, labels));
    }

    /**
     * Token id rows padded with {@code padId} to the longest (at least 1): {@code input_ids} and
     * {@code attention_mask} ({@code [rows, width]}, 1 where a row has a token), in a map callers
     * may add inputs to.
     */
    public static Map<String, TensorData> padded(List<long[]> rows, long padId) {
        int width = 1;
        for (long[] row : rows) {
            width = Math.max(width, row.length);
        }
        long[] ids = new long[rows.size() * width];
        java.util.Arrays.fill(ids, padId);
        long[] mask = new long[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            long[] tokens = rows.get(r);
            System.arraycopy(tokens, 0, ids, r * width, tokens.length);
            java.util.Arrays.fill(mask, r * width, r * width + tokens.length, 1L);
        }
        long[] shape = {rows.size(), width};
        Map<String, TensorData> inputs = new java.util.LinkedHashMap<>();
        inputs.put(TextClassifier.INPUT_IDS, TensorData.ofLongs(shape, ids));
        inputs.put(TextClassifier.ATTENTION_MASK, TensorData.ofLongs(shape, mask));
        return inputs;
    }

    /** The encoded texts as an {@link ExampleSet}, batched as {@link #batch} does. */
    public static ExampleSet examples(TextTask.EncodedExamples data, Layout layout) {
        return new ExampleSet() {
            @Override
            public int size() {
                return data.size();
            }

            @Override
            public Batch batch(int[] indices) {
                return TextBatches.batch(data, indices, layout);
            }
        };
    }

    /** Consecutive batches over all examples in order (the last may be smaller): for evaluation. */
    public static List<Batch> inOrder(TextTask.EncodedExamples data, int batchSize, Layout layout) {
        List<Batch> out = new ArrayList<>();
        for (int start = 0; start < data.size(); start += batchSize) {
            int n = Math.min(batchSize, data.size() - start);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = start + i;
            }
            out.add(batch(data, idx, layout));
        }
        return out;
    }

    /** An endless stream of shuffled epochs, deterministic by seed ({@link ShuffledBatches} over the encoded texts). */
    public static final class Shuffled {
        private final ShuffledBatches batches;

        public Shuffled(TextTask.EncodedExamples data, int batchSize, long seed, Layout layout) {
            this.batches = new ShuffledBatches(examples(data, layout), batchSize, seed);
        }

        public Batch next() {
            return batches.next();
        }

        /** Completed passes over the data. */
        public int epoch() {
            return batches.epoch();
        }

        public int batchesPerEpoch() {
            return batches.batchesPerEpoch();
        }
    }
}
