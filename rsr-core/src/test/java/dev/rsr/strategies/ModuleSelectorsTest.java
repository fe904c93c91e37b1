package dev.rsr.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.spi.ModuleSelector;
import dev.rsr.spi.ModuleState;
import dev.rsr.spi.Settings;
import dev.rsr.testkit.TestModuleStates;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What the built-in selectors promise beyond the plugin contract. */
class ModuleSelectorsTest {
    /** A model of seven modules, dealt to two workers as the engine deals them: every other one from the top. */
    private static final List<ModuleState> MODEL = TestModuleStates.initial(TestModuleStates.names(7));
    private static final List<ModuleState> WORKER_0 = List.of(MODEL.get(0), MODEL.get(2), MODEL.get(4), MODEL.get(6));
    private static final List<ModuleState> WORKER_1 = List.of(MODEL.get(1), MODEL.get(3), MODEL.get(5));

    private static Set<String> chosenOver(ModuleSelector provider, Map<String, String> settings, List<ModuleState> modules) {
        ModuleSelector.Selector selector = provider.create(new Settings("selector", provider.name(), settings));
        SplittableRandom random = new SplittableRandom(7);
        Set<String> always = null;
        for (long step = 0; step < 200; step++) {
            Set<String> chosen = selector.select(modules, step, random);
            if (always == null) {
                always = new HashSet<>(chosen);
            }
            always.retainAll(chosen);
        }
        return always;
    }

    @Test
    void firstAndLastAreTheModelsNotTheWorkersShare() {
        Map<String, String> settings = Map.of("always", "first,last", "k", "1", "above", "false");
        // The worker holding the model's embeddings and head updates them on every step...
        assertEquals(Set.of("embeddings", "head"), chosenOver(new ModuleSelectors.Aco(), settings, WORKER_0));
        // ...and the other chooses among its own: its first and last are not the model's.
        assertEquals(Set.of(), chosenOver(new ModuleSelectors.Aco(), settings, WORKER_1));
        assertEquals(Set.of(), chosenOver(new ModuleSelectors.RandomK(), Map.of("always", "first,last", "k", "1", "period", "1"),
                WORKER_1));
    }

    @Test
    void aNamedModuleIsAlwaysChosenWhereTheWorkerHasIt() {
        Map<String, String> settings = Map.of("always", "encoder.layer1", "k", "1", "above", "false");
        assertEquals(Set.of("encoder.layer1"), chosenOver(new ModuleSelectors.Aco(), settings, WORKER_0));
        assertTrue(chosenOver(new ModuleSelectors.Aco(), settings, WORKER_1).isEmpty());
    }

    @Test
    void withACostWeightTheAntsPreferModulesNearTheOutput() {
        // Equal pheromone and importance everywhere: only the cost term tells the modules apart.
        int[] withoutCost = timesChosen(Map.of("always", "", "k", "1", "above", "false", "gamma", "0"));
        int[] withCost = timesChosen(Map.of("always", "", "k", "1", "above", "false", "gamma", "2"));
        int last = MODEL.size() - 1;
        // Module 0 costs the whole depth (1), the last 1/7: with γ = 2 it weighs 49 times more.
        assertTrue(withCost[last] > 10 * withCost[0], "with cost: " + java.util.Arrays.toString(withCost));
        assertTrue(withoutCost[last] < 2 * withoutCost[0], "without cost: " + java.util.Arrays.toString(withoutCost));
    }

    @Test
    void byDefaultCostCountsOnce() {
        int[] byDefault = timesChosen(Map.of("always", "", "k", "1", "above", "false"));
        int last = MODEL.size() - 1;
        // γ = 1: the last module weighs 7 times the first; drawn 2,000 times, well over 4 and under 10 times as often.
        assertTrue(byDefault[last] > 4 * byDefault[0] && byDefault[last] < 10 * byDefault[0], java.util.Arrays.toString(byDefault));
    }

    private static int[] timesChosen(Map<String, String> settings) {
        ModuleSelector provider = new ModuleSelectors.Aco();
        ModuleSelector.Selector selector = provider.create(new Settings("selector", provider.name(), settings));
        SplittableRandom random = new SplittableRandom(11);
        int[] counts = new int[MODEL.size()];
        for (long step = 0; step < 2_000; step++) {
            for (String name : selector.select(MODEL, step, random)) {
                counts[MODEL.stream().map(ModuleState::name).toList().indexOf(name)]++;
            }
        }
        return counts;
    }
}
