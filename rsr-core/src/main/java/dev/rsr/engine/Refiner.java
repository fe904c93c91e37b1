package dev.rsr.engine;

import dev.rsr.error.BackendException;
import dev.rsr.error.ConfigurationException;
import dev.rsr.error.ModelException;
import dev.rsr.error.PluginException;
import dev.rsr.inject.Plugins;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.spi.LearningRateController;
import dev.rsr.spi.ModulePartitioner;
import dev.rsr.spi.ModuleSelector;
import dev.rsr.spi.ModuleState;
import dev.rsr.spi.PheromoneStrategy;
import dev.rsr.spi.Settings;
import dev.rsr.spi.TrainingBackend;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.ModuleSignal;
import dev.rsr.training.StepPlan;
import dev.rsr.training.StepResult;
import dev.rsr.training.TaskModule;
import dev.rsr.training.TrainingSession;
import dev.rsr.training.TrainingSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Refines a model on a task with one configuration of the RSR engine ({@link RefineConfig}):
 * partition the parameters into task modules; then, on every step, choose the active modules from
 * the pheromone trail and their importance, give each its own learning rate from its own progress,
 * apply the update in the backend (masked and boosted when so configured), and let the active
 * modules deposit pheromone for the loss improvement they brought; every few steps, score
 * importance from the running statistics the backend keeps and refresh the masks and boosts, if
 * any. Host-side work each step touches only a few numbers per module; everything per element
 * stays in the backend.
 *
 * <p><b>What it owns.</b> The training session it opens on the backend (closed by {@link #close()}),
 * the configured plugins and the host state (masks, module states, the trail). The model given is
 * not changed; {@link #export()} returns the refined one.
 *
 * <p><b>Threads.</b> Not thread-safe: call {@link #run} from one thread. With {@code workers > 1}
 * it starts that many worker threads, each refining its own group of modules on its own
 * mini-batches against the one session (block-coordinate, no write conflicts: see
 * {@link TrainingSession}); with one worker every run of a seed is identical.
 *
 * <p><b>Listeners</b> hear of the beginning, every step, every refresh, every evaluation and the
 * end, in that order and never at once ({@link RefineListener}).
 */
public final class Refiner implements AutoCloseable {
    /** The default base rate when starting from a pretrained encoder: Hugging Face Trainer's. */
    public static final double PRETRAINED_RATE = 5e-5;
    /** The default base rate when starting from random weights. */
    public static final double SCRATCH_RATE = 1e-3;
    /**
     * A model's metadata property: the base rate at which its producer measured fine-tuning it to
     * go best, the default base rate from that model ({@code rsr pretrain} writes it). A default
     * for every pretrained model cannot fit both a small encoder trained briefly and a large one.
     */
    public static final String FINETUNE_RATE_PROPERTY = "rsr.finetune.base_rate";
    /** The highest base rate a setting, an option or a model's metadata may give. */
    public static final double MAX_BASE_RATE = 10;
    /** How fast the running statistics forget: each step's contribution decays by this factor. */
    public static final double STATISTICS_DECAY = 0.9;
    /**
     * The default {@code statistics_window}: the steps before a refresh whose gradients feed the
     * statistics. Anything older would weigh under 10 % ({@code 0.9^22 < 0.1}).
     */
    private static final int STATISTICS_WINDOW = 22;

    /** Mini-batches for one worker; each worker draws from its own stream. */
    @FunctionalInterface
    public interface BatchSource {
        Batch next(int worker);
    }

    /** Scores the model being refined, on held-out data. */
    @FunctionalInterface
    public interface Evaluator {
        Score evaluate(TrainingSession session);
    }

    /** An evaluation's accuracy (or any higher-is-better score) and loss. */
    public record Score(double accuracy, double loss) {
    }

    /**
     * What the task says about the run.
     *
     * @param loss       what training minimizes
     * @param fresh      parameters new to this task (a head attached for it)
     * @param pretrained whether the rest of the model is pretrained (the default base rate depends on it)
     * @param maxSteps   steps in all, over every worker
     * @param evalEvery  steps between evaluations
     * @param seed       the seed of every random choice
     * @param threads    the backend's threads (0 = its default)
     */
    public record Setup(LossSpec loss, Set<String> fresh, boolean pretrained, long maxSteps, int evalEvery, long seed, int threads) {
        public Setup {
            fresh = Set.copyOf(fresh);
            if (maxSteps < 1) {
                throw new ConfigurationException("a refinement needs at least one step, got " + maxSteps);
            }
            if (evalEvery < 1) {
                throw new ConfigurationException("evaluation interval must be at least 1, got " + evalEvery);
            }
        }
    }

    /**
     * How the run went.
     *
     * @param steps            steps taken over all workers
     * @param trainSeconds     wall time without evaluations
     * @param wallSeconds      wall time, evaluations included
     * @param evalAccuracy     the last evaluation's accuracy
     * @param evalLoss         the last evaluation's loss
     * @param bestAccuracy     the best evaluation's accuracy
     * @param trainableFraction the share of the model's parameter elements in some module
     * @param meanDensity      the share of trainable elements inside the masks, averaged over refreshes
     * @param divergences      steps rolled back for a loss that was not finite
     * @param time             where the training time went
     */
    public record Summary(long steps, double trainSeconds, double wallSeconds, double evalAccuracy, double evalLoss, double bestAccuracy,
                          double trainableFraction, double meanDensity, int divergences, TimeSplit time) {
    }

    /**
     * Where a run's training time went, per step on average.
     *
     * @param stepMs       in the backend's step (forward, backward and update), summed over workers
     * @param forwardMs    a forward pass alone (with the loss) on a training batch, measured after the run
     * @param hostMs       on the host around each step: selection, rates, trail, events
     * @param maintenanceMs probes, mask refreshes and snapshots, spread over the steps
     */
    public record TimeSplit(double stepMs, double forwardMs, double hostMs, double maintenanceMs) {
    }

    /**
     * The base rate when the configuration sets none: from random weights {@link #SCRATCH_RATE};
     * from a pretrained model the rate its metadata carries ({@link #FINETUNE_RATE_PROPERTY}), else
     * {@link #PRETRAINED_RATE}.
     *
     * @throws ModelException when the property is there but not a positive number
     */
    public static double defaultBaseRate(ModelGraph model, boolean pretrained) {
        if (!pretrained) {
            return SCRATCH_RATE;
        }
        String carried = model.metadata().properties().get(FINETUNE_RATE_PROPERTY);
        if (carried == null) {
            return PRETRAINED_RATE;
        }
        try {
            double rate = Double.parseDouble(carried.strip());
            if (rate > 0 && rate <= MAX_BASE_RATE) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModelException("the model's metadata property " + FINETUNE_RATE_PROPERTY + " must be a number in (0, "
                + java.math.BigDecimal.valueOf(MAX_BASE_RATE).stripTrailingZeros().toPlainString() + "], got '"
                + carried + "'");
    }

    /** The engine's own settings. */
    private record EngineSettings(String trainable, int workers, double baseRate, Map<String, Double> moduleRates, int snapshotEvery,
                                  int refreshEvery, int maxDivergences, int rateSearch, double rateSearchDivisor, long sparseTablesFrom,
                                  int statisticsWindow) {
        static EngineSettings read(Settings s, double defaultBaseRate) {
            String trainable = s.choice("trainable", "all", List.of("all", "biases"));
            String w = s.text("workers");
            int workers = 1;
            if ("auto".equals(w)) {
                workers = Math.max(2, Runtime.getRuntime().availableProcessors());
            } else if (w != null) {
                workers = parseWorkers(w, s);
            }
            double base = s.positiveDecimal("base_rate", defaultBaseRate, MAX_BASE_RATE);
            Map<String, Double> rates = new LinkedHashMap<>();
            for (String item : s.names("module_rates", List.of())) {
                int colon = item.lastIndexOf(':');
                try {
                    double r = Double.parseDouble(item.substring(colon + 1));
                    if (colon <= 0 || !(r >= 0) || !Double.isFinite(r)) {
                        throw new NumberFormatException();
                    }
                    rates.put(item.substring(0, colon), r);
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    s.problem("module_rates", "entries are module:rate with a rate >= 0, got '" + item + "'");
                }
            }
            return new EngineSettings(trainable, workers, base, rates, s.integer("snapshot_every", 50, 0, 1_000_000),
                    s.integer("refresh_every", 50, 1, 1_000_000), s.integer("max_divergences", 20, 0, 1_000_000), parseRateSearch(s),
                    s.decimal("rate_search_divisor", RateSearch.DIVISOR, 1, 1e6), parseSparseTables(s),
                    s.integer("statistics_window", STATISTICS_WINDOW, 0, 1_000_000));
        }

        /** {@code sparse_tables_from}: the element count from which an embedding table updates lazily, or off. */
        private static long parseSparseTables(Settings s) {
            if ("off".equals(s.text("sparse_tables_from"))) {
                return TrainingSpec.NO_SPARSE_TABLES;
            }
            return s.integer("sparse_tables_from", (int) TrainingSpec.DEFAULT_SPARSE_TABLES_FROM, 1, Integer.MAX_VALUE);
        }

        /** {@code rate_search}: off (0), auto, or a number of steps. */
        private static int parseRateSearch(Settings s) {
            String v = s.text("rate_search");
            if (v == null || v.equals("off")) {
                return 0;
            }
            if (v.equals("auto")) {
                return RateSearch.AUTO;
            }
            try {
                int n = Integer.parseInt(v.strip());
                if (n == 0 || (n >= RateSearch.MIN_STEPS && n <= 1000)) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            s.problem("rate_search", "must be off, auto or a number of steps in [" + RateSearch.MIN_STEPS + ", 1000], got '" + v + "'");
            return 0;
        }

        private static int parseWorkers(String text, Settings s) {
            try {
                int n = Integer.parseInt(text.strip());
                if (n >= 1 && n <= 256) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            s.problem("workers", "must be auto or a whole number in [1, 256], got '" + text + "'");
            return 1;
        }
    }

    /** What the host keeps of one module; written only by its worker or between rounds. */
    private static final class ModuleStatus {
        final TaskModule module;
        /** The place in model order (0 = nearest the input). */
        final int position;
        final long elements;
        final boolean fresh;
        final int worker;
        long steps;
        double rate;
        double importance = 1;
        ModuleSignal signal;

        ModuleStatus(TaskModule module, int position, long elements, boolean fresh, int worker) {
            this.module = module;
            this.position = position;
            this.elements = elements;
            this.fresh = fresh;
            this.worker = worker;
        }
    }

    /** One worker: its modules, its own selector, controller, random stream and loss average. */
    private static final class Worker {
        final int index;
        final List<String> modules;
        final ModuleSelector.Selector selector;
        final LearningRateController.Controller controller;
        final SplittableRandom random;
        long steps;
        double lossAverage = Double.NaN;
        /** The loss of the worker's last applied step, not yet told to its controller (NaN when none). */
        double untoldLoss = Double.NaN;

        Worker(int index, List<String> modules, ModuleSelector.Selector selector, LearningRateController.Controller controller, long seed) {
            this.index = index;
            this.modules = modules;
            this.selector = selector;
            this.controller = controller;
            this.random = new SplittableRandom(seed * 1_000_003L + index);
        }
    }

    private final ModelGraph model;
    private final Setup setup;
    private final BatchSource batches;
    private final Strategies strategies;
    private final EngineSettings engine;
    private final List<TaskModule> modules;
    private final Map<String, ModuleStatus> status = new LinkedHashMap<>();
    private final TrainingSession session;
    private final Masks masks;
    private final PheromoneStrategy.Trail trail;
    private final List<Worker> workers = new ArrayList<>();
    /** What controllers know of the run; its base rate is final once the rate search (if any) has run. */
    private volatile LearningRateController.RunInfo runInfo;
    private final Object lock = new Object();
    private int divergences;
    /** The first step (counted from 1) whose gradient goes into the running statistics before the next refresh. */
    private volatile long statisticsFrom;
    /** Modules whose weights or statistics changed since the last refresh (updated or rolled back). */
    private final Set<String> touched = new LinkedHashSet<>();
    private long stepNanos, hostNanos, maintenanceNanos;
    private ExecutorService pool;

    /**
     * Configures the plugins, partitions the model and opens a training session on {@code backend}.
     *
     * @throws ConfigurationException naming every bad setting of the configuration at once
     */
    public Refiner(ModelGraph model, TrainingBackend backend, Plugins plugins, RefineConfig config, Setup setup, BatchSource batches) {
        this.model = model;
        this.setup = setup;
        this.batches = batches;
        this.strategies = new Strategies(plugins, config.forStart(setup.pretrained()));
        Settings engineSettings = config.engineSettings();
        this.engine = EngineSettings.read(engineSettings, defaultBaseRate(model, setup.pretrained()));
        engineSettings.check();

        List<String> trainable = trainableParameters();
        this.modules = partition(backend, trainable);
        List<List<String>> groups = workerGroups(modules, engine.workers());
        for (int w = 0; w < groups.size(); w++) {
            for (String m : groups.get(w)) {
                TaskModule t = modules.stream().filter(x -> x.name().equals(m)).findFirst().orElseThrow();
                long elements = t.parameters().stream().mapToLong(p -> model.graph().initializers().get(p).elementCount()).sum();
                status.put(m, new ModuleStatus(t, modules.indexOf(t), elements, setup.fresh().containsAll(t.parameters()), w));
            }
        }
        // Modules in model order (status was filled by worker).
        Map<String, ModuleStatus> ordered = new LinkedHashMap<>();
        modules.forEach(t -> ordered.put(t.name(), status.get(t.name())));
        status.clear();
        status.putAll(ordered);

        this.trail = strategies.trail(modules.stream().map(TaskModule::name).toList());
        for (int w = 0; w < groups.size(); w++) {
            workers.add(new Worker(w, groups.get(w), strategies.selector(), strategies.controller(), setup.seed()));
        }
        // Each worker takes its share of the steps; schedules run over that share.
        this.runInfo = new LearningRateController.RunInfo(engine.baseRate(), (setup.maxSteps() + workers.size() - 1) / workers.size());
        boolean multipliers = !(strategies.name("mask").equals("all") && strategies.name("booster").equals("none"));
        // The trail's deposits and most adaptive rates read the modules' signals; plain methods do without them.
        boolean signals = !strategies.name("pheromone").equals("none") || workers.stream().anyMatch(w -> w.controller.usesSignals());
        TrainingSpec spec = TrainingSpec.builder(setup.loss(), modules).updateMultipliers(multipliers)
                .statistics(strategies.importance.statistics(), STATISTICS_DECAY).moduleSignals(signals).threads(setup.threads())
                .concurrentSteps(workers.size()).sparseTablesFrom(engine.sparseTablesFrom()).build();
        this.session = backend.open(model, spec);
        this.masks = new Masks(session, modules, strategies, model, multipliers, setup.fresh(), new SplittableRandom(setup.seed() ^ 0x5DEECE66DL));
    }

    /** Float parameters that may train under the {@code trainable} setting, in the order the graph first uses them. */
    private List<String> trainableParameters() {
        Map<String, TensorData> init = model.graph().initializers();
        List<String> ordered = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        model.graph().nodes().forEach(n -> n.inputs().forEach(in -> {
            TensorData t = init.get(in);
            if (t != null && t.type() == dev.rsr.ir.DataType.FLOAT && t.elementCount() > 0 && seen.add(in)) {
                ordered.add(in);
            }
        }));
        if (engine.trainable().equals("biases")) {
            // BitFit: every bias term, and the head attached for the task.
            ordered.removeIf(p -> !(setup.fresh().contains(p) || p.endsWith("bias") || p.endsWith(".b")));
        }
        return ordered;
    }

    private List<TaskModule> partition(TrainingBackend backend, List<String> trainable) {
        Set<String> eligible = new HashSet<>(trainable);
        ModulePartitioner.Input input = new ModulePartitioner.Input() {
            private List<Map<String, TensorData>> probed;

            @Override
            public ModelGraph model() {
                return model;
            }

            @Override
            public List<String> trainable() {
                return trainable;
            }

            @Override
            public Set<String> fresh() {
                return setup.fresh();
            }

            @Override
            public List<Map<String, TensorData>> probeGradients(int count) {
                if (probed == null || probed.size() < count) {
                    probed = probe(backend, trainable, count);
                }
                return probed.subList(0, count);
            }
        };
        String name = strategies.name("partitioner");
        List<TaskModule> found = Strategies.call("partitioner", name, "partitioning the model", () -> strategies.partitioner.partition(input));
        if (found == null || found.contains(null)) {
            throw new PluginException("partitioner '" + name + "' returned " + (found == null ? "no list of modules" : "a null module"));
        }
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>(), used = new HashSet<>();
        List<TaskModule> kept = new ArrayList<>();
        for (TaskModule t : found) {
            if (!names.add(t.name())) {
                problems.add("module '" + t.name() + "' appears twice");
            }
            for (String p : t.parameters()) {
                if (!eligible.contains(p)) {
                    problems.add("module '" + t.name() + "' has '" + p + "', which is not a trainable parameter");
                } else if (!used.add(p)) {
                    problems.add("parameter '" + p + "' is in two modules");
                }
            }
            Double rate = engine.moduleRates().get(t.name());
            if (t.parameters().isEmpty()) {
                problems.add("module '" + t.name() + "' is empty");
            } else if (rate == null || rate > 0) {
                kept.add(t); // A module at rate 0 is frozen: it is left out of training altogether.
            }
        }
        if (!problems.isEmpty()) {
            throw new PluginException("partitioner '" + name + "' produced an invalid partition: " + String.join("; ", problems));
        }
        for (String named : engine.moduleRates().keySet()) {
            if (!names.contains(named)) {
                throw new ConfigurationException("module_rates names module '" + named + "', which the partition does not have (modules: "
                        + found.stream().map(TaskModule::name).toList() + ")");
            }
        }
        if (kept.isEmpty()) {
            throw new ConfigurationException("every module is frozen: nothing would be trained");
        }
        return kept;
    }

    /** Gradients of every trainable parameter on the first training batches, from a throw-away session. */
    private List<Map<String, TensorData>> probe(TrainingBackend backend, List<String> trainable, int count) {
        TrainingSpec spec = TrainingSpec.builder(setup.loss(), List.of(new TaskModule("all", trainable))).threads(setup.threads()).build();
        List<Map<String, TensorData>> out = new ArrayList<>();
        try (TrainingSession probe = backend.open(model, spec)) {
            for (int i = 0; i < count; i++) {
                out.add(probe.gradients(batches.next(0), trainable));
            }
        }
        return out;
    }

    /**
     * Disjoint groups of modules, one per worker, dealt from the top of the model down so that each
     * group has layers at several depths (and the backward work of a step is shared out).
     */
    private static List<List<String>> workerGroups(List<TaskModule> modules, int workers) {
        int n = Math.max(1, Math.min(workers, modules.size()));
        List<List<String>> groups = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            groups.add(new ArrayList<>());
        }
        for (int i = modules.size() - 1, k = 0; i >= 0; i--, k++) {
            groups.get(k % n).add(0, modules.get(i).name());
        }
        return groups;
    }

    /**
     * The settings of this run as resolved: every setting of the method, with the engine's own
     * ({@code workers}, {@code base_rate}) as they came out for this machine and start.
     */
    public Map<String, String> resolvedSettings() {
        Map<String, String> out = new LinkedHashMap<>(strategies.config.values());
        out.put("workers", Integer.toString(workers.size()));
        out.put("base_rate", Double.toString(runInfo.baseRate()));
        return out;
    }

    /** The task modules, in model order. */
    public List<TaskModule> modules() {
        return modules;
    }

    /** The training session (for evaluators and tests); owned by this refiner. */
    public TrainingSession session() {
        return session;
    }

    /**
     * Runs the refinement: {@code setup.maxSteps()} steps over all workers, evaluating before the
     * first step, every {@code evalEvery} steps and after the last.
     */
    public Summary run(Evaluator evaluator, RefineListener listener) {
        RefineListener events = synchronizedListener(listener);
        List<RefineListener.ModuleInfo> infos = new ArrayList<>();
        status.values().forEach(s -> infos.add(new RefineListener.ModuleInfo(s.module.name(), s.module.parameters().size(), s.elements,
                s.fresh, s.worker)));
        events.begun(new RefineListener.Begin(infos, workers.size(), setup.maxSteps(), engine.baseRate(), strategies.config.values()));
        Clock clock = new Clock();
        Set<String> all = new LinkedHashSet<>(status.keySet());

        long started = System.nanoTime();
        int probeBatches = strategies.mask.probeBatches();
        for (int i = 0; i < probeBatches; i++) {
            session.observe(batches.next(0), all);
        }
        long step = 0;
        refresh(step, true, probeBatches > 0, clock, events);
        if (engine.snapshotEvery() > 0 || engine.rateSearch() != 0) {
            session.snapshot(all);
        }
        maintenanceNanos += System.nanoTime() - started;
        if (engine.rateSearch() != 0) {
            long searchStarted = System.nanoTime();
            RefineListener.RateSearch found = searchRate(all, clock);
            runInfo = new LearningRateController.RunInfo(found.chosenRate(), runInfo.maxSteps());
            events.searched(found);
            maintenanceNanos += System.nanoTime() - searchStarted;
        }
        double[] lossSum = new double[1];
        long[] lossCount = new long[1];
        Score score = evaluate(evaluator, step, clock, null, events);
        double best = score.accuracy();
        // Masks refresh as their policy says; under a fixed mask, importance (for the selector) and
        // boosts still refresh, at the engine's own pace, when there is any importance to refresh.
        boolean remask = strategies.mask.refreshEvery() > 0;
        boolean importanceUsed = workers.stream().anyMatch(w -> w.selector.usesImportance()) || !strategies.name("booster").equals("none");
        int refreshEvery = remask ? strategies.mask.refreshEvery()
                : strategies.name("importance").equals("uniform") || !importanceUsed ? 0 : engine.refreshEvery();
        long nextRefresh = beforeTheEnd(refreshEvery > 0 ? refreshEvery : Long.MAX_VALUE);
        statisticsFrom = statisticsFrom(nextRefresh);
        long nextSnapshot = beforeTheEnd(engine.snapshotEvery() > 0 ? engine.snapshotEvery() : Long.MAX_VALUE);
        long nextEval = setup.evalEvery();
        while (step < setup.maxSteps()) {
            long boundary = Math.min(Math.min(setup.maxSteps(), nextEval), Math.min(nextRefresh, nextSnapshot));
            step = runRound(step, boundary, clock, events, lossSum, lossCount);
            long maintenance = System.nanoTime();
            if (step == nextRefresh) {
                refresh(step, remask, true, clock, events);
                nextRefresh = beforeTheEnd(nextRefresh + refreshEvery);
                statisticsFrom = statisticsFrom(nextRefresh);
            }
            if (step == nextSnapshot) {
                session.snapshot(all);
                nextSnapshot = beforeTheEnd(nextSnapshot + engine.snapshotEvery());
            }
            maintenanceNanos += System.nanoTime() - maintenance;
            if (step == nextEval || step == setup.maxSteps()) {
                score = evaluate(evaluator, step, clock, lossCount[0] > 0 ? lossSum[0] / lossCount[0] : null, events);
                best = Math.max(best, score.accuracy());
                lossSum[0] = 0;
                lossCount[0] = 0;
                if (step == nextEval) {
                    nextEval += setup.evalEvery();
                }
            }
        }
        long trainableElements = status.values().stream().mapToLong(s -> s.elements).sum();
        double trainSeconds = clock.trainSeconds();
        TimeSplit time = new TimeSplit(stepNanos / 1e6 / step, forwardMs(), hostNanos / 1e6 / step, maintenanceNanos / 1e6 / step);
        Summary summary = new Summary(step, trainSeconds, clock.wallSeconds(), score.accuracy(), score.loss(), best,
                trainableElements / (double) Math.max(1, model.parameterCount()), masks.meanDensity(), divergences, time);
        events.ended(summary);
        return summary;
    }

    /**
     * A step at which to refresh or snapshot, or none ({@link Long#MAX_VALUE}) if it is not before
     * the last step: no step would use it, and its time would count against the run.
     */
    private long beforeTheEnd(long step) {
        return step < setup.maxSteps() ? step : Long.MAX_VALUE;
    }

    /**
     * Runs steps on every worker until the run's step count reaches {@code boundary}; returns it.
     * Each claimed step has its number; the first worker to fail stops the others before their next
     * step, and the round waits for all of them before it reports the failure.
     */
    private long runRound(long step, long boundary, Clock clock, RefineListener events, double[] lossSum, long[] lossCount) {
        AtomicLong claimed = new AtomicLong(step);
        if (workers.size() == 1) {
            long mine;
            while ((mine = claimed.getAndIncrement()) < boundary) {
                workerStep(workers.get(0), mine + 1, clock, events, lossSum, lossCount);
            }
            return boundary;
        }
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(workers.size());
        for (Worker w : workers) {
            pool().execute(() -> {
                try {
                    long mine;
                    while (failure.get() == null && (mine = claimed.getAndIncrement()) < boundary) {
                        workerStep(w, mine + 1, clock, events, lossSum, lossCount);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            failure.compareAndSet(null, e);
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new BackendException("a refinement worker failed: " + t, t);
        }
        return boundary;
    }

    /**
     * Statistics are read only at refreshes, and each is a moving average that forgets: only the
     * last {@code statistics_window} steps before a refresh feed it, which saves a pass over every
     * active element on the other steps (0: every step). With no refresh ahead, none do.
     */
    private long statisticsFrom(long nextRefresh) {
        if (nextRefresh == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return engine.statisticsWindow() == 0 ? 0 : nextRefresh - engine.statisticsWindow() + 1;
    }

    /** The worker threads, started on first use and stopped when the refiner closes. */
    private ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(workers.size(), r -> {
                Thread t = new Thread(r, "rsr-worker");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /** The median time of a forward pass with the loss, on a few training batches (not counted as training). */
    private double forwardMs() {
        double[] ms = new double[5];
        for (int i = 0; i < ms.length; i++) {
            Batch b = batches.next(0);
            long t = System.nanoTime();
            session.evaluate(b);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        java.util.Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    /** One step of one worker. */
    private void workerStep(Worker w, long done, Clock clock, RefineListener events, double[] lossSum, long[] lossCount) {
        long begin = System.nanoTime();
        List<ModuleState> states = new ArrayList<>();
        synchronized (lock) {
            Map<String, Double> levels = trail.levels();
            for (String m : w.modules) {
                states.add(state(status.get(m), levels));
            }
        }
        String selectorName = strategies.name("selector");
        Set<String> active = Strategies.call("selector", selectorName, "choosing modules",
                () -> w.selector.select(Collections.unmodifiableList(states), w.steps, w.random));
        if (active == null || active.isEmpty() || !w.modules.containsAll(active)) {
            throw new PluginException("selector '" + selectorName + "' chose " + active + "; it must choose a non-empty subset of "
                    + w.modules);
        }
        Map<String, ModuleState> activeStates = new LinkedHashMap<>();
        states.stream().filter(s -> active.contains(s.name())).forEach(s -> activeStates.put(s.name(), s));
        if (!Double.isNaN(w.untoldLoss)) {
            // Told before the next step, not after the last: a controller that fails here stops the run before a step.
            double loss = w.untoldLoss;
            w.untoldLoss = Double.NaN;
            Strategies.call("lr", strategies.name("lr"), "reading the loss", () -> {
                w.controller.stepped(w.steps - 1, loss);
                return null;
            });
        }
        Map<String, Double> plan = plannedRates(w.controller, activeStates, w.steps, runInfo);
        Batch batch = batches.next(w.index);
        long stepStart = System.nanoTime();
        StepResult result = session.step(batch, new StepPlan(active, plan, done >= statisticsFrom));
        long stepEnd = System.nanoTime();
        w.steps++;
        synchronized (lock) {
            if (!result.applied()) {
                divergences++;
                session.rollback(active);
                touched.addAll(active);
                active.forEach(m -> Strategies.call("lr", strategies.name("lr"), "lowering a rate", () -> {
                    w.controller.diverged(m);
                    return null;
                }));
                if (divergences > engine.maxDivergences()) {
                    throw new BackendException("training diverged " + divergences + " times (loss " + result.loss()
                            + "); the run stops. Lower the base rate (now " + engine.baseRate() + ")");
                }
            } else {
                deposit(w, result, plan);
                w.untoldLoss = result.loss();
                lossSum[0] += result.loss();
                lossCount[0]++;
                touched.addAll(active);
                for (String m : active) {
                    ModuleStatus s = status.get(m);
                    s.steps++;
                    s.rate = plan.get(m);
                    s.signal = result.signals().get(m);
                }
            }
            events.stepped(new RefineListener.Step(done, w.index, clock.trainSeconds(), result.loss(), result.applied(), plan,
                    trail.levels()));
            stepNanos += stepEnd - stepStart;
            hostNanos += (stepStart - begin) + (System.nanoTime() - stepEnd);
        }
    }

    /** The controller's rate for each active module, checked, with the user's fixed module rates on top. */
    private Map<String, Double> plannedRates(LearningRateController.Controller controller, Map<String, ModuleState> active, long step,
                                             LearningRateController.RunInfo run) {
        String lrName = strategies.name("lr");
        Map<String, Double> rates = Strategies.call("lr", lrName, "setting rates",
                () -> controller.rates(Collections.unmodifiableMap(active), step, run));
        Map<String, Double> plan = new LinkedHashMap<>();
        for (String m : active.keySet()) {
            Double r = rates == null ? null : rates.get(m);
            if (r == null || !Double.isFinite(r) || r < 0) {
                throw new PluginException("lr '" + lrName + "' gave module '" + m + "' the rate " + r + " (must be finite and >= 0)");
            }
            plan.put(m, engine.moduleRates().getOrDefault(m, r));
        }
        return plan;
    }

    /**
     * Chooses the run's base rate by a learning-rate range test (Smith, 2017): from the snapshot just
     * taken, steps with every module active at the rates the controller would start the run with,
     * for a base rate that starts far below the configured one ({@link RateSearch#LOW} times it) and
     * doubles every step. After each step the loss on a few training batches held fixed for the
     * search is measured (the same batches every time, so the comparison is not drowned in
     * batch-to-batch noise), until that loss climbs well above its lowest point, a step diverges, or
     * the steps run out. The chosen base rate is the one whose step reached the lowest loss, divided
     * by the divisor (the loss falls fastest about there, safely below the edge of divergence).
     * Everything the search changed (parameters, optimizer state, step counts) is then rolled back;
     * only its time stays in the run's. This is what lets one default serve a large pretrained
     * encoder, a small one and random weights, whose best rates differ twenty-fold.
     */
    private RefineListener.RateSearch searchRate(Set<String> all, Clock clock) {
        int steps = engine.rateSearch() == RateSearch.AUTO
                ? (int) Math.max(RateSearch.MIN_STEPS, Math.min(RateSearch.MAX_AUTO_STEPS, setup.maxSteps() / 5)) : engine.rateSearch();
        double start = clock.trainSeconds();
        List<Batch> held = new ArrayList<>();
        for (int i = 0; i < RateSearch.HELD_BATCHES; i++) {
            held.add(batches.next(0));
        }
        List<Double> tried = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        double lowest = heldLoss(held);
        double lowestRate = 0;
        // Every module as it stands before its first update: what a controller sees at the start of a run.
        Map<String, ModuleState> states = new LinkedHashMap<>();
        status.values().forEach(s -> states.put(s.module.name(),
                new ModuleState(s.module.name(), s.position, status.size(), s.elements, s.fresh, 0, 0, s.importance, 1, null)));
        for (int i = 0; i < steps; i++) {
            double base = engine.baseRate() * RateSearch.LOW * Math.pow(RateSearch.GROWTH, i);
            // A new controller, asked for step 0 of a one-step run, gives the rates it starts a run with, warm-up done.
            Map<String, Double> plan = plannedRates(strategies.controller(), states, 0, new LearningRateController.RunInfo(base, 1));
            StepResult result = session.step(batches.next(0), new StepPlan(all, plan));
            double loss = result.applied() ? heldLoss(held) : Double.NaN;
            if (!Double.isFinite(loss)) {
                break;
            }
            tried.add(base);
            losses.add(loss);
            if (loss > RateSearch.GIVE_UP * lowest) {
                break;
            }
            if (loss < lowest) {
                lowest = loss;
                lowestRate = base;
            }
        }
        session.rollback(all);
        touched.addAll(all);
        if (lowestRate == 0) { // already the first step made things worse
            lowestRate = engine.baseRate() * RateSearch.LOW / RateSearch.GROWTH;
        }
        double chosen = lowestRate / engine.rateSearchDivisor();
        return new RefineListener.RateSearch(engine.baseRate(), List.copyOf(tried), List.copyOf(losses), chosen, clock.trainSeconds() - start);
    }

    private double heldLoss(List<Batch> held) {
        double sum = 0;
        for (Batch b : held) {
            sum += session.evaluate(b).loss();
        }
        return sum / held.size();
    }

    /** The range test's constants. */
    private static final class RateSearch {
        static final int AUTO = -1;
        static final int MIN_STEPS = 8;
        static final int MAX_AUTO_STEPS = 30;
        static final int HELD_BATCHES = 2;
        static final double LOW = 0.01;
        static final double GROWTH = 2;
        static final double GIVE_UP = 1.5;
        static final double DIVISOR = 10;
    }

    /**
     * Each updated module deposits the loss decrease its own update is expected to bring, to first
     * order: its rate times {@code g·d}, this step's gradient against the direction of its update
     * (as the module's signal gives it), relative to the worker's recent loss. A module whose steps
     * keep paying off builds up its trail; one whose gradient turned against its updates deposits
     * nothing and its trail evaporates.
     */
    private void deposit(Worker w, StepResult result, Map<String, Double> rates) {
        w.lossAverage = Double.isNaN(w.lossAverage) ? result.loss() : 0.9 * w.lossAverage + 0.1 * result.loss();
        double scale = Math.max(Math.abs(w.lossAverage), 1e-8);
        Map<String, Double> deposits = new LinkedHashMap<>();
        rates.forEach((m, rate) -> {
            ModuleSignal s = result.signals().get(m);
            deposits.put(m, s == null ? 0 : Math.max(0, rate * s.alignment()) / scale);
        });
        String name = strategies.name("pheromone");
        Strategies.call("pheromone", name, "updating the trail", () -> {
            trail.update(Collections.unmodifiableMap(deposits));
            return null;
        });
        Map<String, Double> levels = trail.levels();
        for (String m : status.keySet()) {
            Double tau = levels == null ? null : levels.get(m);
            if (tau == null || !Double.isFinite(tau) || tau <= 0) {
                throw new PluginException("pheromone '" + name + "' gave module '" + m + "' the level " + tau + " (must be finite and > 0)");
            }
        }
    }

    private ModuleState state(ModuleStatus s, Map<String, Double> levels) {
        return new ModuleState(s.module.name(), s.position, status.size(), s.elements, s.fresh, s.steps, s.rate, s.importance,
                levels.getOrDefault(s.module.name(), 1.0), s.signal);
    }

    private void refresh(long step, boolean remask, boolean statisticsSeen, Clock clock, RefineListener events) {
        Set<String> revisit;
        synchronized (lock) {
            revisit = Set.copyOf(touched);
            touched.clear();
        }
        Masks.Refresh r = masks.refresh(remask, revisit, statisticsSeen);
        synchronized (lock) {
            r.importance().forEach((m, eta) -> status.get(m).importance = eta);
        }
        events.refreshed(new RefineListener.Refresh(step, clock.trainSeconds(), r.density(), r.importance()));
    }

    private Score evaluate(Evaluator evaluator, long step, Clock clock, Double trainLoss, RefineListener events) {
        clock.pause();
        try {
            Score s = evaluator.evaluate(session);
            events.evaluated(new RefineListener.Evaluation(step, clock.trainSeconds(), trainLoss, s.accuracy(), s.loss()));
            return s;
        } finally {
            clock.resume();
        }
    }

    /** The model with the refined parameters. */
    public ModelGraph export() {
        return session.export();
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        session.close();
    }

    private static RefineListener synchronizedListener(RefineListener l) {
        Object monitor = new Object();
        return new RefineListener() {
            @Override
            public void begun(Begin event) {
                synchronized (monitor) {
                    l.begun(event);
                }
            }

            @Override
            public void stepped(Step event) {
                synchronized (monitor) {
                    l.stepped(event);
                }
            }

            @Override
            public void searched(RateSearch event) {
                synchronized (monitor) {
                    l.searched(event);
                }
            }

            @Override
            public void refreshed(Refresh event) {
                synchronized (monitor) {
                    l.refreshed(event);
                }
            }

            @Override
            public void evaluated(Evaluation event) {
                synchronized (monitor) {
                    l.evaluated(event);
                }
            }

            @Override
            public void ended(Summary summary) {
                synchronized (monitor) {
                    l.ended(summary);
                }
            }
        };
    }

    /** Wall time, and training time: wall time with the paused spans (evaluations) left out. */
    private static final class Clock {
        private final long start = System.nanoTime();
        private long paused;
        private long pausedAt = -1;

        void pause() {
            pausedAt = System.nanoTime();
        }

        void resume() {
            paused += System.nanoTime() - pausedAt;
            pausedAt = -1;
        }

        double trainSeconds() {
            long now = pausedAt >= 0 ? pausedAt : System.nanoTime();
            return (now - start - paused) / 1e9;
        }

        double wallSeconds() {
            return (System.nanoTime() - start) / 1e9;
        }
    }
}
