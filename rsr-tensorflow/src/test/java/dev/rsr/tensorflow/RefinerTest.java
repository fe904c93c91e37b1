package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.multibindings.MapBinder;
import dev.rsr.engine.RefineConfig;
import dev.rsr.engine.RefineListener;
import dev.rsr.engine.Refiner;
import dev.rsr.error.ConfigurationException;
import dev.rsr.error.PluginException;
import dev.rsr.inject.Plugins;
import dev.rsr.inject.RsrModule;
import dev.rsr.ir.ModelGraph;
import dev.rsr.spi.GradientBooster;
import dev.rsr.spi.ImportanceStrategy;
import dev.rsr.spi.LearningRateController;
import dev.rsr.spi.ModuleSelector;
import dev.rsr.spi.ModuleState;
import dev.rsr.spi.ParameterView;
import dev.rsr.spi.Settings;
import dev.rsr.spi.TrainingBackend;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.Statistic;
import dev.rsr.training.TrainingSession;
import dev.rsr.training.TrainingSpec;
import dev.rsr.zoo.Mlp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The refinement engine on a small real model: every method, determinism, plugin failures, divergence. */
class RefinerTest {
    private static final Plugins PLUGINS = Plugins.discover();
    /** Four hidden layers: six modules, enough for selection to choose among. */
    private static final Mlp MLP = new Mlp(6, List.of(16, 16, 16, 16), 3, 5);
    private static final Batch EVAL = TrainingSessionTest.clusters(300, 99);

    private static Refiner.Setup setup(long steps) {
        return new Refiner.Setup(LossSpec.classification(), Set.of(), false, steps, 25, 7, 1);
    }

    private static Refiner.Score score(TrainingSession s) {
        TrainingSession.Evaluation e = s.evaluate(EVAL);
        return new Refiner.Score(TrainingSessionTest.accuracy(e.outputs(), EVAL.targets()), e.loss());
    }

    /** Each worker draws its own seeded stream of cluster batches. */
    private static Refiner.BatchSource batches() {
        Map<Integer, int[]> counters = new HashMap<>();
        return worker -> {
            int n;
            synchronized (counters) {
                n = counters.computeIfAbsent(worker, w -> new int[1])[0]++;
            }
            return TrainingSessionTest.clusters(32, 1000L * worker + n);
        };
    }

    /** The discovered plugins and one more provider of {@code spi}, bound by name as a user's Guice module would. */
    private static <T> Plugins pluginsWith(Class<T> spi, String name, T provider) {
        return Guice.createInjector(new RsrModule(), new AbstractModule() {
            @Override
            protected void configure() {
                MapBinder.newMapBinder(binder(), String.class, spi).addBinding(name).toInstance(provider);
            }
        }).getInstance(Plugins.class);
    }

    private static Refiner.Summary run(Plugins plugins, RefineConfig config, long steps, List<RefineListener.Step> events) {
        return run(plugins, config, steps, events, new ArrayList<>());
    }

