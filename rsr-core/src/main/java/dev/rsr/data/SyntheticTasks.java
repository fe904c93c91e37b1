package dev.rsr.data;

import dev.rsr.error.ConfigurationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * Generated text classification tasks, deterministic by seed, so demos and tests need no files.
 * In each, the label depends on how words combine: the same bag of words occurs under both
 * labels, so a bag-of-words model cannot solve them perfectly.
 *
 * <ul>
 *   <li>{@code negation}: sentiment with negation scope. "the plot was not good and i was
 *       surprised" is negative, "the plot was good and i was not surprised" positive.</li>
 *   <li>{@code word-order}: who acts. "the teacher chased the dog" is {@code person}, "the dog
 *       chased the teacher" {@code animal}.</li>
 *   <li>{@code agreement}: subject-verb agreement across an attractor. "the dog near the cats
 *       runs" is {@code grammatical}, "the cats near the dog runs" {@code ungrammatical}.</li>
 * </ul>
 */
public final class SyntheticTasks {
    public static final List<String> NAMES = List.of("negation", "word-order", "agreement");

    private SyntheticTasks() {
    }

    private static final String[] SUBJECTS = {"the movie", "the film", "the plot", "the acting", "the story", "the music",
        "the ending", "the cast", "the script", "the book"};
    private static final String[] POSITIVE = {"good", "great", "lovely", "superb", "moving", "clever", "funny", "brilliant"};
    private static final String[] NEGATIVE = {"bad", "awful", "dull", "boring", "weak", "clumsy", "silly", "tedious"};
    private static final String[] ADVERBS = {"really", "quite", "truly", "rather", "very", "so"};
    private static final String[] NEGATIONS = {"not", "never", "hardly"};
    private static final String[] AFTERTHOUGHTS = {"surprised", "bored", "convinced", "impressed", "annoyed"};

    private static final String[] PEOPLE = {"teacher", "farmer", "doctor", "child", "pilot", "baker", "nurse", "poet"};
    private static final String[] ANIMALS = {"dog", "cat", "horse", "fox", "goose", "bear", "rabbit", "mouse"};
    private static final String[] NEUTRAL_VERBS = {"chased", "followed", "watched", "found", "heard", "saw", "ignored", "greeted"};

    private static final String[][] NOUNS = {{"dog", "dogs"}, {"cat", "cats"}, {"key", "keys"}, {"box", "boxes"},
        {"student", "students"}, {"tree", "trees"}, {"car", "cars"}, {"song", "songs"}};
    private static final String[] PREPOSITIONS = {"near", "behind", "beside", "with", "of", "under"};
    private static final String[][] VERBS = {{"runs", "run"}, {"is", "are"}, {"was", "were"}, {"falls", "fall"},
        {"matters", "matter"}, {"stays", "stay"}};

    /** {@code count} examples of the named task. */
    public static List<TextExample> generate(String task, int count, long seed) {
        BiFunction<SplittableRandom, Integer, TextExample> make = switch (task) {
            case "negation" -> SyntheticTasks::negation;
            case "word-order" -> SyntheticTasks::wordOrder;
            case "agreement" -> SyntheticTasks::agreement;
            default -> throw new ConfigurationException("unknown synthetic task '" + task + "'; choose one of " + NAMES);
        };
        SplittableRandom r = new SplittableRandom(seed);
        List<TextExample> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(make.apply(r, i));
        }
        return out;
    }

    private static TextExample negation(SplittableRandom r, int i) {
        boolean positiveWord = r.nextBoolean();
        boolean negated = r.nextBoolean();
        StringBuilder text = new StringBuilder(pick(r, SUBJECTS)).append(r.nextBoolean() ? " was " : " is ");
        if (negated) {
            text.append(pick(r, NEGATIONS)).append(' ');
        }
        if (r.nextBoolean()) {
            text.append(pick(r, ADVERBS)).append(' ');
        }
        text.append(pick(r, positiveWord ? POSITIVE : NEGATIVE));
        if (r.nextBoolean()) {
            // An afterthought whose own negation does not reach the sentiment word.
            text.append(" and i was ").append(r.nextBoolean() ? pick(r, NEGATIONS) + " " : "").append(pick(r, AFTERTHOUGHTS));
        }
        return example(text, positiveWord != negated ? "positive" : "negative", "negation", i);
    }

    private static TextExample wordOrder(SplittableRandom r, int i) {
        boolean personActs = r.nextBoolean();
        String person = "the " + pick(r, PEOPLE);
        String animal = "the " + pick(r, ANIMALS);
        String verb = pick(r, NEUTRAL_VERBS);
        StringBuilder text = new StringBuilder(personActs ? person : animal).append(' ').append(verb).append(' ')
                .append(personActs ? animal : person);
        if (r.nextInt(3) == 0) {
            text.append(r.nextBoolean() ? " today" : " again");
        }
        return example(text, personActs ? "person" : "animal", "word-order", i);
    }

    private static TextExample agreement(SplittableRandom r, int i) {
        int head = r.nextInt(NOUNS.length);
        int attractor = (head + 1 + r.nextInt(NOUNS.length - 1)) % NOUNS.length;
        boolean headPlural = r.nextBoolean();
        boolean attractorPlural = r.nextInt(4) != 0 ? !headPlural : headPlural; // mostly the opposite number
        boolean verbPlural = r.nextBoolean();
        String[] verb = VERBS[r.nextInt(VERBS.length)];
        StringBuilder text = new StringBuilder("the ").append(NOUNS[head][headPlural ? 1 : 0]).append(' ')
                .append(pick(r, PREPOSITIONS)).append(" the ").append(NOUNS[attractor][attractorPlural ? 1 : 0]).append(' ')
                .append(verb[verbPlural ? 1 : 0]);
        return example(text, verbPlural == headPlural ? "grammatical" : "ungrammatical", "agreement", i);
    }

    private static TextExample example(StringBuilder text, String label, String task, int i) {
        return new TextExample(text.toString(), label, "synthetic " + task + " #" + (i + 1));
    }

    /** How many distinct bags of words occur under more than one label. */
    public static int bagOfWordsConflicts(List<TextExample> examples) {
        Map<String, Set<String>> labelsByBag = new HashMap<>();
        for (TextExample e : examples) {
            String[] words = e.text().split(" ");
            Arrays.sort(words);
            labelsByBag.computeIfAbsent(String.join(" ", words), k -> new HashSet<>()).add(e.label());
        }
        return (int) labelsByBag.values().stream().filter(s -> s.size() > 1).count();
    }

    /** The examples as {@code text<TAB>label} lines, with a header. */
    public static String toTsv(List<TextExample> examples) {
        StringBuilder sb = new StringBuilder("text\tlabel\n");
        examples.forEach(e -> sb.append(e.text()).append('\t').append(e.label()).append('\n'));
        return sb.toString();
    }

    private static String pick(SplittableRandom r, String[] words) {
        return words[r.nextInt(words.length)];
    }
}
