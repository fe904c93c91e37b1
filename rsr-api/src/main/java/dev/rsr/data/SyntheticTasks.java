package dev.rsr.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated text classification tasks, deterministic by seed, so that demos and tests need no
 * files. Their labels depend on how words combine, not only on which words occur.
 */
public final class SyntheticTasks {
    private SyntheticTasks() {
    }

    private static final String[] SUBJECTS = {"the movie", "the film", "the plot", "the acting", "the story", "the music",
        "the ending", "the cast", "the script", "the book"};
    private static final String[] POSITIVE = {"good", "great", "lovely", "superb", "moving", "clever", "funny", "brilliant"};
    private static final String[] NEGATIVE = {"bad", "awful", "dull", "boring", "weak", "clumsy", "silly", "tedious"};
    private static final String[] ADVERBS = {"really", "quite", "truly", "rather", "very", "so"};
    private static final String[] OPENERS = {"honestly", "overall", "i think", "in my view", "to be fair", "sadly", "frankly"};
    private static final String[] NEGATIONS = {"not", "never", "hardly"};

    /**
     * Sentiment with negation: "the plot was not really good" is negative, "the plot was never
     * dull" positive. The sentiment word alone gives the label only half the time; a model must
     * see whether a negation precedes it.
     */
    public static List<TextExample> negatedSentiment(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<TextExample> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean positiveWord = r.nextBoolean();
            boolean negated = r.nextBoolean();
            StringBuilder text = new StringBuilder();
            if (r.nextInt(3) == 0) {
                text.append(pick(r, OPENERS)).append(' ');
            }
            text.append(pick(r, SUBJECTS)).append(r.nextBoolean() ? " was " : " is ");
            if (negated) {
                text.append(pick(r, NEGATIONS)).append(' ');
            }
            if (r.nextBoolean()) {
                text.append(pick(r, ADVERBS)).append(' ');
            }
            text.append(pick(r, positiveWord ? POSITIVE : NEGATIVE));
            boolean positive = positiveWord != negated;
            out.add(new TextExample(text.toString(), positive ? "positive" : "negative", "synthetic negated-sentiment #" + (i + 1)));
        }
        return out;
    }

    /** The examples as {@code text<TAB>label} lines. */
    public static String toTsv(List<TextExample> examples) {
        StringBuilder sb = new StringBuilder("text\tlabel\n");
        examples.forEach(e -> sb.append(e.text()).append('\t').append(e.label()).append('\n'));
        return sb.toString();
    }

    private static String pick(SplittableRandom r, String[] words) {
        return words[r.nextInt(words.length)];
    }
}
