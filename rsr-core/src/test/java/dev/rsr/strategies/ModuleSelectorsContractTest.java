package dev.rsr.strategies;

import dev.rsr.spi.ModuleSelector;
import dev.rsr.testkit.ModuleSelectorContract;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** Every built-in module selector held to the plugin contract. */
class ModuleSelectorsContractTest {

    @Nested
    class All extends ModuleSelectorContract {
        @Override
        protected ModuleSelector provider() {
            return new ModuleSelectors.All();
        }
    }

    @Nested
    class TopK extends ModuleSelectorContract {
        @Override
        protected ModuleSelector provider() {
            return new ModuleSelectors.TopK();
        }
    }

    @Nested
    class RandomK extends ModuleSelectorContract {
        @Override
        protected ModuleSelector provider() {
            return new ModuleSelectors.RandomK();
        }
    }

    /** No module always chosen, more asked for than there are, every step. */
    @Nested
    class RandomKNothingAlways extends ModuleSelectorContract {
        @Override
        protected ModuleSelector provider() {
            return new ModuleSelectors.RandomK();
        }

        @Override
        protected Map<String, String> settings() {
            return Map.of("always", "", "k", "20", "period", "1");
        }
    }

    @Nested
    class Aco extends ModuleSelectorContract {
        @Override
        protected ModuleSelector provider() {
            return new ModuleSelectors.Aco();
        }
    }

    /** Importance and pheromone ignored, one module at a time, and a module named that the group may not have. */
    @Nested
    class AcoUniform extends ModuleSelectorContract {
        @Override
        protected ModuleSelector provider() {
            return new ModuleSelectors.Aco();
        }

        @Override
        protected Map<String, String> settings() {
            return Map.of("alpha", "0", "beta", "0", "always", "head", "above", "false");
        }
    }
}
