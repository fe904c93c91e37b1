package dev.rsr.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rsr.error.ConfigurationException;
import dev.rsr.spi.ImportanceStrategy;
import dev.rsr.spi.Settings;
import dev.rsr.training.Statistic;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract of an {@link ImportanceStrategy}. Extend it and return your provider:
 *
 * <pre>{@code
 * class MyImportanceTest extends ImportanceStrategyContract {
 *     protected ImportanceStrategy provider() {
 *         return new MyImportance();
 *     }
 * }
 * }</pre>
 *
 * Besides {@linkplain ProviderContract name and settings}, it checks that the scorer declares the
 * statistics it reads and reads no other (the engine accumulates only those), gives one finite
 * score per element, the same for the same input, leaves the arrays it is handed unchanged, and
 * stays finite on an all-zero gradient and on values over many orders of magnitude. Parameters
 * come from {@link TestParameters}; a scorer reads them as it would the engine's.
 */
public abstract class ImportanceStrategyContract extends ProviderContract<ImportanceStrategy, ImportanceStrategy.Scorer> {

    protected ImportanceStrategyContract() {
        super("importance");
    }

    @Override
    final ImportanceStrategy.Scorer create(ImportanceStrategy provider, Settings settings) {
        return provider.create(settings);
    }

    /** The scorer for {@link #settings()}, checked as the engine checks it. */
    protected final ImportanceStrategy.Scorer scorer() {
        return configured();
    }

    /**
     * Scores {@code parameter} as the engine does: through a copy that lets the scorer read only the
     * statistics it declared. Fails when it reads another one.
     */
    protected final float[] score(ImportanceStrategy.Scorer scorer, TestParameter parameter) {
        return scoreView(scorer, parameter.restrictedTo(scorer.statistics()));
    }

    private float[] scoreView(ImportanceStrategy.Scorer scorer, TestParameter view) {
        try {
            return scorer.score(view);
        } catch (ConfigurationException e) {
            return fail(provider().name() + ": score(" + view.name() + ") read a statistic that statistics() does not list ("
                    + e.getMessage() + "); the engine accumulates only the statistics listed", e);
        } catch (RuntimeException e) {
            return fail(provider().name() + ": score() of " + view + " threw " + e, e);
        }
    }

    /** {@code statistics()} is a set without nulls, the same on every call and for every scorer of the same settings. */
    @Test
    public void declaresTheStatisticsItReads() {
        ImportanceStrategy.Scorer scorer = scorer();
        Set<Statistic> declared = scorer.statistics();
        assertNotNull(declared, provider().name() + ": statistics() returned null; return an empty set when it reads none");
        assertFalse(declared.stream().anyMatch(s -> s == null), provider().name() + ": statistics() contains null");
        assertEquals(declared, scorer.statistics(), provider().name() + ": statistics() changed between two calls");
        assertEquals(declared, scorer().statistics(), provider().name() + ": statistics() differs between two scorers of the same settings");
        for (TestParameter p : TestParameters.typical(seed())) {
            TestParameter view = p.restrictedTo(declared);
            scoreView(scorer, view);
            assertTrue(declared.containsAll(view.statisticsRead()), provider().name() + ": read " + view.statisticsRead());
        }
    }

    /** One finite score per element of every parameter, in its element order. */
    @Test
    public void scoresEachElementFinitely() {
        ImportanceStrategy.Scorer scorer = scorer();
        for (TestParameter p : TestParameters.typical(seed())) {
            Checks.perElement(score(scorer, p), p.elementCount(), false, provider().name() + ": scores of " + p);
        }
    }

    /** The same parameter gives the same scores: twice from one scorer, and from two scorers of the same settings. */
    @Test
    public void scoresAreDeterministic() {
        ImportanceStrategy.Scorer first = scorer(), second = scorer();
        List<TestParameter> a = TestParameters.typical(seed()), b = TestParameters.typical(seed());
        for (int i = 0; i < a.size(); i++) {
            float[] once = score(first, a.get(i)).clone();
            float[] twice = score(first, a.get(i)).clone();
            float[] other = score(second, b.get(i)).clone();
            assertArrayEquals(once, twice, provider().name() + ": two calls on " + a.get(i) + " gave different scores");
            assertArrayEquals(once, other, provider().name() + ": two scorers of the same settings scored " + a.get(i) + " differently");
        }
    }

    /** The weights and statistics a scorer is handed are the engine's: it must not write to them. */
    @Test
    public void leavesTheParameterUnchanged() {
        ImportanceStrategy.Scorer scorer = scorer();
        for (TestParameter p : TestParameters.typical(seed())) {
            TestParameter view = p.restrictedTo(scorer.statistics());
            scoreView(scorer, view);
            assertEquals(List.of(), view.modified(), provider().name() + ": score() wrote to the arrays of " + p);
        }
    }

    /** With every weight and statistic zero (an all-zero gradient on zero weights), scores are still finite. */
    @Test
    public void scoresAnAllZeroGradientFinitely() {
        ImportanceStrategy.Scorer scorer = scorer();
        for (TestParameter p : TestParameters.zero()) {
            Checks.perElement(score(scorer, p), p.elementCount(), false, provider().name() + ": scores of all-zero " + p);
        }
    }

    /** Weights from {@code 1e-8} to {@code 1e2} and gradients from {@code 1e-10} to {@code 1e3} in size give finite scores. */
    @Test
    public void scoresValuesOverManyOrdersOfMagnitudeFinitely() {
        ImportanceStrategy.Scorer scorer = scorer();
        for (TestParameter p : TestParameters.wideRange(seed())) {
            Checks.perElement(score(scorer, p), p.elementCount(), false, provider().name() + ": scores of wide-range " + p);
        }
    }
}
