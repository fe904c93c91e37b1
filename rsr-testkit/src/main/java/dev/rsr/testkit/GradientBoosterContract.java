package dev.rsr.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rsr.spi.GradientBooster;
import dev.rsr.spi.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link GradientBooster}. Extend it and return your provider from
 * {@link #provider()}.
 *
 * <p>Besides {@linkplain ProviderContract name and settings}, it checks that a booster gives one
 * finite multiplier ≥ 0 per element whatever the mask (sparse, dense, full or empty) and the scores
 * (of either sign, all zero, or over many orders of magnitude); the same multipliers for the same
 * inputs; and leaves the scores and the parameter unchanged. The engine hands a booster a copy of
 * the mask, so writing to the mask is not checked.
 */
public abstract class GradientBoosterContract extends ProviderContract<GradientBooster, GradientBooster.Booster> {

    protected GradientBoosterContract() {
        super("booster");
    }

    @Override
    final GradientBooster.Booster create(GradientBooster provider, Settings settings) {
        return provider.create(settings);
    }

    /** The booster for {@link #settings()}, checked as the engine checks it. */
    protected final GradientBooster.Booster booster() {
        return configured();
    }

    /** A mask and how messages name it. */
    private record Mask(String label, boolean[] mask) {
    }

    /** The masks each parameter is boosted under: sparse, dense and full (an empty mask has a test of its own). */
    private List<Mask> masks(TestParameter p, int index) {
        int n = p.elementCount();
        return List.of(new Mask("a 30 % mask", TestParameters.mask(n, 0.3, seed() + index)),
                new Mask("a 90 % mask", TestParameters.mask(n, 0.9, seed() + 100 + index)),
                new Mask("an all-true mask", TestParameters.uniformMask(n, true)));
    }

    private float[] multipliers(GradientBooster.Booster booster, TestParameter p, float[] scores, Mask mask, String what) {
        return multipliers(booster, p, scores, mask.mask(), what + " " + p + " under " + mask.label());
    }

    /**
     * Multipliers of {@code p} under {@code mask} (handed over as a copy, as the engine does), checked:
     * one per element, finite and ≥ 0. {@code what} describes the input in messages.
     */
    protected final float[] multipliers(GradientBooster.Booster booster, TestParameter p, float[] scores, boolean[] mask, String what) {
        float[] m;
        try {
            m = booster.multipliers(p, scores, mask.clone());
        } catch (RuntimeException e) {
            return fail(provider().name() + ": multipliers() of " + what + " threw " + e, e);
        }
        Checks.perElement(m, p.elementCount(), true, provider().name() + ": multipliers of " + what);
        return m;
    }

    /** One finite multiplier ≥ 0 per element, under sparse, dense and full masks, for scores of either sign with ties and zeros. */
    @Test
    public void boostsEachElementFinitelyAndNonNegatively() {
        GradientBooster.Booster booster = booster();
        List<TestParameter> parameters = TestParameters.typical(seed());
        Map<String, float[]> scores = TestParameters.scores(parameters, seed());
        for (int i = 0; i < parameters.size(); i++) {
            TestParameter p = parameters.get(i);
            for (Mask mask : masks(p, i)) {
                multipliers(booster, p, scores.get(p.name()), mask, "typical");
            }
        }
    }

    /**
     * A tensor none of whose elements trains (a global top-k or a random mask can leave a small
     * tensor out entirely; the engine still asks for its multipliers) gets one finite multiplier ≥ 0
     * per element, for typical and all-zero scores.
     */
    @Test
    public void boostsATensorWhoseMaskIsEmpty() {
        GradientBooster.Booster booster = booster();
        List<TestParameter> parameters = TestParameters.typical(seed());
        Map<String, float[]> scores = TestParameters.scores(parameters, seed());
        for (TestParameter p : parameters) {
            Mask empty = new Mask("an all-false mask", TestParameters.uniformMask(p.elementCount(), false));
            multipliers(booster, p, scores.get(p.name()), empty, "typical");
            multipliers(booster, p, new float[p.elementCount()], empty, "all-zero scores of");
        }
    }

    /** The same inputs give the same multipliers: twice from one booster, and from two boosters of the same settings. */
    @Test
    public void multipliersAreDeterministic() {
        GradientBooster.Booster first = booster(), second = booster();
        List<TestParameter> parameters = TestParameters.typical(seed());
        Map<String, float[]> scores = TestParameters.scores(parameters, seed());
        for (int i = 0; i < parameters.size(); i++) {
            TestParameter p = parameters.get(i);
            for (Mask mask : masks(p, i)) {
                float[] once = multipliers(first, p, scores.get(p.name()), mask, "typical").clone();
                float[] twice = multipliers(first, p, scores.get(p.name()), mask, "typical").clone();
                float[] other = multipliers(second, p, scores.get(p.name()), mask, "typical").clone();
                assertArrayEquals(once, twice, provider().name() + ": two calls on " + p + " gave different multipliers");
                assertArrayEquals(once, other, provider().name() + ": two boosters of the same settings boosted " + p + " differently");
            }
        }
    }

    /** The scores are the engine's (it averages them per module afterwards) and the parameter's arrays too: a booster must not write to them. */
    @Test
    public void leavesTheScoresAndTheParameterUnchanged() {
        GradientBooster.Booster booster = booster();
        List<TestParameter> parameters = TestParameters.typical(seed());
        Map<String, float[]> scores = TestParameters.scores(parameters, seed());
        Map<String, float[]> before = Checks.copyFloats(scores);
        for (int i = 0; i < parameters.size(); i++) {
            TestParameter p = parameters.get(i);
            for (Mask mask : masks(p, i)) {
                multipliers(booster, p, scores.get(p.name()), mask, "typical");
            }
            assertEquals(List.of(), p.modified(), provider().name() + ": multipliers() wrote to the arrays of " + p);
        }
        assertEquals(List.of(), Checks.changedFloats(before, scores), provider().name() + ": multipliers() wrote to the scores of these parameters");
    }

    /** All-zero scores, weights and statistics (an all-zero gradient) give finite multipliers ≥ 0. */
    @Test
    public void boostsAnAllZeroGradientFinitely() {
        GradientBooster.Booster booster = booster();
        List<TestParameter> parameters = TestParameters.zero();
        for (int i = 0; i < parameters.size(); i++) {
            TestParameter p = parameters.get(i);
            for (Mask mask : masks(p, i)) {
                multipliers(booster, p, new float[p.elementCount()], mask, "all-zero");
            }
        }
    }

    /** Scores from {@code 1e-12} to {@code 1e12} in size, of either sign, on wide-range parameters give finite multipliers ≥ 0. */
    @Test
    public void boostsScoresOverManyOrdersOfMagnitudeFinitely() {
        GradientBooster.Booster booster = booster();
        List<TestParameter> parameters = TestParameters.wideRange(seed());
        SplittableRandom random = new SplittableRandom(seed());
        Map<String, float[]> scores = new LinkedHashMap<>();
        for (TestParameter p : parameters) {
            float[] s = new float[p.elementCount()];
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) ((random.nextInt(4) == 0 ? -1 : 1) * Math.pow(10, random.nextDouble(-12, 12)));
            }
            scores.put(p.name(), s);
        }
        for (int i = 0; i < parameters.size(); i++) {
            TestParameter p = parameters.get(i);
            for (Mask mask : masks(p, i)) {
                multipliers(booster, p, scores.get(p.name()), mask, "wide-range");
            }
        }
    }
}
