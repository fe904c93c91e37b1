package dev.rsr.training;

import dev.rsr.error.ConfigurationException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a model is trained: the loss, the update rule, the partition of parameters into task
 * modules (parameters in no module stay frozen), and what the session keeps beside the
 * parameters. Build one with {@link #builder}.
 *
 * @param loss              what training minimizes
 * @param optimizer         the update rule
 * @param modules           the task modules; a parameter belongs to at most one
 * @param updateMultipliers keep a per-element multiplier on every trainable parameter's update
 *                          (mask × boost; see {@link TrainingSession#setUpdateMultipliers})
 * @param statistics        running statistics to accumulate in the step
 * @param statisticsDecay   the decay of the statistics' moving averages, in (0, 1)
 * @param moduleSignals     report a {@link ModuleSignal} per updated module on every step
 * @param threads           the backend's thread count (0 = its default)
 * @param concurrentSteps   how many threads call {@link TrainingSession#step} at once (parallel
 *                          workers); with {@code threads} at 0 a backend may size its threads an
 *                          op by it (cores ÷ concurrent steps) rather than have every step's ops
 *                          split over all the cores
 * @param sparseTablesFrom  a parameter of at least this many elements that the model only reads by
 *                          gathering rows (an embedding table) is updated lazily: a step moves, and
 *                          advances the optimizer state of, only the rows its batch gathered, as
 *                          lazy Adam does ({@link #NO_SPARSE_TABLES} for never)
 */
public record TrainingSpec(LossSpec loss, OptimizerSpec optimizer, List<TaskModule> modules, boolean updateMultipliers,
                           Set<Statistic> statistics, double statisticsDecay, boolean moduleSignals, int threads,
                           int concurrentSteps, long sparseTablesFrom) {
    /**
     * Checks every field at once.
     *
     * @param loss              what training minimizes
     * @param optimizer         the update rule
     * @param modules           the task modules; a parameter belongs to at most one
     * @param updateMultipliers keep a per-element multiplier on every trainable parameter's update
     *                          (mask × boost; see {@link TrainingSession#setUpdateMultipliers})
     * @param statistics        running statistics to accumulate in the step
     * @param statisticsDecay   the decay of the statistics' moving averages, in (0, 1)
     * @param moduleSignals     report a {@link ModuleSignal} per updated module on every step
     * @param threads           the backend's thread count (0 = its default)
     * @param concurrentSteps   how many threads call {@code step} at once, ≥ 1
     * @param sparseTablesFrom  the element count from which an embedding table is updated lazily
     * @throws ConfigurationException listing every invalid field
     */
    public TrainingSpec {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(optimizer, "optimizer");
        modules = List.copyOf(modules);
        statistics = statistics.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statistics));
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, String> owner = new HashMap<>();
        for (TaskModule m : modules) {
            if (!names.add(m.name())) {
                problems.add("module '" + m.name() + "' is defined twice");
            }
            for (String p : m.parameters()) {
                String previous = owner.put(p, m.name());
                if (previous != null) {
                    problems.add("parameter '" + p + "' is in modules '" + previous + "' and '" + m.name() + "'");
                }
            }
        }
        if (modules.isEmpty()) {
            problems.add("no task modules: nothing would be trained");
        }
        if (!(statisticsDecay > 0 && statisticsDecay < 1)) {
            problems.add("statistics decay must be in (0, 1), got " + statisticsDecay);
        }
        if (statistics.contains(Statistic.SALIENCY_DEVIATION) && !statistics.contains(Statistic.SALIENCY)) {
            problems.add("the saliency deviation statistic needs the saliency statistic too");
        }
        if (threads < 0) {
            problems.add("threads must be >= 0, got " + threads);
        }
        if (concurrentSteps < 1) {
            problems.add("concurrent steps must be >= 1, got " + concurrentSteps);
        }
        if (sparseTablesFrom < 1) {
            problems.add("sparse tables must start at >= 1 element, got " + sparseTablesFrom);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("invalid training spec: " + String.join("; ", problems));
        }
    }

    /** {@link #sparseTablesFrom} for a spec that updates every table densely. */
    public static final long NO_SPARSE_TABLES = Long.MAX_VALUE;

    /**
     * The default {@link #sparseTablesFrom}: four million elements. On a 30,522 × 384 table (11.7
     * million) the lazy update made a step 5 to 6 % faster; on an 8,000 × 256 table (2 million) it
     * saved nothing measurable, and below the default, dense Adam's semantics are kept.
     */
    public static final long DEFAULT_SPARSE_TABLES_FROM = 4_000_000;

    /**
     * A spec with Adam, no multipliers, statistics or signals, and the backend's default threads.
     *
     * @param loss    what training minimizes
     * @param modules the task modules
     * @return a builder
     */
    public static Builder builder(LossSpec loss, List<TaskModule> modules) {
        return new Builder(loss, modules);
    }

    /** Builds a {@link TrainingSpec}; every setter is optional. */
    public static final class Builder {
        private final LossSpec loss;
        private final List<TaskModule> modules;
        private OptimizerSpec optimizer = OptimizerSpec.adam();
        private boolean updateMultipliers;
        private Set<Statistic> statistics = Set.of();
        private double statisticsDecay = 0.9;
        private boolean moduleSignals;
        private int threads;
        private int concurrentSteps = 1;
        private long sparseTablesFrom = DEFAULT_SPARSE_TABLES_FROM;

        private Builder(LossSpec loss, List<TaskModule> modules) {
            this.loss = loss;
            this.modules = modules;
        }

        /**
         * The update rule; Adam by default.
         *
         * @param value the rule
         * @return this builder
         */
        public Builder optimizer(OptimizerSpec value) {
            this.optimizer = value;
            return this;
        }

        /**
         * Whether to keep per-element update multipliers; off by default.
         *
         * @param value true to keep them
         * @return this builder
         */
        public Builder updateMultipliers(boolean value) {
            this.updateMultipliers = value;
            return this;
        }

        /**
         * The running statistics to accumulate, and their decay; none by default, decay 0.9.
         *
         * @param value the statistics
         * @param decay the decay of their moving averages, in (0, 1)
         * @return this builder
         */
        public Builder statistics(Set<Statistic> value, double decay) {
            this.statistics = value;
            this.statisticsDecay = decay;
            return this;
        }

        /**
         * Whether each step reports a {@link ModuleSignal} per updated module; off by default.
         *
         * @param value true to report them
         * @return this builder
         */
        public Builder moduleSignals(boolean value) {
            this.moduleSignals = value;
            return this;
        }

        /**
         * The backend's thread count; 0 (the backend's default) unless set.
         *
         * @param value the thread count, ≥ 0
         * @return this builder
         */
        public Builder threads(int value) {
            this.threads = value;
            return this;
        }

        /**
         * How many threads will call {@code step} at once; 1 unless set.
         *
         * @param value the count, ≥ 1
         * @return this builder
         */
        public Builder concurrentSteps(int value) {
            this.concurrentSteps = value;
            return this;
        }

        /**
         * The element count from which an embedding table is updated lazily (only the rows a batch
         * gathers); {@link #DEFAULT_SPARSE_TABLES_FROM} unless set, {@link #NO_SPARSE_TABLES} for never.
         *
         * @param value the element count, ≥ 1
         * @return this builder
         */
        public Builder sparseTablesFrom(long value) {
            this.sparseTablesFrom = value;
            return this;
        }

        /**
         * The spec, checked.
         *
         * @return the spec
         * @throws ConfigurationException listing every invalid field
         */
        public TrainingSpec build() {
            return new TrainingSpec(loss, optimizer, modules, updateMultipliers, statistics, statisticsDecay, moduleSignals, threads, concurrentSteps, sparseTablesFrom);
        }
    }
}