    private static Refiner.Summary run(Plugins plugins, RefineConfig config, long steps, List<RefineListener.Step> events,
                                       List<RefineListener.Evaluation> evaluations) {
        try (Refiner r = new Refiner(MLP.build(), new TensorFlowTrainingBackend(), plugins, config, setup(steps), batches())) {
            return r.run(RefinerTest::score, new RefineListener() {
                @Override
                public void stepped(Step event) {
                    events.add(event);
                }

                @Override
                public void evaluated(Evaluation event) {
                    evaluations.add(event);
                }
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"full", "bitfit", "child-tuning-f", "fish", "lisa", "rsr"})
    void everyMethodRefinesAndReportsEveryStep(String method) {
        List<RefineListener.Step> steps = new ArrayList<>();
        List<RefineListener.Evaluation> evaluations = new ArrayList<>();
        Refiner.Summary s = run(PLUGINS, RefineConfig.method(method).with("workers", "1"), 150, steps, evaluations);
        assertEquals(150, s.steps());
        assertEquals(150, steps.size());
        assertTrue(steps.stream().allMatch(RefineListener.Step::applied));
        assertEquals(List.of(0L, 25L, 50L, 75L, 100L, 125L, 150L), evaluations.stream().map(RefineListener.Evaluation::step).toList());
        double initial = evaluations.get(0).loss();
        // BitFit (biases and head of a network that was never trained), FISH (0.5 % of a thousand
        // elements) and Child-Tuning-F (each element in 30 % of the updates) only lower the loss in
        // 150 steps; the others all but solve the task.
        if (method.equals("bitfit") || method.equals("fish") || method.equals("child-tuning-f")) {
            assertTrue(s.evalLoss() < (method.equals("fish") ? 0.97 : 0.9) * initial, method + ": loss " + initial + " -> " + s.evalLoss());
        } else {
            assertTrue(s.evalAccuracy() > 0.9, method + ": accuracy " + s.evalAccuracy());
        }
        if (method.equals("bitfit")) {
            assertTrue(s.trainableFraction() < 0.3, "bitfit trains biases and the head only: " + s.trainableFraction());
        }
        if (method.equals("fish")) {
            assertEquals(0.005, s.meanDensity(), 0.002);
        }
        if (method.equals("lisa")) {
            assertTrue(steps.stream().allMatch(e -> e.rates().size() == 4), "first, last and two more: " + steps.get(0).rates());
        }
    }

    @Test
    void oneWorkerRunsAreIdenticalForASeed() {
        float[][] weights = new float[2][];
        for (int i = 0; i < 2; i++) {
            try (Refiner r = new Refiner(MLP.build(), new TensorFlowTrainingBackend(), PLUGINS, RefineConfig.method("rsr").with("workers", "1"),
                    setup(60), batches())) {
                r.run(RefinerTest::score, new RefineListener() { });
                weights[i] = r.export().graph().initializers().get("layer2.weight").floats();
            }
        }
        assertArrayEquals(weights[0], weights[1]);
    }

    @ParameterizedTest(name = "configured base rate {0}")
    @ValueSource(doubles = {1e-6, 9.0})
    void theRateSearchMovesAFarOffBaseRateTowardsOneThatTrainsAndLeavesNoTrace(double configured) {
        ModelGraph model = MLP.build();
        List<RefineListener.RateSearch> searches = new ArrayList<>();
        List<Map<String, float[]>> afterSearch = new ArrayList<>();
        RefineConfig config = RefineConfig.method("rsr").with(Map.of("workers", "1", "base_rate", Double.toString(configured),
                "rate_search", "30"));
        Refiner.Summary summary;
        try (Refiner r = new Refiner(model, new TensorFlowTrainingBackend(), PLUGINS, config, setup(100), batches())) {
            summary = r.run(RefinerTest::score, new RefineListener() {
                @Override
                public void searched(RateSearch event) {
                    searches.add(event);
                    Map<String, float[]> values = new HashMap<>();
                    r.session().export().graph().initializers().forEach((name, t) -> values.put(name, t.floats()));
                    afterSearch.add(values);
                }
            });
            assertEquals(Double.toString(searches.get(0).chosenRate()), r.resolvedSettings().get("base_rate"));
        }
        assertEquals(1, searches.size());
        RefineListener.RateSearch search = searches.get(0);
        assertEquals(configured, search.configuredRate());
        assertEquals(search.rates().size(), search.losses().size());
        // Far too low: the loss falls fastest far above it. Far too high: the first steps already blow up.
        if (configured < 1e-3) {
            assertTrue(search.chosenRate() > 10 * configured, "chose " + search.chosenRate());
            assertTrue(search.rates().size() >= 8, "tried " + search.rates());
        } else {
            assertTrue(search.chosenRate() < configured / 10, "chose " + search.chosenRate());
        }
        // Rolled back: the run starts from the model as given.
        model.graph().initializers().forEach((name, t) -> assertArrayEquals(t.floats(), afterSearch.get(0).get(name), name));
        assertTrue(summary.evalAccuracy() > 0.9, "trains at the chosen rate: " + summary.evalAccuracy());
        assertEquals(100, summary.steps(), "the search's steps are not the run's");
    }

    @Test
    void twoWorkersRefineDisjointModulesOfOneModel() {
        List<RefineListener.Step> steps = new ArrayList<>();
        List<RefineListener.Evaluation> evaluations = new ArrayList<>();
        Refiner.Summary s = run(PLUGINS, RefineConfig.method("rsr").with("workers", "2"), 120, steps, evaluations);
        assertEquals(120, s.steps());
        Map<Integer, Set<String>> byWorker = new HashMap<>();
        steps.forEach(e -> byWorker.computeIfAbsent(e.worker(), w -> new java.util.HashSet<>()).addAll(e.rates().keySet()));
        assertEquals(Set.of(0, 1), byWorker.keySet());
        Set<String> overlap = new java.util.HashSet<>(byWorker.get(0));
        overlap.retainAll(byWorker.get(1));
        assertTrue(overlap.isEmpty(), "workers shared modules " + overlap);
        // The best evaluation, not the last: the two workers interleave as the threads happen to run,
        // and once this small task is solved a module's adaptive rate can climb to its cap, so a
        // single evaluation can land on a spike (seen once in about 30 runs, final loss 2.9).
        double initial = evaluations.get(0).loss();
        double best = evaluations.stream().skip(1).mapToDouble(RefineListener.Evaluation::loss).min().orElseThrow();
        assertTrue(best < 0.5 * initial, "loss " + initial + " -> at best " + best + ", evaluations " + evaluations);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void theSessionIsToldHowManyWorkersStepAtOnce(int workers) {
        List<TrainingSpec> specs = new ArrayList<>();
        TensorFlowTrainingBackend tensorFlow = new TensorFlowTrainingBackend();
        TrainingBackend recording = new TrainingBackend() {
            @Override
            public String name() {
                return tensorFlow.name();
            }

            @Override
            public TrainingSession open(ModelGraph model, TrainingSpec spec) {
                specs.add(spec);
                return tensorFlow.open(model, spec);
            }

            @Override
            public Set<String> supportedOps() {
                return tensorFlow.supportedOps();
            }
        };
        try (Refiner r = new Refiner(MLP.build(), recording, PLUGINS, RefineConfig.method("rsr").with("workers", Integer.toString(workers)),
                setup(10), batches())) {
            assertEquals(1, specs.size());
            assertEquals(workers, specs.get(0).concurrentSteps());
        }
    }

    @Test
    void badSettingsAreReportedTogetherNamingPluginAndField() {
        RefineConfig config = RefineConfig.method("rsr").with(Map.of("mask", "top-per-tensor", "mask.density", "1.5", "booster", "nonesuch",
                "lr.gain", "x", "mask.densty", "0.1"));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new Refiner(MLP.build(), new TensorFlowTrainingBackend(),
                PLUGINS, config, setup(10), batches()));
        String m = e.getMessage();
        assertTrue(m.contains("mask.density must be a number in"), m);
        assertTrue(m.contains("mask.densty is not a setting of mask 'top-per-tensor'"), m);
        assertTrue(m.contains("no GradientBooster plugin named 'nonesuch'"), m);
        assertTrue(m.contains("lr.gain must be a number"), m);
        ConfigurationException engine = assertThrows(ConfigurationException.class, () -> new Refiner(MLP.build(),
                new TensorFlowTrainingBackend(), PLUGINS, RefineConfig.method("full").with("sparse_tables_from", "many"), setup(10), batches()));
        assertTrue(engine.getMessage().contains("sparse_tables_from must be a whole number"), engine.getMessage());
        assertThrows(ConfigurationException.class, () -> RefineConfig.method("rsr").with("masks.density", "0.1"));
    }

    /** Importance strategies that go wrong in the ways the engine must catch. */
    static final class Faulty implements ImportanceStrategy {
        private final String mode;

        Faulty(String mode) {
            this.mode = mode;
        }

        @Override
        public String name() {
            return "faulty-" + mode;
        }

        @Override
        public Scorer create(Settings settings) {
            return new Scorer() {
                @Override
                public Set<Statistic> statistics() {
                    return Set.of();
                }

                @Override
                public float[] score(ParameterView p) {
                    return switch (mode) {
                        case "throws" -> throw new IllegalStateException("boom");
                        case "nan" -> {
                            float[] scores = new float[p.elementCount()];
                            scores[3] = Float.NaN;
                            yield scores;
                        }
                        default -> new float[p.elementCount() + 1];
                    };
                }
            };
        }
    }

    private static Plugins withFaults() {
        return Guice.createInjector(new RsrModule(), new AbstractModule() {
            @Override
            protected void configure() {
                MapBinder<String, ImportanceStrategy> b = MapBinder.newMapBinder(binder(), String.class, ImportanceStrategy.class);
                for (String mode : List.of("throws", "nan", "length")) {
                    b.addBinding("faulty-" + mode).toInstance(new Faulty(mode));
                }
            }
        }).getInstance(Plugins.class);
    }

    @Test
    void aFailingPluginIsNamedAndNoStepIsApplied() {
        Plugins plugins = withFaults();
        ModelGraph model = MLP.build();
        Map<String, String> expected = Map.of("throws", "importance 'faulty-throws' failed scoring 'layer1.weight': java.lang.IllegalStateException: boom",
                "nan", "importance 'faulty-nan' returned NaN at element 3 of its scores of 'layer1.weight' (must be finite)",
                "length", "importance 'faulty-length' returned 97 scores of 'layer1.weight' for 96 elements");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            try (Refiner r = new Refiner(model, new TensorFlowTrainingBackend(), plugins,
                    RefineConfig.method("rsr").with(Map.of("importance", "faulty-" + e.getKey(), "workers", "1")), setup(20), batches())) {
                PluginException failure = assertThrows(PluginException.class, () -> r.run(RefinerTest::score, new RefineListener() { }));
                assertTrue(failure.getMessage().contains(e.getValue()), failure.getMessage());
                assertEquals(Map.of(), r.session().moduleSteps().entrySet().stream().filter(x -> x.getValue() > 0)
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "no step was applied");
                assertEquals(model.graph().initializers().get("layer1.weight"), r.export().graph().initializers().get("layer1.weight"));
            }
        }
    }

    /** A rate controller that sends one module's rate sky-high on one step, then behaves; it records what it hears. */
    static final class Explosive implements LearningRateController {
        final List<String> diverged = new ArrayList<>();
        final List<Double> losses = new ArrayList<>();

        @Override
        public String name() {
            return "explosive";
        }

        @Override
        public Controller create(Settings settings) {
            return new Controller() {
                @Override
                public Map<String, Double> rates(Map<String, ModuleState> active, long step, RunInfo run) {
                    Map<String, Double> out = new HashMap<>();
                    active.keySet().forEach(m -> out.put(m, step == 30 ? 1e30 : 1e-2));
                    return out;
                }

                @Override
                public void diverged(String module) {
                    diverged.add(module);
                }

                @Override
                public void stepped(long step, double loss) {
                    losses.add(loss);
                }
            };
        }
    }

    @Test
    void aDivergedStepIsRolledBackAndTheRunGoesOn() {
        Explosive explosive = new Explosive();
        Plugins plugins = pluginsWith(LearningRateController.class, "explosive", explosive);
        List<RefineListener.Step> steps = new ArrayList<>();
        Refiner.Summary s = run(plugins, RefineConfig.method("full").with("lr", "explosive"), 100, steps);
        assertTrue(s.divergences() >= 1, "divergences " + s.divergences());
        assertTrue(steps.stream().anyMatch(e -> !e.applied()));
        assertTrue(!explosive.diverged.isEmpty(), "the controller heard of the divergence");
        // Each applied step's loss reaches the controller before the next step; the last step's never does.
        List<Double> appliedLosses = steps.subList(0, steps.size() - 1).stream().filter(RefineListener.Step::applied)
                .map(RefineListener.Step::loss).toList();
        assertEquals(appliedLosses, explosive.losses);
        assertTrue(Double.isFinite(s.evalLoss()) && s.evalAccuracy() > 0.9, "recovered: " + s.evalAccuracy() + ", loss " + s.evalLoss());
    }

    @Test
    void moduleRatesFixAModuleAndZeroFreezesIt() {
        List<RefineListener.Step> steps = new ArrayList<>();
        ModelGraph model = MLP.build();
        try (Refiner r = new Refiner(model, new TensorFlowTrainingBackend(), PLUGINS,
                RefineConfig.method("full").with("module_rates", "head:0.003,layer1:0"), setup(30), batches())) {
            r.run(RefinerTest::score, new RefineListener() {
                @Override
                public void stepped(Step event) {
                    steps.add(event);
                }
            });
            assertTrue(steps.stream().allMatch(e -> e.rates().get("head") == 0.003 && !e.rates().containsKey("layer1")));
            assertEquals(model.graph().initializers().get("layer1.weight"), r.export().graph().initializers().get("layer1.weight"));
        }
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new Refiner(model, new TensorFlowTrainingBackend(),
                PLUGINS, RefineConfig.method("full").with("module_rates", "decoder:0.1"), setup(3), batches()));
        assertTrue(e.getMessage().contains("module_rates names module 'decoder'"), e.getMessage());
    }

