package dev.rsr.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsr.spi.LearningRateController;
import dev.rsr.spi.ModuleState;
import dev.rsr.spi.Settings;
import dev.rsr.testkit.TestModuleStates;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the built-in controllers promise beyond the plugin contract. */
class LearningRateControllersTest {
    @Test
    void progressAdaptiveAnnealsEveryRateToItsFractionByTheLastStep() {
        ModuleState layer = TestModuleStates.initial(TestModuleStates.names(3)).get(1);
        LearningRateController.RunInfo run = new LearningRateController.RunInfo(1e-3, 1_000);
        for (Map.Entry<Map<String, String>, Double> c : Map.of(Map.<String, String>of(), 0.3, Map.of("anneal", "1"), 1.0).entrySet()) {
            LearningRateController.Controller controller = new LearningRateControllers.ProgressAdaptive()
                    .create(new Settings("lr", "progress-adaptive", c.getKey()));
            // Past the warm-up and with no signal yet the rate is the start, 4 × the base rate, times the anneal.
            double middle = controller.rates(Map.of(layer.name(), layer), 500, run).get(layer.name());
            double last = controller.rates(Map.of(layer.name(), layer), 1_000, run).get(layer.name());
            assertEquals(4e-3 * c.getValue(), last, 1e-12, "settings " + c.getKey());
            assertEquals(4e-3 * (c.getValue() + (1 - c.getValue()) * 0.5), middle, 1e-12, "settings " + c.getKey());
        }
    }

    @Test
    void anAnnealThatEndsEarlyHoldsItsFloorForTheRestOfTheRun() {
        ModuleState layer = TestModuleStates.initial(TestModuleStates.names(3)).get(1);
        LearningRateController.RunInfo run = new LearningRateController.RunInfo(1e-3, 1_000);
        LearningRateController.Controller adaptive = new LearningRateControllers.ProgressAdaptive()
                .create(new Settings("lr", "progress-adaptive", Map.of("anneal_by", "0.5")));
        LearningRateController.Controller cosine = new LearningRateControllers.WarmupCosine()
                .create(new Settings("lr", "warmup-cosine", Map.of("floor", "0.3", "decay_by", "0.5")));
        for (long step : new long[] {250, 500, 750, 1_000}) {
            double expected = step == 250 ? 0.3 + 0.7 * 0.5 : 0.3;
            assertEquals(4e-3 * expected, adaptive.rates(Map.of(layer.name(), layer), step, run).get(layer.name()), 1e-12, "step " + step);
            assertEquals(1e-3 * expected, cosine.rates(Map.of(layer.name(), layer), step, run).get(layer.name()), 1e-12, "step " + step);
        }
    }
}
