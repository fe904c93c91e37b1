package dev.rsr.engine;

import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.spi.ParameterView;
import dev.rsr.training.Statistic;
import dev.rsr.training.TaskModule;
import dev.rsr.training.TrainingSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The host side of selective optimization: importance scores, masks and boosts, turned into the
 * update multipliers the backend applies ({@code mask × boost}). Runs between steps, every few
 * steps; per-element arrays live here only then.
 */
final class Masks {
    /** The fraction of each module's elements inside the mask, and each module's relative importance. */
    record Refresh(Map<String, Double> density, Map<String, Double> importance) {
    }

    private final TrainingSession session;
    private final List<TaskModule> modules;
    private final Strategies strategies;
    private final ModelGraph model;
    private final boolean multipliers;
    private final Set<String> fresh;
    private final SplittableRandom random;
    private final Map<String, boolean[]> current = new LinkedHashMap<>();
    private final Map<String, float[]> applied = new LinkedHashMap<>();
    /** Per parameter, as of its last refresh: the sum of |score| and the elements inside its mask. */
    private final Map<String, Double> scoreSums = new LinkedHashMap<>();
    private final Map<String, Long> inMask = new LinkedHashMap<>();
    private double densitySum;
    private int refreshes;

    /**
     * @param fresh parameters new to the task (a head attached for it): they always train whole and
     *              unboosted, since selecting among connections is about what pretraining learned
     */
    Masks(TrainingSession session, List<TaskModule> modules, Strategies strategies, ModelGraph model, boolean multipliers,
          Set<String> fresh, SplittableRandom random) {
        this.session = session;
        this.modules = modules;
        this.strategies = strategies;
        this.model = model;
        this.multipliers = multipliers;
        this.fresh = fresh;
        this.random = random;
    }

