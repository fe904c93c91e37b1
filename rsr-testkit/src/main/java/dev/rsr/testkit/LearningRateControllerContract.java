package dev.rsr.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.rsr.spi.LearningRateController;
import dev.rsr.spi.ModuleState;
import dev.rsr.spi.Settings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link LearningRateController}. Extend it and return your provider from
 * {@link #provider()}; override {@link #runs()} to test other base rates or budgets.
 *
 * <p>Besides {@linkplain ProviderContract name and settings}, it checks that a controller gives a
 * finite rate ≥ 0 to exactly the active modules, on the first step (no signal yet), on every step
 * of a run with changing active sets, signals and losses over many orders of magnitude and
 * divergences, and after all-zero gradients; that {@code diverged} lowers the module's next rate;
 * that a controller that does not use signals gives the same rates without them; and that the same
 * history gives the same rates. Rates are asked for as the engine asks: an unmodifiable map of the
 * active modules' states, steps from 0.
 */
public abstract class LearningRateControllerContract extends ProviderContract<LearningRateController, LearningRateController.Controller> {
    private static final int STEPS = 300;

    protected LearningRateControllerContract() {
        super("lr");
    }

    @Override
    final LearningRateController.Controller create(LearningRateController provider, Settings settings) {
        return provider.create(settings);
    }

    /**
     * The runs a controller is tested in: base rates of a pretrained start ({@code 5e-5}) and from
     * scratch ({@code 1e-3}), budgets of one step and of a thousand.
     */
    protected List<LearningRateController.RunInfo> runs() {
        return List.of(new LearningRateController.RunInfo(5e-5, 1_000), new LearningRateController.RunInfo(1e-3, 1_000),
                new LearningRateController.RunInfo(5e-5, 1));
    }

    /** The controller for {@link #settings()}, checked as the engine checks it. */
    protected final LearningRateController.Controller controller() {
        return configured();
    }

    /** One step's rates as the engine asks for them, checked: one finite rate ≥ 0 for each active module and none for others. */
    protected final Map<String, Double> rates(LearningRateController.Controller controller, List<ModuleState> active, long step,
                                              LearningRateController.RunInfo run) {
        Map<String, ModuleState> byName = new LinkedHashMap<>();
        active.forEach(m -> byName.put(m.name(), m));
        String name = provider().name();
        Map<String, Double> rates;
        try {
            rates = controller.rates(Collections.unmodifiableMap(byName), step, run);
        } catch (RuntimeException e) {
            return fail(name + ": rates() threw " + e + " at step " + step + " of " + run + " for " + byName.keySet(), e);
        }
        assertNotNull(rates, name + ": rates() returned null at step " + step);
        for (String m : byName.keySet()) {
            Double r = rates.get(m);
            if (r == null || !Double.isFinite(r) || r < 0) {
                fail(name + ": module '" + m + "' got the rate " + r + " at step " + step + " of " + run + " (must be finite and >= 0)");
            }
        }
        assertEquals(byName.keySet(), rates.keySet(), name + ": rates() at step " + step + " is not over exactly the active modules");
        return Map.copyOf(rates);
    }

    /** Rates over a run of a new controller: random active sets and states, a divergence now and then. */
    private List<Map<String, Double>> run(LearningRateController.RunInfo run) {
        LearningRateController.Controller controller = controller();
        List<String> modules = TestModuleStates.names(6);
        SplittableRandom random = new SplittableRandom(seed());
        List<Map<String, Double>> out = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            List<ModuleState> active = new ArrayList<>();
            for (ModuleState s : TestModuleStates.random(modules, random)) {
                if (random.nextInt(2) == 0 || active.isEmpty() && s.name().equals("head")) {
                    active.add(s);
                }
            }
            out.add(rates(controller, active, step, run));
            if (random.nextInt(20) == 0) {
                controller.diverged(active.get(random.nextInt(active.size())).name());
            } else {
                // An applied step: its loss, falling, flat or jumping, over many orders of magnitude.
                controller.stepped(step, Math.exp(random.nextDouble(-10, 5)));
            }
        }
        return out;
    }

    /** At step 0, before any update (no signal, rate 0), every module gets a finite rate ≥ 0. */
    @Test
    public void ratesTheFirstStep() {
        for (LearningRateController.RunInfo run : runs()) {
            rates(controller(), TestModuleStates.initial(TestModuleStates.names(6)), 0, run);
            rates(controller(), TestModuleStates.initial(TestModuleStates.names(1)), 0, run);
        }
    }

    /** Step after step, with changing active sets, signals and losses over many orders of magnitude and divergences, exactly the active modules get finite rates ≥ 0. */
    @Test
    public void ratesExactlyTheActiveModulesEveryStep() {
        for (LearningRateController.RunInfo run : runs()) {
            run(run);
        }
    }

    /** After all-zero gradients (signals of zeros, zero weights, importance 0), rates are finite and ≥ 0. */
    @Test
    public void ratesAfterAllZeroGradients() {
        for (LearningRateController.RunInfo run : runs()) {
            LearningRateController.Controller controller = controller();
            List<ModuleState> states = TestModuleStates.zeroGradient(TestModuleStates.names(6));
            for (int step = 0; step < 100; step++) {
                rates(controller, states, step, run);
            }
        }
    }

    /**
     * {@code diverged(m)} lowers m's rate: of two controllers with the same history, the one told
     * that m diverged gives m a lower next rate (or 0 when both are 0), and repeated divergences keep
     * it finite and ≥ 0.
     */
    @Test
    public void divergedLowersTheModulesRate() {
        LearningRateController.RunInfo run = runs().get(0);
        List<String> modules = TestModuleStates.names(6);
        LearningRateController.Controller told = controller(), untold = controller();
        SplittableRandom random = new SplittableRandom(seed());
        for (int step = 0; step < 10; step++) {
            List<ModuleState> states = TestModuleStates.random(modules, random);
            rates(told, states, step, run);
            rates(untold, states, step, run);
        }
        String module = modules.get(1);
        told.diverged(module);
        List<ModuleState> states = TestModuleStates.random(modules, random);
        double lowered = rates(told, states, 10, run).get(module);
        double kept = rates(untold, states, 10, run).get(module);
        String name = provider().name();
        assertTrue(kept == 0 ? lowered == 0 : lowered < kept, name + ": after diverged('" + module + "') its rate is " + lowered
                + ", against " + kept + " without; diverged() must lower the module's rate");
        for (int i = 0; i < 60; i++) {
            told.diverged(module);
        }
        rates(told, states, 11, run);
    }

    /**
     * A controller whose {@code usesSignals()} is false is run without signals (the backend does not
     * compute them): its rates must then be the same whether the states carry signals or not.
     * Skipped for a controller that reads signals.
     */
    @Test
    public void ratesDoNotDependOnSignalsItDoesNotUse() {
        LearningRateController.Controller with = controller(), without = controller();
        assertEquals(with.usesSignals(), with.usesSignals(), provider().name() + ": usesSignals() changed between calls");
        assumeFalse(with.usesSignals(), provider().name() + " reads the modules' signals");
        LearningRateController.RunInfo run = runs().get(0);
        List<String> modules = TestModuleStates.names(6);
        SplittableRandom random = new SplittableRandom(seed());
        for (int step = 0; step < 50; step++) {
            List<ModuleState> states = TestModuleStates.random(modules, random);
            List<ModuleState> unsignalled = states.stream().map(m -> new ModuleState(m.name(), m.position(), m.moduleCount(), m.elements(),
                    m.fresh(), m.steps(), m.learningRate(), m.importance(), m.pheromone(), null)).toList();
            assertEquals(rates(with, states, step, run), rates(without, unsignalled, step, run), provider().name()
                    + ": usesSignals() is false, yet the rates at step " + step + " differ with and without signals");
        }
    }

    /** The same history (states, steps, divergences) gives the same rates on two controllers of the same settings. */
    @Test
    public void ratesAreDeterministic() {
        for (LearningRateController.RunInfo run : runs()) {
            List<Map<String, Double>> first = run(run), second = run(run);
            for (int step = 0; step < STEPS; step++) {
                assertEquals(first.get(step), second.get(step), provider().name() + ": the same history gave different rates at step " + step
                        + " of " + run);
            }
        }
    }
}