    /** Importance |w|, counting how often each parameter is scored. */
    static final class Counting implements ImportanceStrategy {
        final Map<String, Integer> scored = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public Scorer create(Settings settings) {
            return new Scorer() {
                @Override
                public Set<Statistic> statistics() {
                    return Set.of();
                }

                @Override
                public float[] score(ParameterView p) {
                    scored.merge(p.name(), 1, Integer::sum);
                    float[] w = p.weights().clone();
                    for (int i = 0; i < w.length; i++) {
                        w[i] = Math.abs(w[i]);
                    }
                    return w;
                }
            };
        }
    }

    @Test
    void aRefreshRevisitsOnlyTheModulesUpdatedSinceThePreviousOne() {
        Counting counting = new Counting();
        // A selector that never chooses layer1: no step after the first refresh changes its weights or statistics.
        ModuleSelector allButLayer1 = new ModuleSelector() {
            @Override
            public String name() {
                return "all-but-layer1";
            }

            @Override
            public Selector create(Settings settings) {
                return (modules, step, random) -> modules.stream().map(ModuleState::name).filter(m -> !m.equals("layer1"))
                        .collect(java.util.stream.Collectors.toSet());
            }
        };
        Plugins plugins = Guice.createInjector(new RsrModule(), new AbstractModule() {
            @Override
            protected void configure() {
                MapBinder.newMapBinder(binder(), String.class, ImportanceStrategy.class).addBinding("counting").toInstance(counting);
                MapBinder.newMapBinder(binder(), String.class, ModuleSelector.class).addBinding("all-but-layer1").toInstance(allButLayer1);
            }
        }).getInstance(Plugins.class);
        List<RefineListener.Refresh> refreshes = new ArrayList<>();
        try (Refiner r = new Refiner(MLP.build(), new TensorFlowTrainingBackend(), plugins, RefineConfig.method("rsr")
                .with(Map.of("importance", "counting", "mask", "top-per-tensor", "selector", "all-but-layer1", "workers", "1")), setup(120),
                batches())) {
            r.run(RefinerTest::score, new RefineListener() {
                @Override
                public void refreshed(Refresh event) {
                    refreshes.add(event);
                }
            });
        }
        assertEquals(List.of(0L, 50L, 100L), refreshes.stream().map(RefineListener.Refresh::step).toList());
        assertEquals(1, counting.scored.get("layer1.weight"), "scored at the first refresh only: " + counting.scored);
        assertEquals(3, counting.scored.get("layer3.weight"), "an updated module is scored at every refresh: " + counting.scored);
        for (RefineListener.Refresh e : refreshes) {
            assertEquals(refreshes.get(0).density().get("layer1"), e.density().get("layer1"), "layer1 keeps its mask");
            assertTrue(e.importance().get("layer1") > 0, "and its importance: " + e.importance());
        }
    }

