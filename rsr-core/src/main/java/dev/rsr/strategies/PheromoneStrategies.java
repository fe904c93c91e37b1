package dev.rsr.strategies;

import dev.rsr.spi.PheromoneStrategy;
import dev.rsr.spi.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The built-in pheromone trails. */
public final class PheromoneStrategies {
    private PheromoneStrategies() {
    }

    /** No trail: every module's level stays 1. */
    public static final class None implements PheromoneStrategy {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public Trail create(Settings settings, List<String> modules) {
            Map<String, Double> ones = new LinkedHashMap<>();
            modules.forEach(m -> ones.put(m, 1.0));
            Map<String, Double> levels = java.util.Collections.unmodifiableMap(ones);
            return new Trail() {
                @Override
                public void update(Map<String, Double> deposits) {
                }

                @Override
                public Map<String, Double> levels() {
                    return levels;
                }
            };
        }
    }

    /** Ant System: {@code τ ← (1 − ρ)·τ + Q·Δ}, from {@code τ = 1}; a floor keeps every level positive. */
    public static final class Aco implements PheromoneStrategy {
        @Override
        public String name() {
            return "aco";
        }

        @Override
        public Trail create(Settings settings, List<String> modules) {
            double evaporation = settings.positiveDecimal("evaporation", 0.05, 1);
            double scale = settings.positiveDecimal("deposit_scale", 10, 1e9);
            return new BoundedTrail(modules, evaporation, scale, 1e-3, Double.MAX_VALUE);
        }
    }

    /**
     * MAX-MIN Ant System: the same trail with every level kept within {@code [min_ratio, 1]}, so no
     * module's chance of being chosen vanishes (Stützle and Hoos, 2000).
     */
    public static final class MaxMin implements PheromoneStrategy {
        @Override
        public String name() {
            return "max-min";
        }

        @Override
        public Trail create(Settings settings, List<String> modules) {
            double evaporation = settings.positiveDecimal("evaporation", 0.05, 1);
            double scale = settings.positiveDecimal("deposit_scale", 10, 1e9);
            double minRatio = settings.positiveDecimal("min_ratio", 0.1, 1);
            return new BoundedTrail(modules, evaporation, scale, minRatio, 1.0);
        }
    }

    private static final class BoundedTrail implements PheromoneStrategy.Trail {
        private final Map<String, Double> levels = new LinkedHashMap<>();
        private final double evaporation, scale, min, max;

        BoundedTrail(List<String> modules, double evaporation, double scale, double min, double max) {
            this.evaporation = evaporation;
            this.scale = scale;
            this.min = min;
            this.max = max;
            modules.forEach(m -> levels.put(m, 1.0));
        }

        @Override
        public void update(Map<String, Double> deposits) {
            levels.replaceAll((m, tau) -> {
                double next = (1 - evaporation) * tau + scale * deposits.getOrDefault(m, 0.0);
                return Math.min(max, Math.max(min, next));
            });
        }

        @Override
        public Map<String, Double> levels() {
            return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(levels));
        }
    }
}
