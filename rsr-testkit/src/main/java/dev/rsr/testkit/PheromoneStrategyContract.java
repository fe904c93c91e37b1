package dev.rsr.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rsr.error.ConfigurationException;
import dev.rsr.spi.PheromoneStrategy;
import dev.rsr.spi.Settings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link PheromoneStrategy}. Extend it and return your provider from
 * {@link #provider()}.
 *
 * <p>Besides {@linkplain ProviderContract name and settings}, it checks that a trail gives every
 * module, and only the modules it was created over, a finite level &gt; 0: at the start, after
 * every update with deposits of every size (none, tiny, large), and after thousands of steps
 * without deposit (all-zero gradients deposit nothing, so evaporation must not reach zero); that a
 * deposit never lowers the depositor's level; and that the same deposits give the same levels.
 * Deposits are handed over as the engine hands them: an unmodifiable map of finite amounts ≥ 0 for
 * the modules updated on the step.
 */
public abstract class PheromoneStrategyContract extends ProviderContract<PheromoneStrategy, PheromoneStrategy.Trail> {
    private static final int STEPS = 300;

    protected PheromoneStrategyContract() {
        super("pheromone");
    }

    /** The modules a trail is created over in the settings checks; six by default ({@link TestModuleStates#names}). */
    protected List<String> modules() {
        return TestModuleStates.names(6);
    }

    @Override
    final PheromoneStrategy.Trail create(PheromoneStrategy provider, Settings settings) {
        return provider.create(settings, modules());
    }

    /** A trail over {@code modules} for {@link #settings()}, checked as the engine checks it, with its starting levels checked too. */
    protected final PheromoneStrategy.Trail trail(List<String> modules) {
        PheromoneStrategy provider = provider();
        Settings settings = new Settings(scope(), provider.name(), settings());
        PheromoneStrategy.Trail trail = provider.create(settings, List.copyOf(modules));
        try {
            settings.check();
        } catch (ConfigurationException e) {
            return fail(provider.name() + ": the settings " + settings() + " are refused: " + e.getMessage(), e);
        }
        assertNotNull(trail, provider.name() + ": create() returned null");
        levels(trail, modules, "at the start");
        return trail;
    }

    /** The trail's levels, checked: one for each of {@code modules} and no other, each finite and &gt; 0. */
    protected final Map<String, Double> levels(PheromoneStrategy.Trail trail, List<String> modules, String when) {
        String name = provider().name();
        Map<String, Double> levels = trail.levels();
        assertNotNull(levels, name + ": levels() returned null " + when);
        for (String m : modules) {
            Double tau = levels.get(m);
            if (tau == null || !Double.isFinite(tau) || tau <= 0) {
                fail(name + ": module '" + m + "' has the level " + tau + " " + when + " (must be finite and > 0)");
            }
        }
        assertEquals(new LinkedHashSet<>(modules), new LinkedHashSet<>(levels.keySet()),
                name + ": levels() " + when + " is not over exactly the trail's modules");
        return Map.copyOf(levels);
    }

    /** One update as the engine makes it: an unmodifiable copy of the deposits. */
    protected final void update(PheromoneStrategy.Trail trail, Map<String, Double> deposits) {
        try {
            trail.update(Collections.unmodifiableMap(new LinkedHashMap<>(deposits)));
        } catch (RuntimeException e) {
            fail(provider().name() + ": update() threw " + e + " for the deposits " + deposits, e);
        }
    }

    /** Deposits for a step: a random non-empty subset of the modules (those updated), each with 0, a tiny, a typical or a large amount. */
    static Map<String, Double> deposits(List<String> modules, SplittableRandom random) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String m : modules) {
            if (out.isEmpty() && m.equals(modules.get(modules.size() - 1)) || random.nextInt(3) == 0) {
                out.put(m, switch (random.nextInt(4)) {
                    case 0 -> 0.0;
                    case 1 -> Math.pow(10, random.nextDouble(-12, -6));
                    case 2 -> random.nextDouble();
                    default -> Math.pow(10, random.nextDouble(1, 4));
                });
            }
        }
        return out;
    }

    /** Every module of trails over one to twelve modules starts with a finite level &gt; 0. */
    @Test
    public void startsWithAPositiveLevelForEveryModule() {
        for (int n : new int[] {1, 2, 6, 12}) {
            trail(TestModuleStates.names(n));
        }
    }

    /** After every update, with deposits from none to large for a few modules at a time, every level stays finite and &gt; 0. */
    @Test
    public void levelsStayFiniteAndPositiveUnderDeposits() {
        List<String> modules = TestModuleStates.names(6);
        PheromoneStrategy.Trail trail = trail(modules);
        SplittableRandom random = new SplittableRandom(seed());
        for (int step = 0; step < STEPS; step++) {
            update(trail, deposits(modules, random));
            levels(trail, modules, "after step " + step);
        }
    }

    /**
     * Steps that deposit nothing (all-zero gradients give zero deposits; an empty map when the
     * engine passes no module) leave every level finite and &gt; 0, for thousands of steps.
     */
    @Test
    public void levelsStayPositiveWithoutDeposits() {
        List<String> modules = TestModuleStates.names(6);
        PheromoneStrategy.Trail trail = trail(modules);
        Map<String, Double> zeros = new LinkedHashMap<>();
        modules.forEach(m -> zeros.put(m, 0.0));
        for (int step = 0; step < 5_000; step++) {
            update(trail, zeros);
            levels(trail, modules, "after " + (step + 1) + " steps of zero deposits");
        }
        for (int step = 0; step < 500; step++) {
            update(trail, Map.of());
            levels(trail, modules, "after " + (step + 1) + " steps without deposits");
        }
    }

    /** A module that deposits a large amount on every step keeps a finite level, and the others stay &gt; 0. */
    @Test
    public void levelsStayFiniteUnderLargeDeposits() {
        List<String> modules = TestModuleStates.names(6);
        PheromoneStrategy.Trail trail = trail(modules);
        for (int step = 0; step < 2_000; step++) {
            update(trail, Map.of(modules.get(1), 1e6, modules.get(2), 0.0));
            levels(trail, modules, "after " + (step + 1) + " steps of large deposits");
        }
    }

    /**
     * Of two trails with the same history, the one where a module deposits more on a step ends the
     * step with that module's level no lower.
     */
    @Test
    public void aDepositNeverLowersTheDepositorsLevel() {
        List<String> modules = TestModuleStates.names(6);
        SplittableRandom random = new SplittableRandom(seed());
        List<Map<String, Double>> history = new ArrayList<>();
        for (int step = 0; step < 40; step++) {
            PheromoneStrategy.Trail with = trail(modules), without = trail(modules);
            for (Map<String, Double> past : history) {
                update(with, past);
                update(without, past);
            }
            Map<String, Double> common = deposits(modules, random);
            String depositor = modules.get(random.nextInt(modules.size()));
            double amount = random.nextDouble(1e-3, 1);
            Map<String, Double> more = new LinkedHashMap<>(common);
            more.put(depositor, common.getOrDefault(depositor, 0.0) + amount);
            update(with, more);
            update(without, common);
            double a = levels(with, modules, "after step " + step).get(depositor);
            double b = levels(without, modules, "after step " + step).get(depositor);
            assertTrue(a >= b, provider().name() + ": at step " + step + ", depositing " + amount + " more lowered module '" + depositor
                    + "' from " + b + " to " + a);
            history.add(common);
        }
    }

    /** The same deposits, step after step, give the same levels on two trails of the same settings. */
    @Test
    public void levelsAreDeterministic() {
        List<String> modules = TestModuleStates.names(6);
        List<List<Map<String, Double>>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            PheromoneStrategy.Trail trail = trail(modules);
            SplittableRandom random = new SplittableRandom(seed());
            List<Map<String, Double>> levels = new ArrayList<>();
            for (int step = 0; step < STEPS; step++) {
                update(trail, deposits(modules, random));
                levels.add(levels(trail, modules, "after step " + step));
            }
            runs.add(levels);
        }
        for (int step = 0; step < STEPS; step++) {
            assertEquals(runs.get(0).get(step), runs.get(1).get(step), provider().name() + ": the same deposits gave different levels at step "
                    + step);
        }
    }
}
