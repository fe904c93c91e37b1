package dev.rsr.strategies;

import dev.rsr.spi.ModuleSelector;
import dev.rsr.spi.ModuleState;
import dev.rsr.spi.Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** The built-in module selectors. */
public final class ModuleSelectors {
    private ModuleSelectors() {
    }

    /** Every module on every step. */
    public static final class All implements ModuleSelector {
        @Override
        public String name() {
            return "all";
        }

        @Override
        public Selector create(Settings settings) {
            return new Selector() {
                @Override
                public Set<String> select(List<ModuleState> modules, long step, SplittableRandom random) {
                    return names(modules);
                }

                @Override
                public boolean usesImportance() {
                    return false;
                }
            };
        }
    }

    /**
     * The settings every choosing selector shares.
     *
     * @param k      modules chosen besides the {@code always} ones
     * @param period steps between choices (the choice holds in between)
     * @param always modules updated on every step: names, or {@code first} and {@code last} for the
     *               first and last module in model order (embeddings and head, say); a worker whose
     *               share of the modules holds neither chooses freely among its own
     * @param alpha  the weight of pheromone in {@code τ^α·η^β}
     * @param beta   the weight of importance
     * @param gamma  the weight of cost in {@code τ^α·η^β·(1/c)^γ}, where {@code c} is the share of
     *               the model's depth the backward pass crosses to reach the module (1 for the
     *               module nearest the input, {@code 1/n} for the last of {@code n}); as classic
     *               ant colonies weigh an edge by the inverse of its length, the ants then prefer
     *               modules that are cheap to refine; 0 ignores cost
     * @param above  also update every module above the deepest one chosen: the backward pass reaches
     *               the deepest chosen module anyway, so the modules between it and the output cost
     *               only their weight gradients and updates, and the number of distinct module sets
     *               (each of which costs the backend a set-up on first use) stays linear
     */
    record Choice(int k, int period, List<String> always, double alpha, double beta, double gamma, boolean above) {
        static Choice read(Settings s, int k, int period, List<String> always, double gamma, boolean above) {
            return new Choice(s.integer("k", k, 1, 10_000), s.integer("period", period, 1, 1_000_000), s.names("always", always),
                    s.decimal("alpha", 1, 0, 10), s.decimal("beta", 1, 0, 10), s.decimal("gamma", gamma, 0, 10), s.flag("above", above));
        }

        Set<String> alwaysIn(List<ModuleState> modules) {
            Set<String> out = new LinkedHashSet<>();
            for (String a : always) {
                for (ModuleState m : modules) {
                    boolean match = switch (a) {
                        case "first" -> m.position() == 0;
                        case "last" -> m.position() == m.moduleCount() - 1;
                        default -> m.name().equals(a);
                    };
                    if (match) {
                        out.add(m.name());
                    }
                }
            }
            return out;
        }

        double weight(ModuleState m) {
            double cost = (double) (m.moduleCount() - m.position()) / m.moduleCount();
            return Math.pow(m.pheromone(), alpha) * Math.pow(Math.max(m.importance(), 1e-12), beta) * Math.pow(cost, -gamma);
        }
    }

    /** A choice that holds for {@code period} steps, then is drawn again. */
    private abstract static class Periodic implements ModuleSelector.Selector {
        final Choice choice;
        private Set<String> current = Set.of();

        Periodic(Choice choice) {
            this.choice = choice;
        }

        @Override
        public final Set<String> select(List<ModuleState> modules, long step, SplittableRandom random) {
            if (current.isEmpty() || step % choice.period() == 0) {
                Set<String> chosen = new LinkedHashSet<>(choice.alwaysIn(modules));
                List<ModuleState> candidates = new ArrayList<>(modules.stream().filter(m -> !chosen.contains(m.name())).toList());
                chosen.addAll(choose(candidates, Math.min(choice.k(), candidates.size()), random));
                if (choice.above()) {
                    int deepest = modules.size();
                    for (int i = 0; i < modules.size(); i++) {
                        if (chosen.contains(modules.get(i).name()) && !choice.alwaysIn(modules).contains(modules.get(i).name())) {
                            deepest = Math.min(deepest, i);
                        }
                    }
                    for (int i = deepest; i < modules.size(); i++) {
                        chosen.add(modules.get(i).name());
                    }
                }
                current = chosen;
            }
            return current;
        }