    /**
     * Scores importance, refreshes boosts and, if {@code remask}, masks, and hands the multipliers
     * to the backend, for the modules in {@code revisit} (and any never refreshed before). The
     * others keep their masks, boosts and importance: a module no step has updated since the last
     * refresh has the same weights and statistics, so revisiting it would cost a read and a pass
     * over every element for the same answer (on all-MiniLM-L6-v2 the rarely chosen embeddings are
     * half the model).
     *
     * @param statisticsSeen whether any batch has fed the running statistics yet: before one, an
     *                       importance that reads statistics would score every element zero, so it
     *                       is not asked (modules count as equally important and boosts stay 1)
     *                       unless a mask policy must rank by it now
     */
    Refresh refresh(boolean remask, Set<String> revisit, boolean statisticsSeen) {
        List<ParameterView> views = new ArrayList<>();
        Map<String, String> moduleOf = new LinkedHashMap<>();
        Reads reads = new Reads();
        for (TaskModule m : modules) {
            for (String p : m.parameters()) {
                moduleOf.put(p, m.name());
                if (revisit.contains(m.name()) || !scoreSums.containsKey(p)) {
                    views.add(new View(p, m.name(), model.graph().initializers().get(p).shape(), reads));
                }
            }
        }
        reads.parameters = views.stream().map(ParameterView::name).toList();
        String importance = strategies.name("importance");
        boolean boosts = multipliers && !strategies.name("booster").equals("none");
        boolean maskRanks = remask && multipliers && strategies.mask.usesScores();
        boolean nothingToScore = !statisticsSeen && !strategies.importance.statistics().isEmpty();
        boolean scored = maskRanks || !nothingToScore && (!importance.equals("uniform") || boosts);
        Map<String, float[]> scores = new LinkedHashMap<>();
        if (scored) {
            for (ParameterView v : views) {
                scores.put(v.name(), Strategies.checked(Strategies.call("importance", importance, "scoring '" + v.name() + "'",
                        () -> strategies.importance.score(v)), v.elementCount(), false, "importance", importance, "scores of '" + v.name() + "'"));
            }
        }
        for (ParameterView v : views) {
            float[] s = scores.get(v.name());
            scoreSums.put(v.name(), s == null ? 0 : sumAbs(s));
        }
        if (multipliers && (remask || boosts && scored)) {
            updateMultipliers(views, scores, remask);
        }
        for (ParameterView v : views) {
            inMask.put(v.name(), count(current.get(v.name()), v.elementCount()));
        }
        Map<String, Double> density = new LinkedHashMap<>();
        Map<String, double[]> sums = new LinkedHashMap<>();
        double allScores = 0;
        for (Map.Entry<String, String> e : moduleOf.entrySet()) {
            double[] acc = sums.computeIfAbsent(e.getValue(), k -> new double[3]); // in mask, elements, |score| sum
            acc[0] += inMask.get(e.getKey());
            acc[1] += model.graph().initializers().get(e.getKey()).elementCount();
            acc[2] += scoreSums.get(e.getKey());
            allScores += scoreSums.get(e.getKey());
        }
        // A module's importance is its share of the total, times the number of modules (1 = an even
        // share): a module of a few very salient elements (a layer norm) must not outrank a layer.
        Map<String, Double> eta = new LinkedHashMap<>();
        long inMaskTotal = 0, total = 0;
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            double[] acc = e.getValue();
            density.put(e.getKey(), acc[0] / acc[1]);
            eta.put(e.getKey(), scored && allScores > 0 ? acc[2] / allScores * sums.size() : 1.0);
            inMaskTotal += (long) acc[0];
            total += (long) acc[1];
        }
        densitySum += inMaskTotal / (double) Math.max(1, total);
        refreshes++;
        return new Refresh(density, eta);
    }

    private static long count(boolean[] mask, int elements) {
        if (mask == null) {
            return elements;
        }
        long n = 0;
        for (boolean b : mask) {
            n += b ? 1 : 0;
        }
        return n;
    }

    private static double sumAbs(float[] s) {
        double sum = 0;
        for (float x : s) {
            sum += Math.abs(x);
        }
        return sum;
    }

    /**
     * The multipliers ({@code mask × boost}) of the revisited parameters: new masks from the policy
     * if {@code remask}, else the current ones; boosts from this refresh's scores (1 where there are
     * none). Boosts refresh at every refresh, even under a fixed mask: what the booster amplifies is
     * what matters now. Only multipliers that changed go to the backend.
     */
    private void updateMultipliers(List<ParameterView> revisited, Map<String, float[]> scores, boolean remask) {
        String maskName = strategies.name("mask"), boosterName = strategies.name("booster");
        List<ParameterView> views = revisited.stream().filter(v -> !fresh.contains(v.name())).toList();
        if (views.isEmpty()) {
            return;
        }
        // The first refresh always remasks, so current holds every parameter a later one revisits.
        Map<String, boolean[]> next = remask ? masks(views, scores, maskName) : current;
        Map<String, TensorData> changed = new LinkedHashMap<>();
        for (ParameterView v : views) {
            boolean[] mask = next == null ? null : next.get(v.name());
            if (mask == null || mask.length != v.elementCount()) {
                throw new dev.rsr.error.PluginException("mask '" + maskName + "' returned " + (mask == null ? "no mask"
                        : "a mask of " + mask.length + " elements") + " for '" + v.name() + "' (" + v.elementCount() + " elements)");
            }
            // No scores, or all zero (statistics not fed since the run began): nothing to amplify.
            float[] boost = boosterName.equals("none") || scoreSums.get(v.name()) == 0 ? null : Strategies.checked(Strategies.call("booster",
                    boosterName, "boosting '" + v.name() + "'", () -> strategies.booster.multipliers(v, scores.get(v.name()), mask.clone())),
                    v.elementCount(), true, "booster", boosterName, "multipliers of '" + v.name() + "'");
            float[] u = new float[mask.length];
            for (int i = 0; i < u.length; i++) {
                u[i] = mask[i] ? (boost == null ? 1f : boost[i]) : 0f;
            }
            current.put(v.name(), mask);
            // A session starts with every multiplier at 1: all ones is no change the first time either.
            float[] before = applied.get(v.name());
            if (before == null ? !allOnes(u) : !Arrays.equals(u, before)) {
                changed.put(v.name(), TensorData.ofFloats(v.shape(), u));
            }
            applied.put(v.name(), u);
        }
        if (!changed.isEmpty()) {
            session.setUpdateMultipliers(changed);
        }
    }

    private Map<String, boolean[]> masks(List<ParameterView> views, Map<String, float[]> scores, String maskName) {
        Map<String, float[]> given = new LinkedHashMap<>();
        if (strategies.mask.usesScores()) {
            views.forEach(v -> given.put(v.name(), scores.get(v.name())));
        }
        return Strategies.call("mask", maskName, "refreshing masks",
                () -> strategies.mask.refresh(List.copyOf(views), java.util.Collections.unmodifiableMap(given),
                        java.util.Collections.unmodifiableMap(current), random));
    }

    private static boolean allOnes(float[] u) {
        for (float x : u) {
            if (x != 1f) {
                return false;
            }
        }
        return true;
    }

    /** The share of trainable elements inside the masks, averaged over refreshes (1 without masks). */
    double meanDensity() {
        return refreshes == 0 ? 1 : densitySum / refreshes;
    }

    /**
     * One refresh's host copies, each read for every parameter in one run on first use: a run per
     * parameter would cost a run set-up per parameter.
     */
    private final class Reads {
        List<String> parameters;
        private Map<String, TensorData> weights;
        private final Map<Statistic, Map<String, TensorData>> statistics = new EnumMap<>(Statistic.class);

        float[] weights(String name) {
            if (weights == null) {
                weights = session.values(parameters);
            }
            return weights.get(name).floats();
        }

        float[] statistic(Statistic statistic, String name) {
            return statistics.computeIfAbsent(statistic, s -> session.statistics(s, parameters)).get(name).floats();
        }
    }

    /** A parameter whose data is read from the session on first use. */
    private static final class View implements ParameterView {
        private final String name, module;
        private final long[] shape;
        private final int elements;
        private final Reads reads;
        private float[] weights;
        private final Map<Statistic, float[]> statistics = new EnumMap<>(Statistic.class);

        View(String name, String module, long[] shape, Reads reads) {
            this.name = name;
            this.module = module;
            this.shape = shape.clone();
            this.reads = reads;
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            this.elements = (int) n;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String module() {
            return module;
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public int elementCount() {
            return elements;
        }

        @Override
        public float[] weights() {
            if (weights == null) {
                weights = reads.weights(name);
            }
            return weights;
        }

        @Override
        public float[] statistic(Statistic statistic) {
            return statistics.computeIfAbsent(statistic, s -> reads.statistic(s, name));
        }
    }
}
