package dev.rsr.text;

import dev.rsr.error.ModelException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A WordPiece-style sub-word tokenizer trained on a corpus. Words (as {@link WordTokenizer#words}
 * splits them) are cut greedily into the longest vocabulary pieces: a word-initial piece, then
 * continuation pieces written {@code ##piece}. Every character seen in training is a piece, so
 * words made of known characters never become unknown. Ids 0-2 are {@code [PAD]}, {@code [UNK]},
 * {@code [MASK]}.
 *
 * <p>Training keeps the most frequent whole words and the most useful pieces, scoring a piece
 * by how often it occurs times how many characters it covers beyond one.
 */
public final class SubwordTokenizer extends VocabularyTokenizer {
    public static final String KIND = "subword";
    public static final int PAD = 0;
    public static final int UNKNOWN = 1;
    public static final int MASK = 2;
    private static final String HEADER = "rsr-subword-tokenizer 1";
    private static final int MAX_PIECE = 12;
    private static final int CACHE_LIMIT = 200_000;

    private final Map<String, long[]> cache = new ConcurrentHashMap<>();

    private SubwordTokenizer(List<String> vocabulary) {
        super(vocabulary);
    }

    @Override
    String header() {
        return HEADER;
    }

    public static SubwordTokenizer train(Iterable<String> corpus, int vocabularySize) {
        if (vocabularySize < 16) {
            throw new IllegalArgumentException("a sub-word vocabulary needs at least 16 entries, got " + vocabularySize);
        }
        Map<String, Long> words = new HashMap<>();
        for (String text : corpus) {
            for (String w : WordTokenizer.words(text)) {
                words.merge(w, 1L, Long::sum);
            }
        }
        Set<String> vocab = new LinkedHashSet<>(List.of("[PAD]", "[UNK]", "[MASK]"));
        Map<String, Long> score = new HashMap<>();
        for (Map.Entry<String, Long> e : words.entrySet()) {
            String w = e.getKey();
            long f = e.getValue();
            int[] cps = w.codePoints().toArray();
            for (int i = 0; i < cps.length; i++) {
                String c = new String(cps, i, 1);
                vocab.add(c);
                vocab.add("##" + c);
                for (int j = i + 2; j <= Math.min(cps.length, i + MAX_PIECE); j++) {
                    String piece = (i == 0 ? "" : "##") + new String(cps, i, j - i);
                    score.merge(piece, f * (j - i - 1), Long::sum);
                }
            }
        }
        List<Map.Entry<String, Long>> ranked = new ArrayList<>(score.entrySet());
        ranked.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        for (int i = 0; i < ranked.size() && vocab.size() < vocabularySize; i++) {
            vocab.add(ranked.get(i).getKey());
        }
        return new SubwordTokenizer(new ArrayList<>(vocab));
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public long[] encode(String text, int maxLength) {
        List<Long> out = new ArrayList<>();
        for (String w : WordTokenizer.words(text)) {
            for (long id : pieces(w)) {
                if (out.size() == maxLength) {
                    break;
                }
                out.add(id);
            }
        }
        if (out.isEmpty()) {
            return new long[] {UNKNOWN}; // An empty text still needs one position to attend to.
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public int length(String text) {
        int n = 0;
        for (String w : WordTokenizer.words(text)) {
            n += pieces(w).length;
        }
        return Math.max(n, 1);
    }

    /** Greedy longest-match-first pieces of one word; the whole word is unknown if some part matches nothing. */
    long[] pieces(String word) {
        long[] cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        List<Long> out = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = Math.min(word.length(), start + MAX_PIECE * 2);
            Integer id = null;
            while (end > start) {
                id = id((start > 0 ? "##" : "") + word.substring(start, end));
                if (id != null) {
                    break;
                }
                end--;
            }
            if (id == null) {
                out = List.of((long) UNKNOWN);
                break;
            }
            out.add((long) id);
            start = end;
        }
        long[] result = out.stream().mapToLong(Long::longValue).toArray();
        if (cache.size() < CACHE_LIMIT) {
            cache.put(word, result);
        }
        return result;
    }

    @Override
    public int padId() {
        return PAD;
    }

    @Override
    public OptionalInt maskId() {
        return OptionalInt.of(MASK);
    }

    @Override
    public boolean isSpecial(long id) {
        return id <= MASK;
    }

    public static SubwordTokenizer deserialize(String text, String source) {
        return new SubwordTokenizer(parse(text, HEADER, 3, source));
    }
}
