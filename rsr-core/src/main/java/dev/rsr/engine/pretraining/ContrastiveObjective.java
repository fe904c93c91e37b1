package dev.rsr.engine.pretraining;

import dev.rsr.engine.TextBatches;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.spi.PretrainingObjective;
import dev.rsr.spi.Tokenizer;
import dev.rsr.training.Batch;
import dev.rsr.zoo.Heads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Contrastive pairing of two views of each text (in-batch negatives, as in SimCLR/SimCSE): each
 * sequence is cut in two, and the pooled, unit-length representation of one part must pick out
 * the other part among all parts in the batch. A text of the form {@code "head: body"} (a
 * dictionary entry: words, then gloss; or a linked gloss, then a gloss, from
 * {@link dev.rsr.data.DefinitionLinks}) is cut at its first colon, so the model learns to place a
 * definition next to the words it defines, or next to the definition of a word it uses; any
 * other text is cut near its middle. Trains exactly the pooled representation a classification
 * head later reads.
 */
public final class ContrastiveObjective implements PretrainingObjective {
    public static final String NAME = "contrastive";
    /** Softmax temperature of the cosine similarities (SimCSE's value). */
    static final double TEMPERATURE = 0.05;
    /** Bias that rules a pairing out. */
    private static final float EXCLUDED = -1e4f;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ModelGraph withHead(ModelGraph encoder, String hiddenOutput, Tokenizer tokenizer, long seed) {
        return Heads.pairContrast(encoder, hiddenOutput, TEMPERATURE, seed);
    }

    @Override
    public String logitsOutput() {
        return Heads.CONTRAST_LOGITS;
    }

    /** The two views of a sequence. */
    record Views(long[] first, long[] second) {
    }

    @Override
    public Batch batch(List<long[]> sequences, Tokenizer tokenizer, SplittableRandom random) {
        OptionalLong colon = singleToken(tokenizer, ":");
        // The same text twice in a batch would be its own negative.
        List<long[]> distinct = new ArrayList<>();
        for (long[] s : sequences) {
            if (distinct.stream().noneMatch(d -> Arrays.equals(d, s))) {
                distinct.add(s);
            }
        }
        int n = distinct.size();
        List<long[]> rows = new ArrayList<>(2 * n);
        List<long[]> seconds = new ArrayList<>(n);
        for (long[] s : distinct) {
            Views v = views(s, tokenizer, colon, random);
            rows.add(v.first());
            seconds.add(v.second());
        }
        rows.addAll(seconds);
        int count = rows.size();
        float[] bias = new float[count * count];
        long[] targets = new long[count];
        for (int r = 0; r < count; r++) {
            bias[r * count + r] = EXCLUDED; // a view never matches itself
            targets[r] = r < n ? r + n : r - n;
        }
        Map<String, TensorData> inputs = TextBatches.padded(rows, tokenizer.padId());
        inputs.put(Heads.CONTRAST_BIAS, TensorData.ofFloats(new long[] {count, count}, bias));
        return new Batch(inputs, TensorData.vectorOfLongs(targets));
    }

    /**
     * Cuts a sequence's body (between its leading and trailing special tokens) in two, each part
     * wrapped in those special tokens: at the first colon with words on both sides, else at a
     * random point in its middle half. A body of one token gives two copies.
     */
    static Views views(long[] tokens, Tokenizer tokenizer, OptionalLong colon, SplittableRandom random) {
        int start = 0;
        while (start < tokens.length && tokenizer.isSpecial(tokens[start])) {
            start++;
        }
        int end = tokens.length;
        while (end > start && tokenizer.isSpecial(tokens[end - 1])) {
            end--;
        }
        int length = end - start;
        if (length < 2) {
            return new Views(tokens.clone(), tokens.clone());
        }
        int cut = -1;
        if (colon.isPresent()) {
            for (int i = start + 1; i < end - 1 && cut < 0; i++) {
                if (tokens[i] == colon.getAsLong()) {
                    cut = i;
                }
            }
        }
        if (cut >= 0) {
            return new Views(wrap(tokens, start, end, start, cut), wrap(tokens, start, end, cut + 1, end));
        }
        int lo = Math.max(1, length / 4);
        int hi = Math.max(lo, Math.min(length - 1, length - length / 4));
        cut = start + lo + random.nextInt(hi - lo + 1);
        return new Views(wrap(tokens, start, end, start, cut), wrap(tokens, start, end, cut, end));
    }

    /** {@code tokens[from, to)} between the sequence's leading specials ({@code [0, bodyStart)}) and trailing ones ({@code [bodyEnd, length)}). */
    private static long[] wrap(long[] tokens, int bodyStart, int bodyEnd, int from, int to) {
        int trailing = tokens.length - bodyEnd;
        long[] out = new long[bodyStart + (to - from) + trailing];
        System.arraycopy(tokens, 0, out, 0, bodyStart);
        System.arraycopy(tokens, from, out, bodyStart, to - from);
        System.arraycopy(tokens, bodyEnd, out, bodyStart + (to - from), trailing);
        return out;
    }

    /** The id of a text that is a single non-special token, if the tokenizer has one. */
    static OptionalLong singleToken(Tokenizer tokenizer, String text) {
        long[] ids = Arrays.stream(tokenizer.encode(text, 16)).filter(id -> !tokenizer.isSpecial(id)).toArray();
        return ids.length == 1 ? OptionalLong.of(ids[0]) : OptionalLong.empty();
    }
}
