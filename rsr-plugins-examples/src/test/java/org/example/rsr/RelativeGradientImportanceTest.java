package org.example.rsr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.ConfigurationException;
import dev.rsr.plugin.PluginRegistry;
import dev.rsr.spi.ImportanceStrategy;
import dev.rsr.spi.Settings;
import dev.rsr.testkit.ImportanceStrategyContract;
import dev.rsr.testkit.TestParameter;
import dev.rsr.training.Statistic;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RelativeGradientImportanceTest {

    /** The contract, with every setting at its default. */
    @Nested
    class Contract extends ImportanceStrategyContract {
        @Override
        protected ImportanceStrategy provider() {
            return new RelativeGradientImportance();
        }
    }

    /** The contract with per-tensor normalisation and the smallest epsilon allowed, where overflow would show first. */
    @Nested
    class NormalisedContract extends ImportanceStrategyContract {
        @Override
        protected ImportanceStrategy provider() {
            return new RelativeGradientImportance();
        }

        @Override
        protected Map<String, String> settings() {
            return Map.of("normalize", "tensor", "epsilon", "1e-12");
        }
    }

    private static ImportanceStrategy.Scorer scorer(Map<String, String> values) {
        Settings settings = new Settings("importance", RelativeGradientImportance.NAME, values);
        ImportanceStrategy.Scorer scorer = new RelativeGradientImportance().create(settings);
        settings.check();
        return scorer;
    }

    @Test
    void scoresTheGradientRelativeToTheWeight() {
        TestParameter p = TestParameter.builder("w", 4).weights(1f, -0.5f, 0f, 2f)
                .statistic(Statistic.ABSOLUTE_GRADIENT, 0.1f, 0.1f, 0.1f, 0f).build();
        float[] scores = scorer(Map.of("epsilon", "0.5")).score(p);
        assertArrayEquals(new float[] {0.1f / 1.5f, 0.1f / 1.0f, 0.1f / 0.5f, 0f}, scores, 1e-7f);
    }

    @Test
    void normalisingGivesEachTensorAMeanOfOne() {
        TestParameter p = TestParameter.random("w", "m", new long[] {8, 4}, 3);
        float[] scores = scorer(Map.of("normalize", "tensor")).score(p);
        double sum = 0;
        for (float s : scores) {
            sum += s;
        }
        assertEquals(1.0, sum / scores.length, 1e-5);
    }

    @Test
    void readsOnlyTheAbsoluteGradient() {
        assertEquals(java.util.Set.of(Statistic.ABSOLUTE_GRADIENT), scorer(Map.of()).statistics());
    }

    @Test
    void badSettingsAreReportedTogetherNamingEachField() {
        Settings settings = new Settings("importance", RelativeGradientImportance.NAME, Map.of("epsilon", "0", "normalize", "global"));
        new RelativeGradientImportance().create(settings);
        ConfigurationException e = assertThrows(ConfigurationException.class, settings::check);
        assertTrue(e.getMessage().contains("importance 'relative-gradient'"), e.getMessage());
        assertTrue(e.getMessage().contains("importance.epsilon"), e.getMessage());
        assertTrue(e.getMessage().contains("importance.normalize must be one of none, tensor"), e.getMessage());
    }

    @Test
    void isFoundThroughTheServiceFile() {
        ImportanceStrategy found = PluginRegistry.discover(ImportanceStrategy.class).get(RelativeGradientImportance.NAME);
        assertEquals(RelativeGradientImportance.class, found.getClass());
    }
}
