package dev.rsr.testkit;

import dev.rsr.training.Statistic;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The parameter sets the contracts run on: the trainable parameters of a tiny encoder with a
 * classifier head, in three states (typical, all zero, values over many orders of magnitude), and
 * scores and masks over them. Shapes cover a matrix, vectors, a fresh head and a one-element
 * tensor, so per-tensor rounding ({@code max(1, round(density·n))}) meets its edge cases.
 */
public final class TestParameters {
    /** Name, module and shape of each parameter of the sets, in model order. */
    private static final List<Spec> SPECS = List.of(
            new Spec("embeddings.word.weight", "embeddings", 12, 4),
            new Spec("encoder.layer0.attn.weight", "encoder.layer0", 4, 4),
            new Spec("encoder.layer0.attn.bias", "encoder.layer0", 4),
            new Spec("encoder.layer0.norm.weight", "encoder.layer0", 4),
            new Spec("encoder.layer1.ffn.weight", "encoder.layer1", 4, 8),
            new Spec("encoder.layer1.gate", "encoder.layer1", 1),
            new Spec("head.weight", "head", 4, 3),
            new Spec("head.bias", "head", 3));

    private record Spec(String name, String module, long... shape) {
    }

    private TestParameters() {
    }

    /** The parameters with typical values ({@link TestParameter#random}); the same seed gives the same set. */
    public static List<TestParameter> typical(long seed) {
        List<TestParameter> out = new ArrayList<>();
        for (int i = 0; i < SPECS.size(); i++) {
            Spec s = SPECS.get(i);
            out.add(TestParameter.random(s.name(), s.module(), s.shape(), seed * 31 + i));
        }
        return out;
    }

    /** The parameters with every weight and statistic zero ({@link TestParameter#zero}). */
    public static List<TestParameter> zero() {
        return SPECS.stream().map(s -> TestParameter.zero(s.name(), s.module(), s.shape())).toList();
    }

    /** The parameters with values over many orders of magnitude ({@link TestParameter#wideRange}). */
    public static List<TestParameter> wideRange(long seed) {
        List<TestParameter> out = new ArrayList<>();
        for (int i = 0; i < SPECS.size(); i++) {
            Spec s = SPECS.get(i);
            out.add(TestParameter.wideRange(s.name(), s.module(), s.shape(), seed * 31 + i));
        }
        return out;
    }

    /** Copies of {@code parameters} whose statistics are readable only as the scorer declared (see {@link TestParameter#restrictedTo}). */
    public static List<TestParameter> restrictedTo(List<TestParameter> parameters, Set<Statistic> allowed) {
        return parameters.stream().map(p -> p.restrictedTo(allowed)).toList();
    }

    /**
     * Importance scores for {@code parameters}, by name, as a scorer might give them: finite, of
     * either sign (movement scores are negative where a weight moves toward zero), with exact ties
     * and zeros. The same seed gives the same scores.
     */
    public static Map<String, float[]> scores(List<? extends TestParameter> parameters, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (TestParameter p : parameters) {
            float[] s = new float[p.elementCount()];
            for (int i = 0; i < s.length; i++) {
                int kind = random.nextInt(10);
                s[i] = kind == 0 ? 0f : kind == 1 ? 0.5f : (float) (random.nextGaussian() * Math.pow(10, random.nextDouble(-6, 2)));
            }
            out.put(p.name(), s);
        }
        return out;
    }

    /** All-zero scores for {@code parameters}, by name: what an importance of an all-zero gradient gives. */
    public static Map<String, float[]> zeroScores(List<? extends TestParameter> parameters) {
        Map<String, float[]> out = new LinkedHashMap<>();
        parameters.forEach(p -> out.put(p.name(), new float[p.elementCount()]));
        return out;
    }

    /** A mask of {@code elements} elements, each true with probability {@code density}; the same seed gives the same mask. */
    public static boolean[] mask(int elements, double density, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] m = new boolean[elements];
        for (int i = 0; i < elements; i++) {
            m[i] = random.nextDouble() < density;
        }
        return m;
    }

    /** A mask of {@code elements} elements all set to {@code value}. */
    public static boolean[] uniformMask(int elements, boolean value) {
        boolean[] m = new boolean[elements];
        Arrays.fill(m, value);
        return m;
    }
}