    @Test
    void boostsRefreshUnderAFixedMaskOnceThereAreStatisticsToScore() {
        // A booster that stops layer1.weight (multiplier 0) whenever it is asked.
        Map<Long, Float> layer1MaxScore = new java.util.TreeMap<>();
        long[] refreshing = {-1};
        GradientBooster stopping = new GradientBooster() {
            @Override
            public String name() {
                return "stop-layer1";
            }

            @Override
            public Booster create(Settings settings) {
                return (p, scores, mask) -> {
                    float[] out = new float[scores.length];
                    java.util.Arrays.fill(out, p.name().equals("layer1.weight") ? 0f : 1f);
                    if (p.name().equals("layer1.weight")) {
                        float max = 0;
                        for (float x : scores) {
                            max = Math.max(max, x);
                        }
                        layer1MaxScore.put(refreshing[0], max);
                    }
                    return out;
                };
            }
        };
        Plugins plugins = pluginsWith(GradientBooster.class, "stop-layer1", stopping);
        Map<Long, float[]> layer1 = new java.util.TreeMap<>();
        try (Refiner r = new Refiner(MLP.build(), new TensorFlowTrainingBackend(), plugins, RefineConfig.method("rsr")
                .with(Map.of("mask", "all", "booster", "stop-layer1", "selector", "all", "workers", "1")), setup(120), batches())) {
            r.run(RefinerTest::score, new RefineListener() {
                @Override
                public void stepped(Step event) {
                    refreshing[0] = event.step();
                }

                @Override
                public void refreshed(Refresh event) {
                    layer1.put(event.step(), r.session().values(List.of("layer1.weight")).get("layer1.weight").floats());
                }
            });
            layer1.put(120L, r.export().graph().initializers().get("layer1.weight").floats());
        }
        // Before the first step the statistics are empty: no scores, no boosts, layer1 trains.
        assertEquals(Set.of(50L, 100L), layer1MaxScore.keySet(), "asked at the refreshes with statistics only");
        assertTrue(layer1MaxScore.values().stream().allMatch(m -> m > 0), "scores from the steps' statistics: " + layer1MaxScore);
        assertFalse(java.util.Arrays.equals(layer1.get(0L), layer1.get(50L)), "layer1 trains until the first boost");
        assertArrayEquals(layer1.get(50L), layer1.get(120L), "and stops when its boost is 0, under the fixed mask");
    }

