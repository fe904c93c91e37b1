package dev.rsr.strategies;

import dev.rsr.spi.LearningRateController;
import dev.rsr.testkit.LearningRateControllerContract;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** Every built-in learning-rate controller held to the plugin contract. */
class LearningRateControllersContractTest {

    @Nested
    class Constant extends LearningRateControllerContract {
        @Override
        protected LearningRateController provider() {
            return new LearningRateControllers.Constant();
        }
    }

    @Nested
    class WarmupCosine extends LearningRateControllerContract {
        @Override
        protected LearningRateController provider() {
            return new LearningRateControllers.WarmupCosine();
        }
    }

    /** No warm-up, a floor, and no extra rate for fresh modules. */
    @Nested
    class WarmupCosineNoWarmup extends LearningRateControllerContract {
        @Override
        protected LearningRateController provider() {
            return new LearningRateControllers.WarmupCosine();
        }

        @Override
        protected Map<String, String> settings() {
            return Map.of("warmup", "0", "floor", "0.1", "fresh_scale", "1");
        }
    }

    @Nested
    class TrustRatio extends LearningRateControllerContract {
        @Override
        protected LearningRateController provider() {
            return new LearningRateControllers.TrustRatio();
        }
    }

    @Nested
    class ProgressAdaptive extends LearningRateControllerContract {
        @Override
        protected LearningRateController provider() {
            return new LearningRateControllers.ProgressAdaptive();
        }
    }

    /** The fastest adaptation in the narrowest range allowed. */
    @Nested
    class ProgressAdaptiveFast extends LearningRateControllerContract {
        @Override
        protected LearningRateController provider() {
            return new LearningRateControllers.ProgressAdaptive();
        }

        @Override
        protected Map<String, String> settings() {
            return Map.of("gain", "10", "range", "1");
        }
    }
}
