package dev.rsr.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pairs each dictionary definition with the definition of a word it uses, as {@code "linked
 * gloss : gloss"} texts for the contrastive objective (which cuts a text at its first colon). A
 * definition names its genus early ("a domesticated carnivorous <em>mammal</em> …"), so pulling
 * linked definitions together lets whole families of meaning gather, hop by hop, without a label.
 *
 * <p>The linked word is a headword of the dictionary, taken from the definition's first clause
 * (before any {@code ;} and its examples), not one of the entry's own words, and rare enough to
 * carry meaning: used in at most {@link #MAX_DOCUMENT_FREQUENCY} of all definitions (or in one,
 * in a small dictionary), which rules out "a", "of", "genus" and the like. Words with a sense of
 * the entry's own part of speech are preferred, and so is that sense. Each entry gets two links: its first such word and a
 * randomly chosen one, each to a randomly chosen sense. Deterministic by seed.
 */
public final class DefinitionLinks {
    /** Largest share of definitions a word may appear in and still be linked. */
    static final double MAX_DOCUMENT_FREQUENCY = 0.005;
    private static final Pattern WORD = Pattern.compile("[a-z]+(?:-[a-z]+)*");

    private DefinitionLinks() {
    }

    /** The {@code "linked gloss : gloss"} texts of these synsets (all parts of speech together). */
    public static List<String> of(List<WordNet.Synset> synsets, long seed) {
        Map<String, Integer> documentFrequency = new HashMap<>();
        Map<String, List<Integer>> sensesOf = new HashMap<>();
        for (int i = 0; i < synsets.size(); i++) {
            new HashSet<>(words(synsets.get(i).gloss())).forEach(w -> documentFrequency.merge(w, 1, Integer::sum));
            for (String headword : synsets.get(i).words()) {
                String key = headword.toLowerCase(Locale.ROOT);
                if (WORD.matcher(key).matches()) {
                    sensesOf.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
                }
            }
        }
        long maxCount = Math.max(1, (long) (MAX_DOCUMENT_FREQUENCY * synsets.size()));
        SplittableRandom random = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (WordNet.Synset synset : synsets) {
            Set<String> own = new HashSet<>();
            synset.words().forEach(w -> own.add(w.toLowerCase(Locale.ROOT)));
            List<String> candidates = words(synset.gloss().split(";", 2)[0]).stream()
                    .filter(w -> sensesOf.containsKey(w) && documentFrequency.getOrDefault(w, 0) <= maxCount && !own.contains(w)).toList();
            List<String> samePos = candidates.stream().filter(w -> !sensesOfPos(sensesOf.get(w), synsets, synset).isEmpty()).toList();
            if (!samePos.isEmpty()) {
                candidates = samePos;
            }
            if (candidates.isEmpty()) {
                continue;
            }
            for (String word : List.of(candidates.get(0), candidates.get(random.nextInt(candidates.size())))) {
                List<Integer> senses = sensesOfPos(sensesOf.get(word), synsets, synset);
                if (senses.isEmpty()) {
                    senses = sensesOf.get(word);
                }
                WordNet.Synset linked = synsets.get(senses.get(random.nextInt(senses.size())));
                out.add(withoutColons(linked.gloss()) + " : " + withoutColons(synset.gloss()));
            }
        }
        return out;
    }

    /** Those of {@code senses} (indices into {@code synsets}) of the same part of speech as {@code synset}. */
    private static List<Integer> sensesOfPos(List<Integer> senses, List<WordNet.Synset> synsets, WordNet.Synset synset) {
        return senses.stream().filter(j -> synsets.get(j).partOfSpeech().equals(synset.partOfSpeech())).toList();
    }

    /**
     * Lower-case words (letters, inner hyphens) of a text, in order. Not {@code
     * WordTokenizer.words}: that splits at hyphens, and headwords such as "warm-blooded" must match
     * whole.
     */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** A colon inside a gloss would move the cut between the two views. */
    private static String withoutColons(String gloss) {
        return gloss.replace(':', ',');
    }
}
