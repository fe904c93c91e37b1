package dev.rsr.data;

import dev.rsr.error.ConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Train/eval splits. */
public final class Splits {
    private Splits() {
    }

    /** Two disjoint parts of a data set. */
    public record Split(List<TextExample> train, List<TextExample> eval) {
        public Split {
            train = List.copyOf(train);
            eval = List.copyOf(eval);
        }
    }

    /**
     * Each label's examples shuffled (by seed) and {@code evalFraction} of them, rounded, put in
     * eval: both parts keep the label shares of the whole. Order within each part is shuffled too.
     */
    public static Split stratified(List<TextExample> examples, double evalFraction, long seed) {
        if (!(evalFraction > 0 && evalFraction < 1)) {
            throw new ConfigurationException("the eval fraction must be between 0 and 1, got " + evalFraction);
        }
        Map<String, List<TextExample>> byLabel = new LinkedHashMap<>();
        examples.forEach(e -> byLabel.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e));
        SplittableRandom random = new SplittableRandom(seed);
        List<TextExample> train = new ArrayList<>();
        List<TextExample> eval = new ArrayList<>();
        for (List<TextExample> group : byLabel.values()) {
            List<TextExample> shuffled = shuffle(group, random);
            int n = (int) Math.round(group.size() * evalFraction);
            eval.addAll(shuffled.subList(0, n));
            train.addAll(shuffled.subList(n, shuffled.size()));
        }
        return new Split(shuffle(train, random), shuffle(eval, random));
    }

    /** A seeded shuffled copy. */
    public static <T> List<T> shuffle(List<T> items, SplittableRandom random) {
        List<T> out = new ArrayList<>(items);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        return out;
    }
}
