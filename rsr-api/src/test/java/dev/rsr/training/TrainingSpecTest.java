package dev.rsr.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.ConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingSpecTest {
    private static final List<TaskModule> MODULES = List.of(new TaskModule("all", List.of("w")));

    @Test
    void oneStepAtATimeUnlessTold() {
        TrainingSpec.Builder builder = TrainingSpec.builder(LossSpec.classification(), MODULES);
        assertEquals(1, builder.build().concurrentSteps());
        assertEquals(2, builder.concurrentSteps(2).build().concurrentSteps());
    }

    @Test
    void badThreadCountsAreReportedTogether() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> TrainingSpec.builder(LossSpec.classification(), MODULES).threads(-1).concurrentSteps(0).build());
        assertTrue(e.getMessage().contains("threads must be >= 0, got -1"), e.getMessage());
        assertTrue(e.getMessage().contains("concurrent steps must be >= 1, got 0"), e.getMessage());
    }
}
