package dev.rsr.strategies;

import dev.rsr.spi.GradientBooster;
import dev.rsr.testkit.GradientBoosterContract;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** Every built-in booster held to the plugin contract. */
class GradientBoostersContractTest {

    @Nested
    class None extends GradientBoosterContract {
        @Override
        protected GradientBooster provider() {
            return new GradientBoosters.None();
        }
    }

    @Nested
    class Linear extends GradientBoosterContract {
        @Override
        protected GradientBooster provider() {
            return new GradientBoosters.Linear();
        }
    }

    /** The largest boost allowed. */
    @Nested
    class LinearStrong extends GradientBoosterContract {
        @Override
        protected GradientBooster provider() {
            return new GradientBoosters.Linear();
        }

        @Override
        protected Map<String, String> settings() {
            return Map.of("beta", "100");
        }
    }

    @Nested
    class TopK extends GradientBoosterContract {
        @Override
        protected GradientBooster provider() {
            return new GradientBoosters.TopK();
        }
    }

    /** Every trained element boosted, by nothing: a factor of 0 freezes them. */
    @Nested
    class TopKAllFrozen extends GradientBoosterContract {
        @Override
        protected GradientBooster provider() {
            return new GradientBoosters.TopK();
        }

        @Override
        protected Map<String, String> settings() {
            return Map.of("fraction", "1", "factor", "0");
        }
    }
}
