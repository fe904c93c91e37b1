package dev.rsr.text;

import dev.rsr.error.ModelException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A plain word tokenizer: lower-cases, splits into runs of letters and digits (every other
 * non-space character is a token of its own), and maps words to ids by a vocabulary built from a
 * training corpus. Id 0 is padding, id 1 unknown words. Saved with the model as text
 * ({@link #serialize()}), so prediction tokenizes exactly as training did.
 */
public final class WordTokenizer extends VocabularyTokenizer {
    public static final String KIND = "word";
    public static final int PAD = 0;
    public static final int UNKNOWN = 1;
    private static final String HEADER = "rsr-word-tokenizer 1";

    private WordTokenizer(List<String> vocabulary) {
        super(vocabulary);
    }

    @Override
    String header() {
        return HEADER;
    }

    /** The {@code maxSize - 2} most frequent words of the corpus (ties broken alphabetically), plus padding and unknown. */
    public static WordTokenizer train(Iterable<String> corpus, int maxSize, int minCount) {
        if (maxSize < 3) {
            throw new IllegalArgumentException("a vocabulary needs room for at least one word besides padding and unknown; got size " + maxSize);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String text : corpus) {
            for (String w : words(text)) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.removeIf(e -> e.getValue() < minCount);
        sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<String> vocab = new ArrayList<>(List.of("[PAD]", "[UNK]"));
        for (int i = 0; i < sorted.size() && vocab.size() < maxSize; i++) {
            vocab.add(sorted.get(i).getKey());
        }
        return new WordTokenizer(vocab);
    }

    /** The words of a text, before vocabulary lookup. */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        String lower = text.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < lower.length()) {
            int cp = lower.codePointAt(i);
            int len = Character.charCount(cp);
            if (Character.isWhitespace(cp)) {
                i += len;
            } else if (Character.isLetterOrDigit(cp)) {
                int j = i;
                while (j < lower.length() && Character.isLetterOrDigit(lower.codePointAt(j))) {
                    j += Character.charCount(lower.codePointAt(j));
                }
                out.add(lower.substring(i, j));
                i = j;
            } else {
                out.add(lower.substring(i, i + len));
                i += len;
            }
        }
        return out;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public long[] encode(String text, int maxLength) {
        List<String> words = words(text);
        int n = Math.min(words.size(), maxLength);
        long[] out = new long[Math.max(n, 1)];
        if (n == 0) {
            out[0] = UNKNOWN; // An empty text still needs one position to attend to.
        }
        for (int i = 0; i < n; i++) {
            Integer id = id(words.get(i));
            out[i] = id != null ? id : UNKNOWN;
        }
        return out;
    }

    @Override
    public int length(String text) {
        return Math.max(1, words(text).size());
    }

    @Override
    public int padId() {
        return PAD;
    }

    @Override
    public java.util.OptionalInt maskId() {
        return java.util.OptionalInt.empty();
    }

    @Override
    public boolean isSpecial(long id) {
        return id == PAD || id == UNKNOWN;
    }

    public static WordTokenizer deserialize(String text, String source) {
        return new WordTokenizer(parse(text, HEADER, 2, source));
    }
}
