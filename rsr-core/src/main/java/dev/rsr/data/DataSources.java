package dev.rsr.data;

import dev.rsr.error.ConfigurationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Named data sets: {@code wordnet-noun}, {@code wordnet-verb} (supersense from gloss),
 * {@code wordnet-pos} (part of speech from gloss), {@code fortunes[:cat1,cat2,…]} (category from
 * text, balanced), {@code synthetic:TASK} (see {@link SyntheticTasks}).
 *
 * @param wordnetDir   where WordNet's data files are
 * @param fortunesDir  where the fortune files are
 * @param syntheticSize examples to generate for synthetic tasks
 * @param seed         seed of generation and balancing
 */
public record DataSources(Path wordnetDir, Path fortunesDir, int syntheticSize, long seed) {
    public static final List<String> NAMES = List.of("wordnet-noun", "wordnet-verb", "wordnet-pos", "fortunes[:cat1,cat2,...]",
            "synthetic:negation", "synthetic:word-order", "synthetic:agreement");

    public static DataSources defaults() {
        return new DataSources(WordNet.DEFAULT_DIR, Fortunes.DEFAULT_DIR, 5000, 42);
    }

    public List<TextExample> load(String source) {
        if (source.equals("wordnet-noun")) {
            return WordNet.supersenses(wordnetDir, "noun");
        }
        if (source.equals("wordnet-verb")) {
            return WordNet.supersenses(wordnetDir, "verb");
        }
        if (source.equals("wordnet-pos")) {
            return WordNet.partsOfSpeech(wordnetDir);
        }
        if (source.equals("fortunes") || source.startsWith("fortunes:")) {
            List<String> categories = source.equals("fortunes") ? Fortunes.DEFAULT_CATEGORIES
                    : Arrays.stream(source.substring("fortunes:".length()).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (categories.size() < 2) {
                throw new ConfigurationException("source " + source + ": name at least two fortune categories");
            }
            return balance(Fortunes.read(fortunesDir, categories), Integer.MAX_VALUE, seed);
        }
        if (source.startsWith("synthetic:")) {
            return SyntheticTasks.generate(source.substring("synthetic:".length()), syntheticSize, seed);
        }
        throw new ConfigurationException("unknown data source '" + source + "'; choose one of " + String.join(", ", NAMES));
    }

    /** Names of the unlabelled corpora {@link #corpus} reads. */
    public static final List<String> CORPORA = List.of("wordnet-all", "wordnet-links", "fortunes", "synthetic");

    /**
     * Texts for pretraining: {@code wordnet-all} (every synset of every part of speech as a
     * dictionary entry, its words then its gloss; no supersense),
     * {@code wordnet-links} (each gloss paired with the gloss of a word it uses, for the contrastive
     * objective: see {@link DefinitionLinks}),
     * {@code fortunes} (every entry of every category file), {@code synthetic} (sentences of all
     * synthetic tasks, {@link #syntheticSize} per task).
     */
    public List<String> corpus(String name) {
        return switch (name) {
            case "wordnet-all" -> allSynsets().stream().map(WordNet.Synset::entry).toList();
            case "wordnet-links" -> DefinitionLinks.of(allSynsets(), seed);
            case "fortunes" -> Fortunes.read(fortunesDir, Fortunes.categories(fortunesDir)).stream().map(TextExample::text).toList();
            case "synthetic" -> SyntheticTasks.NAMES.stream()
                    .flatMap(t -> SyntheticTasks.generate(t, syntheticSize, seed).stream().map(TextExample::text)).toList();
            default -> throw new ConfigurationException("unknown corpus '" + name + "'; choose from " + String.join(", ", CORPORA));
        };
    }

    /** Every WordNet synset, of every part of speech. */
    private List<WordNet.Synset> allSynsets() {
        return Stream.of("noun", "verb", "adj", "adv").flatMap(pos -> WordNet.synsets(wordnetDir, pos).stream()).toList();
    }

    /** At most {@code maxPerClass} examples per label and no more than the rarest label has: equal class sizes. */
    public static List<TextExample> balance(List<TextExample> examples, int maxPerClass, long seed) {
        Map<String, List<TextExample>> byLabel = new LinkedHashMap<>();
        examples.forEach(e -> byLabel.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e));
        int n = Math.min(maxPerClass, byLabel.values().stream().mapToInt(List::size).min().orElse(0));
        SplittableRandom random = new SplittableRandom(seed);
        List<TextExample> out = new ArrayList<>();
        byLabel.values().forEach(group -> out.addAll(Splits.shuffle(group, random).subList(0, n)));
        return out;
    }

    /** At most {@code maxPerClass} examples per label, rarer labels kept whole. */
    public static List<TextExample> capPerClass(List<TextExample> examples, int maxPerClass, long seed) {
        Map<String, List<TextExample>> byLabel = new LinkedHashMap<>();
        examples.forEach(e -> byLabel.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e));
        SplittableRandom random = new SplittableRandom(seed);
        List<TextExample> out = new ArrayList<>();
        byLabel.values().forEach(group -> {
            List<TextExample> shuffled = Splits.shuffle(group, random);
            out.addAll(shuffled.subList(0, Math.min(maxPerClass, shuffled.size())));
        });
        return out;
    }
}
