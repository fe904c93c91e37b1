package dev.rsr.text;

import dev.rsr.spi.Tokenizer;
import dev.rsr.error.ModelException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the built-in tokenizers share: a vocabulary (id = position), saved as a header line
 * followed by one entry per line.
 */
abstract class VocabularyTokenizer implements Tokenizer {
    private final List<String> vocabulary;
    private final Map<String, Integer> ids;

    VocabularyTokenizer(List<String> vocabulary) {
        this.vocabulary = List.copyOf(vocabulary);
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            m.put(vocabulary.get(i), i);
        }
        this.ids = Collections.unmodifiableMap(m);
    }

    /** The first line of the saved form, naming the format and its version. */
    abstract String header();

    /** The id of a vocabulary entry, or null. */
    final Integer id(String entry) {
        return ids.get(entry);
    }

    public final List<String> vocabulary() {
        return vocabulary;
    }

    @Override
    public final int vocabularySize() {
        return vocabulary.size();
    }

    @Override
    public final String serialize() {
        return header() + "\n" + String.join("\n", vocabulary);
    }

    /** The vocabulary of a saved form, checking its header and size. */
    static List<String> parse(String text, String header, int minEntries, String source) {
        String[] lines = text.split("\n", -1);
        if (lines.length < minEntries + 1 || !lines[0].equals(header)) {
            throw new ModelException(source + ": the saved tokenizer is not a '" + header + "' vocabulary");
        }
        return List.of(lines).subList(1, lines.length);
    }
}
