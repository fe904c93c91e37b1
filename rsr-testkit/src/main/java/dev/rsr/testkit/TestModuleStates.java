package dev.rsr.testkit;

import dev.rsr.spi.ModuleState;
import dev.rsr.training.ModuleSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@link ModuleState} fixtures for selectors and learning-rate controllers: module names in model
 * order, the state before any step, states as a run leaves them, and states after all-zero
 * gradients. A module named {@code head} is fresh (new to the task), as a classifier head is.
 */
public final class TestModuleStates {
    private TestModuleStates() {
    }

    /**
     * {@code count} module names in model order: {@code embeddings}, {@code encoder.layer0}, …,
     * {@code head}; a single module is {@code head}.
     */
    public static List<String> names(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one module, got " + count);
        }
        if (count == 1) {
            return List.of("head");
        }
        List<String> out = new ArrayList<>();
        out.add("embeddings");
        for (int i = 0; i < count - 2; i++) {
            out.add("encoder.layer" + i);
        }
        out.add("head");
        return List.copyOf(out);
    }

    /** The state of {@code modules} before the first step: no update, no signal, average importance, pheromone 1. */
    public static List<ModuleState> initial(List<String> modules) {
        List<ModuleState> out = new ArrayList<>();
        for (String m : modules) {
            out.add(new ModuleState(m, out.size(), modules.size(), 1_000, fresh(m), 0, 0, 1, 1, null));
        }
        return out;
    }

    /**
     * States as a run leaves them, drawn from {@code random}: steps, rates ({@code 1e-6} to
     * {@code 1e-2}), importance ({@code 0}, or {@code 1e-3} to {@code 1e3} of the average), pheromone
     * ({@code 1e-3} to {@code 1e3}) and signals over many orders of magnitude, the cosine of either
     * sign; a module not updated yet has no signal.
     */
    public static List<ModuleState> random(List<String> modules, SplittableRandom random) {
        List<ModuleState> out = new ArrayList<>();
        for (String m : modules) {
            long steps = random.nextInt(4) == 0 ? 0 : random.nextLong(1, 10_000);
            double rate = steps == 0 ? 0 : Math.pow(10, random.nextDouble(-6, -2));
            double importance = random.nextInt(8) == 0 ? 0 : Math.pow(10, random.nextDouble(-3, 3));
            double pheromone = Math.pow(10, random.nextDouble(-3, 3));
            ModuleSignal signal = steps == 0 ? null : signal(random);
            out.add(new ModuleState(m, out.size(), modules.size(), random.nextLong(1, 1_000_000), fresh(m), steps, rate, importance,
                    pheromone, signal));
        }
        return out;
    }

    /**
     * States after steps whose gradients were all zero on zero weights: importance 0, pheromone 1 and
     * a signal of zeros.
     */
    public static List<ModuleState> zeroGradient(List<String> modules) {
        List<ModuleState> out = new ArrayList<>();
        for (String m : modules) {
            out.add(new ModuleState(m, out.size(), modules.size(), 1_000, fresh(m), 5, 1e-4, 0, 1, new ModuleSignal(0, 0, 0, 0)));
        }
        return out;
    }

    /** A signal with sums from about {@code 1e-12} to {@code 1e8} (and sometimes exactly 0), the alignment of either sign. */
    public static ModuleSignal signal(SplittableRandom random) {
        double g2 = magnitude(random), d2 = magnitude(random), w2 = magnitude(random);
        double cosine = random.nextDouble(-1, 1);
        return new ModuleSignal(g2, cosine * Math.sqrt(g2 * d2), d2, w2);
    }

    private static double magnitude(SplittableRandom random) {
        return random.nextInt(10) == 0 ? 0 : Math.pow(10, random.nextDouble(-12, 8));
    }

    private static boolean fresh(String module) {
        return module.equals("head");
    }
}
