package dev.rsr.strategies;

import dev.rsr.spi.ImportanceStrategy;
import dev.rsr.testkit.ImportanceStrategyContract;
import org.junit.jupiter.api.Nested;

/** Every built-in importance strategy held to the plugin contract. */
class ImportanceStrategiesContractTest {

    @Nested
    class Uniform extends ImportanceStrategyContract {
        @Override
        protected ImportanceStrategy provider() {
            return new ImportanceStrategies.Uniform();
        }
    }

    @Nested
    class Magnitude extends ImportanceStrategyContract {
        @Override
        protected ImportanceStrategy provider() {
            return new ImportanceStrategies.Magnitude();
        }
    }

    @Nested
    class Gradient extends ImportanceStrategyContract {
        @Override
        protected ImportanceStrategy provider() {
            return new ImportanceStrategies.Gradient();
        }
    }

    @Nested
    class Taylor extends ImportanceStrategyContract {
        @Override
        protected ImportanceStrategy provider() {
            return new ImportanceStrategies.Taylor();
        }
    }

    @Nested
    class Fisher extends ImportanceStrategyContract {
        @Override
        protected ImportanceStrategy provider() {
            return new ImportanceStrategies.Fisher();
        }
    }

    @Nested
    class Movement extends ImportanceStrategyContract {
        @Override
        protected ImportanceStrategy provider() {
            return new ImportanceStrategies.Movement();
        }
    }

    @Nested
    class Sensitivity extends ImportanceStrategyContract {
        @Override
        protected ImportanceStrategy provider() {
            return new ImportanceStrategies.Sensitivity();
        }
    }
}
