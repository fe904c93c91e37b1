package org.example.rsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.ConfigurationException;
import dev.rsr.plugin.PluginRegistry;
import dev.rsr.spi.PheromoneStrategy;
import dev.rsr.spi.Settings;
import dev.rsr.testkit.PheromoneStrategyContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RankBasedTrailTest {
    private static final List<String> MODULES = List.of("a", "b", "c", "d");

    /** The contract, with every setting at its default. */
    @Nested
    class Contract extends PheromoneStrategyContract {
        @Override
        protected PheromoneStrategy provider() {
            return new RankBasedTrail();
        }
    }

    /** The contract with one rank, full evaporation and narrow bounds. */
    @Nested
    class ElitistContract extends PheromoneStrategyContract {
        @Override
        protected PheromoneStrategy provider() {
            return new RankBasedTrail();
        }

        @Override
        protected Map<String, String> settings() {
            return Map.of("ranks", "1", "evaporation", "1", "min_level", "0.5", "max_level", "2");
        }
    }

    private static PheromoneStrategy.Trail trail(Map<String, String> values) {
        Settings settings = new Settings("pheromone", RankBasedTrail.NAME, values);
        PheromoneStrategy.Trail trail = new RankBasedTrail().create(settings, MODULES);
        settings.check();
        return trail;
    }

    @Test
    void onlyTheBestRanksDepositWeightedByRank() {
        PheromoneStrategy.Trail trail = trail(Map.of("ranks", "2", "evaporation", "0.5", "deposit_scale", "1", "max_level", "100"));
        trail.update(Map.of("a", 0.2, "b", 0.4, "c", 0.1, "d", 0.0));
        Map<String, Double> levels = trail.levels();
        assertEquals(0.5 + 0.4, levels.get("b"), 1e-12, "the best deposits its whole amount");
        assertEquals(0.5 + 0.2 * 0.5, levels.get("a"), 1e-12, "the second deposits (w - 1)/w of it");
        assertEquals(0.5, levels.get("c"), 1e-12, "the third is beyond the ranks and only evaporates");
        assertEquals(0.5, levels.get("d"), 1e-12);
    }

    @Test
    void levelsStayWithinTheirBounds() {
        PheromoneStrategy.Trail trail = trail(Map.of("min_level", "0.2", "max_level", "3"));
        for (int step = 0; step < 200; step++) {
            trail.update(Map.of("a", 100.0));
        }
        assertEquals(3.0, trail.levels().get("a"));
        assertEquals(0.2, trail.levels().get("b"));
    }

    @Test
    void crossedBoundsAreReportedWithTheOtherProblems() {
        Settings settings = new Settings("pheromone", RankBasedTrail.NAME, Map.of("min_level", "4", "max_level", "2", "ranks", "zero"));
        new RankBasedTrail().create(settings, MODULES);
        ConfigurationException e = assertThrows(ConfigurationException.class, settings::check);
        assertTrue(e.getMessage().contains("pheromone 'rank-based'"), e.getMessage());
        assertTrue(e.getMessage().contains("pheromone.max_level must be greater than min_level"), e.getMessage());
        assertTrue(e.getMessage().contains("pheromone.ranks"), e.getMessage());
    }

    @Test
    void isFoundThroughTheServiceFile() {
        PheromoneStrategy found = PluginRegistry.discover(PheromoneStrategy.class).get(RankBasedTrail.NAME);
        assertEquals(RankBasedTrail.class, found.getClass());
    }
}