    @Test
    void noRefreshAfterTheLastStep() {
        List<Long> refreshed = new ArrayList<>();
        try (Refiner r = new Refiner(MLP.build(), new TensorFlowTrainingBackend(), PLUGINS, RefineConfig.method("rsr").with("workers", "1"),
                setup(100), batches())) {
            r.run(RefinerTest::score, new RefineListener() {
                @Override
                public void refreshed(Refresh event) {
                    refreshed.add(event.step());
                }
            });
        }
        assertEquals(List.of(0L, 50L), refreshed, "a refresh at step 100 would serve no step");
    }

    @ParameterizedTest(name = "statistics_window={0}")
    @ValueSource(strings = {"22", "0"})
    void onlyTheStepsJustBeforeARefreshFeedTheStatistics(String window) {
        Map<Long, float[]> afterStep = new HashMap<>();
        // 60 steps and a mask refresh every 50: a window of 22 starts at step 29.
        try (Refiner r = new Refiner(MLP.build(), new TensorFlowTrainingBackend(), PLUGINS, RefineConfig.method("rsr")
                .with(Map.of("workers", "1", "mask", "top-per-tensor", "selector", "all", "statistics_window", window)), setup(60), batches())) {
            r.run(RefinerTest::score, new RefineListener() {
                @Override
                public void stepped(Step event) {
                    if (event.step() == 1 || event.step() == 28 || event.step() == 29) {
                        afterStep.put(event.step(), saliency(r));
                    }
                }
            });
        }
        assertEquals(window.equals("22"), java.util.Arrays.equals(afterStep.get(1L), afterStep.get(28L)),
                "statistics unchanged over steps 2 to 28 with window " + window);
        assertFalse(java.util.Arrays.equals(afterStep.get(28L), afterStep.get(29L)), "step 29 feeds the statistics");
    }

