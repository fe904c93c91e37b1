package dev.rsr.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rsr.spi.ModuleSelector;
import dev.rsr.spi.ModuleState;
import dev.rsr.spi.Settings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link ModuleSelector}. Extend it and return your provider from
 * {@link #provider()}.
 *
 * <p>Besides {@linkplain ProviderContract name and settings}, it checks that every selection is a
 * non-empty subset of the modules given, step after step, for groups of one to twelve modules (a
 * parallel worker's group need not start at the embeddings nor end at the head); from the state
 * before any step, from states as a run leaves them and after all-zero gradients; and that the
 * same states, steps and seed give the same selections. Selections are asked for as the engine
 * asks: an unmodifiable list, steps from 0, and a {@link SplittableRandom} as the only randomness.
 */
public abstract class ModuleSelectorContract extends ProviderContract<ModuleSelector, ModuleSelector.Selector> {
    private static final int STEPS = 200;

    protected ModuleSelectorContract() {
        super("selector");
    }

    @Override
    final ModuleSelector.Selector create(ModuleSelector provider, Settings settings) {
        return provider.create(settings);
    }

    /** The selector for {@link #settings()}, checked as the engine checks it. */
    protected final ModuleSelector.Selector selector() {
        return configured();
    }

    /** One selection as the engine asks for it, checked: a non-empty subset of {@code modules}' names. */
    protected final Set<String> select(ModuleSelector.Selector selector, List<ModuleState> modules, long step, SplittableRandom random) {
        String name = provider().name();
        List<String> names = modules.stream().map(ModuleState::name).toList();
        Set<String> chosen;
        try {
            chosen = selector.select(Collections.unmodifiableList(new ArrayList<>(modules)), step, random);
        } catch (RuntimeException e) {
            return fail(name + ": select() threw " + e + " at step " + step + " over " + names, e);
        }
        assertNotNull(chosen, name + ": select() returned null at step " + step);
        assertFalse(chosen.isEmpty(), name + ": select() chose no module at step " + step + " of " + names);
        assertTrue(names.containsAll(chosen), name + ": select() chose " + chosen + " at step " + step + ", not a subset of " + names);
        return Set.copyOf(chosen);
    }

    /** Selections over {@link #STEPS} steps of a new selector, the states of each step given by {@code states}. */
    private List<Set<String>> run(List<String> modules, Function<SplittableRandom, List<ModuleState>> states) {
        ModuleSelector.Selector selector = selector();
        SplittableRandom random = new SplittableRandom(seed());
        SplittableRandom stateRandom = new SplittableRandom(seed() + 1);
        List<Set<String>> out = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            out.add(select(selector, states.apply(stateRandom), step, random));
        }
        return out;
    }

    /** From the state before any step, at step 0, a selector chooses a non-empty subset of one to twelve modules. */
    @Test
    public void selectsFromTheInitialState() {
        for (int n : new int[] {1, 2, 3, 6, 12}) {
            select(selector(), TestModuleStates.initial(TestModuleStates.names(n)), 0, new SplittableRandom(seed()));
        }
    }

    /** Step after step, with states as a run leaves them, every selection is a non-empty subset of the modules. */
    @Test
    public void selectsANonEmptySubsetEveryStep() {
        for (int n : new int[] {1, 2, 3, 6, 12}) {
            List<String> modules = TestModuleStates.names(n);
            run(modules, r -> TestModuleStates.random(modules, r));
        }
    }

    /** A worker's group (here the middle of a model: no embeddings, no head) is all a selector may choose from. */
    @Test
    public void selectsOnlyFromTheGroupItIsGiven() {
        List<String> group = TestModuleStates.names(8).subList(2, 6);
        run(group, r -> TestModuleStates.random(group, r));
        List<String> single = TestModuleStates.names(8).subList(3, 4);
        run(single, r -> TestModuleStates.random(single, r));
    }

    /** After all-zero gradients (importance 0, signals of zeros), every selection is still a non-empty subset. */
    @Test
    public void selectsAfterAllZeroGradients() {
        for (int n : new int[] {1, 2, 6}) {
            List<String> modules = TestModuleStates.names(n);
            run(modules, r -> TestModuleStates.zeroGradient(modules));
        }
    }

    /** The same states, steps and seed give the same selections on two selectors of the same settings. */
    @Test
    public void selectionsAreDeterministicForASeed() {
        List<String> modules = TestModuleStates.names(8);
        List<Set<String>> first = run(modules, r -> TestModuleStates.random(modules, r));
        List<Set<String>> second = run(modules, r -> TestModuleStates.random(modules, r));
        for (int step = 0; step < STEPS; step++) {
            assertEquals(first.get(step), second.get(step), provider().name() + ": the same states and seed gave different selections at step "
                    + step);
        }
    }
}
