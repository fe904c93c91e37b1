package dev.rsr.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rsr.spi.MaskPolicy;
import dev.rsr.spi.ParameterView;
import dev.rsr.spi.Settings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link MaskPolicy}. Extend it and return your provider from
 * {@link #provider()}.
 *
 * <p>Besides {@linkplain ProviderContract name and settings}, it checks that the schedule
 * ({@code refreshEvery}, {@code probeBatches}, {@code usesScores}) is fixed and not negative, and
 * that every refresh, the first and later ones, gives one mask of the right length per parameter
 * and none for anything else; the same masks for the same inputs and seed; the inputs unchanged;
 * and valid masks for all-zero scores and weights. Refreshes are called as the engine calls them:
 * unmodifiable maps, scores only when {@code usesScores()} is true, the masks in force as
 * {@code current}, and a {@link SplittableRandom} as the only randomness.
 */
public abstract class MaskPolicyContract extends ProviderContract<MaskPolicy, MaskPolicy.Masker> {
    private static final int REFRESHES = 4;

    protected MaskPolicyContract() {
        super("mask");
    }

    @Override
    final MaskPolicy.Masker create(MaskPolicy provider, Settings settings) {
        return provider.create(settings);
    }

    /** The masker for {@link #settings()}, checked as the engine checks it. */
    protected final MaskPolicy.Masker masker() {
        return configured();
    }

    /**
     * One refresh as the engine calls it, checked: one mask of the right length for each parameter
     * and none for any other name.
     */
    protected final Map<String, boolean[]> refresh(MaskPolicy.Masker masker, List<TestParameter> parameters, Map<String, float[]> scores,
                                                   Map<String, boolean[]> current, SplittableRandom random) {
        Map<String, float[]> given = masker.usesScores() ? scores : Map.of();
        String name = provider().name();
        Map<String, boolean[]> masks;
        try {
            masks = masker.refresh(List.<ParameterView>copyOf(parameters), Collections.unmodifiableMap(given),
                    Collections.unmodifiableMap(current), random);
        } catch (RuntimeException e) {
            return fail(name + ": refresh() threw " + e + (current.isEmpty() ? " at the first refresh" : " at a later refresh"), e);
        }
        assertNotNull(masks, name + ": refresh() returned null");
        Set<String> names = new HashSet<>();
        for (TestParameter p : parameters) {
            names.add(p.name());
            boolean[] mask = masks.get(p.name());
            assertNotNull(mask, name + ": no mask for " + p + (current.isEmpty() ? " at the first refresh" : ""));
            assertEquals(p.elementCount(), mask.length, name + ": the mask of " + p + " has " + mask.length + " elements");
        }
        assertTrue(names.containsAll(masks.keySet()), name + ": masks for parameters it was not given: " + masks.keySet());
        return masks;
    }

    /** {@code refreshEvery()} and {@code probeBatches()} are ≥ 0, and the schedule does not change between calls. */
    @Test
    public void declaresAFixedSchedule() {
        MaskPolicy.Masker masker = masker();
        String name = provider().name();
        assertTrue(masker.refreshEvery() >= 0, name + ": refreshEvery() is " + masker.refreshEvery());
        assertTrue(masker.probeBatches() >= 0, name + ": probeBatches() is " + masker.probeBatches());
        assertEquals(masker.refreshEvery(), masker.refreshEvery(), name + ": refreshEvery() changed between calls");
        assertEquals(masker.probeBatches(), masker.probeBatches(), name + ": probeBatches() changed between calls");
        assertEquals(masker.usesScores(), masker.usesScores(), name + ": usesScores() changed between calls");
    }

    /** The first refresh (no masks in force) gives one mask of the right length per parameter. */
    @Test
    public void firstRefreshMasksEveryParameter() {
        List<TestParameter> parameters = TestParameters.typical(seed());
        refresh(masker(), parameters, TestParameters.scores(parameters, seed()), Map.of(), new SplittableRandom(seed()));
    }

    /** Later refreshes, with the previous masks in force and new scores, keep the contract. */
    @Test
    public void laterRefreshesMaskEveryParameter() {
        MaskPolicy.Masker masker = masker();
        List<TestParameter> parameters = TestParameters.typical(seed());
        SplittableRandom random = new SplittableRandom(seed());
        Map<String, boolean[]> current = Map.of();
        for (int r = 0; r < REFRESHES; r++) {
            current = Checks.copyMasks(refresh(masker, parameters, TestParameters.scores(parameters, seed() + r), current, random));
        }
    }

    /** The same parameters, scores, masks in force and seed give the same masks, refresh after refresh, for two maskers of the same settings. */
    @Test
    public void masksAreDeterministicForASeed() {
        List<List<Map<String, boolean[]>>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            MaskPolicy.Masker masker = masker();
            List<TestParameter> parameters = TestParameters.typical(seed());
            SplittableRandom random = new SplittableRandom(seed());
            Map<String, boolean[]> current = Map.of();
            List<Map<String, boolean[]>> masks = new ArrayList<>();
            for (int r = 0; r < REFRESHES; r++) {
                current = Checks.copyMasks(refresh(masker, parameters, TestParameters.scores(parameters, seed() + r), current, random));
                masks.add(current);
            }
            runs.add(masks);
        }
        for (int r = 0; r < REFRESHES; r++) {
            assertTrue(Checks.sameMasks(runs.get(0).get(r), runs.get(1).get(r)), provider().name() + ": refresh " + r
                    + " gave different masks for the same inputs and seed");
        }
    }

    /** The parameters, the scores and the masks in force are the engine's: a refresh must not write to them. */
    @Test
    public void leavesItsInputsUnchanged() {
        MaskPolicy.Masker masker = masker();
        List<TestParameter> parameters = TestParameters.typical(seed());
        SplittableRandom random = new SplittableRandom(seed());
        Map<String, float[]> scores = TestParameters.scores(parameters, seed());
        Map<String, boolean[]> first = Checks.copyMasks(refresh(masker, parameters, scores, Map.of(), random));
        Map<String, float[]> scoresBefore = Checks.copyFloats(scores);
        Map<String, boolean[]> currentBefore = Checks.copyMasks(first);
        refresh(masker, parameters, scores, first, random);
        String name = provider().name();
        assertEquals(List.of(), Checks.changedFloats(scoresBefore, scores), name + ": refresh() wrote to the scores of these parameters");
        assertEquals(List.of(), Checks.changedMasks(currentBefore, first), name + ": refresh() wrote to the masks in force of these parameters");
        for (TestParameter p : parameters) {
            assertEquals(List.of(), p.modified(), name + ": refresh() wrote to the arrays of " + p);
        }
    }

    /** All-zero weights, statistics and scores (an all-zero gradient) still give valid masks, first and later refreshes. */
    @Test
    public void masksAnAllZeroGradient() {
        MaskPolicy.Masker masker = masker();
        List<TestParameter> parameters = TestParameters.zero();
        SplittableRandom random = new SplittableRandom(seed());
        Map<String, boolean[]> current = Map.of();
        for (int r = 0; r < 2; r++) {
            current = Checks.copyMasks(refresh(masker, parameters, TestParameters.zeroScores(parameters), current, random));
        }
    }
}
