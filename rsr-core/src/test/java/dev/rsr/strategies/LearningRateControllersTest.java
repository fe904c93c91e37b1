package dev.rsr.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsr.spi.LearningRateController;
import dev.rsr.spi.ModuleState;
import dev.rsr.spi.Settings;
import dev.rsr.training.ModuleSignal;
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

    @Test
    void progressAdaptiveGrowsARateOnlyWhileTheLossFalls() {
        ModuleState layer = TestModuleStates.initial(TestModuleStates.names(3)).get(1);
        LearningRateController.RunInfo run = new LearningRateController.RunInfo(1e-3, 1_000);
        LearningRateController.Controller controller = new LearningRateControllers.ProgressAdaptive()
                .create(new Settings("lr", "progress-adaptive", Map.of("anneal", "1", "gain", "1")));
        ModuleSignal fellShort = new ModuleSignal(1, 0.5, 1, 1);
        ModuleSignal overshot = new ModuleSignal(1, -0.5, 1, 1);
        long step = 200;
        long updates = 0;
        double start = 4e-3;

        // A plateau: the gradient keeps pointing the same way (cosine 0.5) but the loss stays put.
        for (int i = 0; i < 40; i++) {
            controller.stepped(step, 0.69 + (i % 2 == 0 ? 0.01 : -0.01));
            double rate = rateAfter(controller, layer, ++updates, fellShort, step++, run);
            assertEquals(start, rate, 1e-12, "a rate grew on a plateau at update " + updates);
        }
        // A falling loss: the same cosine now grows the rate by e^(gain · cosine).
        for (int i = 0; i < 40; i++) {
            controller.stepped(step, 0.69 * Math.exp(-0.02 * (i + 1)));
            step++;
        }
        assertEquals(start * Math.exp(0.5), rateAfter(controller, layer, ++updates, fellShort, step++, run), 1e-12);
        // Overshooting lowers a rate whether or not the loss falls.
        for (int i = 0; i < 40; i++) {
            controller.stepped(step++, 0.5);
        }
        assertEquals(start, rateAfter(controller, layer, ++updates, overshot, step, run), 1e-12);
    }

    private static double rateAfter(LearningRateController.Controller controller, ModuleState module, long updates, ModuleSignal signal,
                                    long step, LearningRateController.RunInfo run) {
        ModuleState updated = new ModuleState(module.name(), module.position(), module.moduleCount(), module.elements(), module.fresh(),
                updates, 1e-3, module.importance(), module.pheromone(), signal);
        return controller.rates(Map.of(updated.name(), updated), step, run).get(updated.name());
    }
}
