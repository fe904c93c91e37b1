package org.example.rsr;

import dev.rsr.spi.PheromoneStrategy;
import dev.rsr.spi.Settings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rank-based ant system (Bullnheimer, Hartl and Strauss, 1999) with the level bounds of the
 * MAX-MIN ant system (Stützle and Hoos, 2000).
 *
 * <p>On each step every level evaporates, {@code τ ← (1 − ρ)·τ}; then only the {@code w} modules
 * with the largest deposits on the step lay pheromone, weighted by their rank: the best
 * {@code Q·Δ}, the second {@code Q·Δ·(w − 1)/w}, …, the {@code w}-th {@code Q·Δ/w}. Finally every
 * level is kept within {@code [min_level, max_level]}.
 *
 * <p>Plain ant system lets every module that brought any progress reinforce itself, so with many
 * modules updated per step the trail drifts toward whichever modules are updated most often, not
 * those that help most. Ranking concentrates reinforcement on the few best modules of each step;
 * the bounds keep every module's chance of selection above zero (no module is starved for good)
 * and stop one module's level from growing without limit.
 *
 * <p>Settings ({@code --set pheromone.<field>=<value>}), each validated, with the bounds checked
 * together:
 * <ul>
 *   <li>{@code evaporation} ρ (default {@code 0.1}, in {@code (0, 1]});
 *   <li>{@code ranks} w (default {@code 3}, in {@code [1, 1000]}): how many modules deposit per step;
 *   <li>{@code deposit_scale} Q (default {@code 10}, in {@code (0, 1e9]});
 *   <li>{@code min_level} (default {@code 0.05}) and {@code max_level} (default {@code 5}), each in
 *       {@code (0, 1e6]}, with {@code min_level < max_level}.
 * </ul>
 * Every level starts at 1, moved into the bounds. Deposits for modules the trail does not know are ignored, as are
 * amounts that are not finite or are negative (the engine never sends them).
 */
public final class RankBasedTrail implements PheromoneStrategy {
    /** The name configurations use: {@code --set pheromone=rank-based}. */
    public static final String NAME = "rank-based";

    /**
     * The validated settings.
     *
     * @param evaporation ρ
     * @param ranks       w
     * @param scale       Q
     * @param min         the lowest level
     * @param max         the highest level
     */
    record Config(double evaporation, int ranks, double scale, double min, double max) {
        static Config read(Settings s) {
            double evaporation = s.positiveDecimal("evaporation", 0.1, 1);
            int ranks = s.integer("ranks", 3, 1, 1000);
            double scale = s.positiveDecimal("deposit_scale", 10, 1e9);
            double min = s.positiveDecimal("min_level", 0.05, 1e6);
            double max = s.positiveDecimal("max_level", 5, 1e6);
            if (min >= max) {
                s.problem("max_level", "must be greater than min_level (" + min + "), got " + max);
                return new Config(evaporation, ranks, scale, 0.05, 5);
            }
            return new Config(evaporation, ranks, scale, min, max);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Trail create(Settings settings, List<String> modules) {
        return new RankedTrail(Config.read(settings), modules);
    }

    /** The trail: levels in module order. Not thread-safe (the engine calls it under a lock). */
    private static final class RankedTrail implements Trail {
        private final Config config;
        private final Map<String, Double> levels = new LinkedHashMap<>();
        private final Map<String, Integer> order = new LinkedHashMap<>();

        RankedTrail(Config config, List<String> modules) {
            this.config = config;
            for (String m : modules) {
                levels.put(m, clamp(1.0));
                order.put(m, order.size());
            }
        }

        @Override
        public void update(Map<String, Double> deposits) {
            List<Map.Entry<String, Double>> ranked = new ArrayList<>();
            for (Map.Entry<String, Double> d : deposits.entrySet()) {
                Double amount = d.getValue();
                if (levels.containsKey(d.getKey()) && amount != null && Double.isFinite(amount) && amount > 0) {
                    ranked.add(Map.entry(d.getKey(), amount));
                }
            }
            // Largest deposit first; ties in module order, so the same deposits always rank the same.
            ranked.sort(Comparator.<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue).reversed()
                    .thenComparing(e -> order.get(e.getKey())));
            levels.replaceAll((m, tau) -> (1 - config.evaporation()) * tau);
            int w = config.ranks();
            for (int r = 0; r < Math.min(w, ranked.size()); r++) {
                Map.Entry<String, Double> e = ranked.get(r);
                double weight = (w - r) / (double) w;
                levels.merge(e.getKey(), config.scale() * weight * e.getValue(), Double::sum);
            }
            levels.replaceAll((m, tau) -> clamp(tau));
        }

        @Override
        public Map<String, Double> levels() {
            return Collections.unmodifiableMap(new LinkedHashMap<>(levels));
        }

        private double clamp(double tau) {
            return Math.min(config.max(), Math.max(config.min(), tau));
        }
    }
}