    private static float[] saliency(Refiner r) {
        return r.session().statistics(Statistic.SALIENCY, List.of("layer2.weight")).get("layer2.weight").floats();
    }

    /** The automatic partition: contiguous segments of similar gradient signatures, found from the task's own batches. */
    @Test
    void theAutomaticPartitionCutsTheModelIntoSegmentsOfTheTask() {
        Mlp deep = new Mlp(6, List.of(16, 16, 16, 16, 16, 16), 3, 5);
        try (Refiner r = new Refiner(deep.build(), new TensorFlowTrainingBackend(), PLUGINS,
                RefineConfig.method("rsr").with(Map.of("partitioner", "auto", "partitioner.modules", "3", "workers", "1")),
                new Refiner.Setup(LossSpec.classification(), Set.of("head.weight", "head.bias"), true, 60, 30, 7, 1), batches())) {
            List<String> names = r.modules().stream().map(m -> m.name()).toList();
            assertEquals(List.of("segment0", "segment1", "segment2", "head"), names);
            List<String> order = new ArrayList<>();
            r.modules().forEach(m -> order.addAll(m.parameters()));
            assertEquals(List.of("head.weight", "head.bias"), r.modules().get(3).parameters());
            assertEquals(14, order.size(), "every parameter in exactly one module: " + order);
            assertTrue(order.indexOf("layer1.weight") < order.indexOf("layer6.weight"), "segments follow the graph: " + order);
            Refiner.Summary s = r.run(RefinerTest::score, new RefineListener() { });
            assertEquals(60, s.steps());
        }
    }

    @Test
    void rolesAcceptOnlyTheirOwnFieldsAndUnknownMethodsAreNamed() {
        assertTrue(assertThrows(ConfigurationException.class, () -> RefineConfig.method("magic")).getMessage()
                .contains("method 'magic' is not available"));
        RefineConfig c = RefineConfig.method("rsr").with(Map.of("mask", "top-per-tensor", "mask.density", "0.2")).with("mask", "top-global");
        assertEquals(null, c.values().get("mask.density"), "choosing another plugin drops the old one's fields");
        // Given together, a plugin and its fields both hold, even with the fields first.
        Map<String, String> fieldsFirst = new java.util.LinkedHashMap<>();
        fieldsFirst.put("mask.density", "0.2");
        fieldsFirst.put("mask", "top-global");
        RefineConfig d = RefineConfig.method("rsr").with(fieldsFirst);
        assertEquals("0.2", d.values().get("mask.density"));
        assertEquals("top-global", d.plugin("mask"));
    }
}
