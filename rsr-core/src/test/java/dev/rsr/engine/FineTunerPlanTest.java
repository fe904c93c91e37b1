package dev.rsr.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.ConfigurationException;
import dev.rsr.training.StepPlan;
import dev.rsr.training.TaskModule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FineTunerPlanTest {
    private static final List<TaskModule> MODULES = List.of(new TaskModule("embeddings", List.of("e")),
            new TaskModule("encoder.layer1", List.of("l")), new TaskModule("head", List.of("h")));

    @Test
    void moduleRatesOverrideTheDefaultAndZeroFreezes() {
        StepPlan plan = FineTuner.plan(MODULES, new FineTuneConfig("full", 10, 0, 8, 1e-3, Map.of("head", 3e-3, "embeddings", 0.0), 1, 5));
        assertEquals(Map.of("encoder.layer1", 1e-3, "head", 3e-3), plan.learningRates());
        assertTrue(!plan.activeModules().contains("embeddings"), "a module at rate 0 is frozen, not updated at rate 0");
    }

    @Test
    void unknownModulesAndBadRatesAreNamed() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> FineTuner.plan(MODULES, new FineTuneConfig("full", 10, 0, 8, 1e-3, Map.of("decoder", 1e-3), 1, 5)));
        assertTrue(e.getMessage().contains("--module-lr: the model has no module 'decoder'"), e.getMessage());
        assertThrows(ConfigurationException.class, () -> new FineTuneConfig("full", 10, 0, 8, 1e-3, Map.of("head", -1.0), 1, 5));
    }
}
