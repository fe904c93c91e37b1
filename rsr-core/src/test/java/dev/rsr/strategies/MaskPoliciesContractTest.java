package dev.rsr.strategies;

import dev.rsr.spi.MaskPolicy;
import dev.rsr.testkit.MaskPolicyContract;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** Every built-in mask policy held to the plugin contract, the top-k policies also at the edges of their settings. */
class MaskPoliciesContractTest {

    @Nested
    class All extends MaskPolicyContract {
        @Override
        protected MaskPolicy provider() {
            return new MaskPolicies.All();
        }
    }

    @Nested
    class TopPerTensor extends MaskPolicyContract {
        @Override
        protected MaskPolicy provider() {
            return new MaskPolicies.TopPerTensor();
        }
    }

    /** So sparse that most tensors keep one element: the per-tensor floor. */
    @Nested
    class TopPerTensorSparse extends MaskPolicyContract {
        @Override
        protected MaskPolicy provider() {
            return new MaskPolicies.TopPerTensor();
        }

        @Override
        protected Map<String, String> settings() {
            return Map.of("density", "0.001", "hysteresis", "10", "refresh_every", "1", "probe_batches", "0");
        }
    }

    @Nested
    class TopGlobal extends MaskPolicyContract {
        @Override
        protected MaskPolicy provider() {
            return new MaskPolicies.TopGlobal();
        }
    }

    /** Every element: the global top-k with nothing left out. */
    @Nested
    class TopGlobalDense extends MaskPolicyContract {
        @Override
        protected MaskPolicy provider() {
            return new MaskPolicies.TopGlobal();
        }

        @Override
        protected Map<String, String> settings() {
            return Map.of("density", "1", "hysteresis", "0");
        }
    }

    @Nested
    class RandomMask extends MaskPolicyContract {
        @Override
        protected MaskPolicy provider() {
            return new MaskPolicies.RandomMask();
        }
    }

    @Nested
    class FixedAfterProbe extends MaskPolicyContract {
        @Override
        protected MaskPolicy provider() {
            return new MaskPolicies.FixedAfterProbe();
        }
    }
}
