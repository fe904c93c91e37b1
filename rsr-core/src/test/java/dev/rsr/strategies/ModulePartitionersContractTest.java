package dev.rsr.strategies;

import dev.rsr.spi.ModulePartitioner;
import dev.rsr.testkit.ModulePartitionerContract;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** Every built-in partitioner held to the plugin contract. */
class ModulePartitionersContractTest {

    @Nested
    class ByNamePrefix extends ModulePartitionerContract {
        @Override
        protected ModulePartitioner provider() {
            return new ModulePartitioners.ByNamePrefix();
        }
    }

    @Nested
    class PerTensor extends ModulePartitionerContract {
        @Override
        protected ModulePartitioner provider() {
            return new ModulePartitioners.PerTensor();
        }
    }

    @Nested
    class Auto extends ModulePartitionerContract {
        @Override
        protected ModulePartitioner provider() {
            return new ModulePartitioners.Auto();
        }
    }

    /** More modules asked for than there are parameters, from a single probe batch. */
    @Nested
    class AutoFine extends ModulePartitionerContract {
        @Override
        protected ModulePartitioner provider() {
            return new ModulePartitioners.Auto();
        }

        @Override
        protected Map<String, String> settings() {
            return Map.of("modules", "100", "probe_batches", "1");
        }
    }
}
