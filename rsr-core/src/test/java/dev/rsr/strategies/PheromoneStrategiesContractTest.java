package dev.rsr.strategies;

import dev.rsr.spi.PheromoneStrategy;
import dev.rsr.testkit.PheromoneStrategyContract;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** Every built-in pheromone trail held to the plugin contract. */
class PheromoneStrategiesContractTest {

    @Nested
    class None extends PheromoneStrategyContract {
        @Override
        protected PheromoneStrategy provider() {
            return new PheromoneStrategies.None();
        }
    }

    @Nested
    class Aco extends PheromoneStrategyContract {
        @Override
        protected PheromoneStrategy provider() {
            return new PheromoneStrategies.Aco();
        }
    }

    /** Everything evaporates on every step, and deposits are as large as allowed. */
    @Nested
    class AcoFullEvaporation extends PheromoneStrategyContract {
        @Override
        protected PheromoneStrategy provider() {
            return new PheromoneStrategies.Aco();
        }

        @Override
        protected Map<String, String> settings() {
            return Map.of("evaporation", "1", "deposit_scale", "1e9");
        }
    }

    @Nested
    class MaxMin extends PheromoneStrategyContract {
        @Override
        protected PheromoneStrategy provider() {
            return new PheromoneStrategies.MaxMin();
        }
    }
}