        abstract List<String> choose(List<ModuleState> candidates, int k, SplittableRandom random);
    }

    /** The {@code k} modules of highest {@code τ^α·η^β}, plus the {@code always} ones. */
    public static final class TopK implements ModuleSelector {
        @Override
        public String name() {
            return "top-k";
        }

        @Override
        public Selector create(Settings settings) {
            return new Periodic(Choice.read(settings, 2, 1, List.of("last"), 0, false)) {
                @Override
                List<String> choose(List<ModuleState> candidates, int k, SplittableRandom random) {
                    return candidates.stream().sorted(Comparator.comparingDouble(choice::weight).reversed()).limit(k)
                            .map(ModuleState::name).toList();
                }
            };
        }
    }

    /**
     * LISA: {@code k} modules drawn uniformly every {@code period} steps, with the first and last
     * (embeddings and head) always trained (Pan et al., 2024: two layers every 50 steps).
     */
    public static final class RandomK implements ModuleSelector {
        @Override
        public String name() {
            return "random-k";
        }

        @Override
        public Selector create(Settings settings) {
            return new Periodic(Choice.read(settings, 2, 50, List.of("first", "last"), 0, false)) {
                @Override
                public boolean usesImportance() {
                    return false;
                }

                @Override
                List<String> choose(List<ModuleState> candidates, int k, SplittableRandom random) {
                    List<String> pool = new ArrayList<>(names(candidates));
                    List<String> out = new ArrayList<>();
                    for (int i = 0; i < k; i++) {
                        out.add(pool.remove(random.nextInt(pool.size())));
                    }
                    return out;
                }
            };
        }
    }

    /**
     * The ants' choice: {@code k} modules drawn without replacement with probability proportional to
     * {@code τ^α·η^β·(1/c)^γ}, so modules that brought progress and matter to the task are refined
     * more often while every module keeps a chance. Two modules a draw by default: with one, the ants
     * left most of a small encoder untrained on most steps once {@code first} and {@code last} meant
     * the model's, not each worker's (negation from the demo's encoder, 300 steps, seeds 42 to 44:
     * 53 % with one, 99 % with two, {@code full} 99.8 %).
     *
     * <p>Cost counts once ({@code gamma} 1): a module whose backward pass crosses twice the depth is
     * drawn half as often, other things equal. Chosen on WordNet verb from all-MiniLM-L6-v2 (200
     * steps, seeds 42 to 44: a worker step of 530 against 581 ms, the same accuracy), confirmed on
     * noun in two runs with the two forms in either order: worker steps 516 and 548 against 575 and
     * 601 ms, final 77.7 and 77.5 against 77.1 and 77.3 %, {@code full}'s level reached in 0.55 of
     * its time on average against 0.61. Where a worker's share has no more modules than it draws (a
     * two-layer encoder on two workers) every draw takes them all and cost changes nothing.
     */
    public static final class Aco implements ModuleSelector {
        @Override
        public String name() {
            return "aco";
        }

        @Override
        public Selector create(Settings settings) {
            return new Periodic(Choice.read(settings, 2, 1, List.of("last"), 1, true)) {
                @Override
                List<String> choose(List<ModuleState> candidates, int k, SplittableRandom random) {
                    List<ModuleState> pool = new ArrayList<>(candidates);
                    List<String> out = new ArrayList<>();
                    for (int i = 0; i < k; i++) {
                        double total = pool.stream().mapToDouble(choice::weight).sum();
                        double r = random.nextDouble() * total;
                        int pick = pool.size() - 1;
                        for (int j = 0; j < pool.size(); j++) {
                            r -= choice.weight(pool.get(j));
                            if (r < 0) {
                                pick = j;
                                break;
                            }
                        }
                        out.add(pool.remove(pick).name());
                    }
                    return out;
                }
            };
        }
    }

    private static Set<String> names(List<ModuleState> modules) {
        Set<String> out = new LinkedHashSet<>();
        modules.forEach(m -> out.add(m.name()));
        return out;
    }
}
