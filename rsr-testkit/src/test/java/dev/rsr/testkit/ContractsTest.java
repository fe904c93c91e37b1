package dev.rsr.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.ConfigurationException;
import dev.rsr.ir.TensorData;
import dev.rsr.spi.GradientBooster;
import dev.rsr.spi.ImportanceStrategy;
import dev.rsr.spi.LearningRateController;
import dev.rsr.spi.MaskPolicy;
import dev.rsr.spi.ModulePartitioner;
import dev.rsr.spi.ModuleSelector;
import dev.rsr.spi.ModuleState;
import dev.rsr.spi.ParameterView;
import dev.rsr.spi.PheromoneStrategy;
import dev.rsr.spi.Settings;
import dev.rsr.training.Statistic;
import dev.rsr.training.TaskModule;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The kit tested on plugins written for it: a sound plugin of each SPI passes every check, and a
 * plugin broken in one way fails the check meant for it, with a message that says what is wrong.
 */
class ContractsTest {

    // ---- importance ----

    /** {@code |w|^power}, its one setting read through Settings; variants broken in one way each. */
    private static final class Power implements ImportanceStrategy {
        enum Flaw { NONE, NAN_ON_ZERO, UNDECLARED, WRITES, NAME, PARSES, COUNTS }

        private final Flaw flaw;
        private final AtomicInteger calls = new AtomicInteger();

        Power(Flaw flaw) {
            this.flaw = flaw;
        }

        @Override
        public String name() {
            return flaw == Flaw.NAME ? "Power_Score" : "power";
        }

        @Override
        public Scorer create(Settings settings) {
            double power = flaw == Flaw.PARSES ? Double.parseDouble(Optional.ofNullable(settings.text("power")).orElse("1"))
                    : settings.decimal("power", 1, 0.1, 4);
            return new Scorer() {
                @Override
                public Set<Statistic> statistics() {
                    return Set.of();
                }

                @Override
                public float[] score(ParameterView p) {
                    float[] w = p.weights();
                    if (flaw == Flaw.UNDECLARED) {
                        p.statistic(Statistic.SQUARED_GRADIENT);
                    }
                    if (flaw == Flaw.WRITES) {
                        w[0] = 42;
                    }
                    float[] out = new float[w.length];
                    for (int i = 0; i < w.length; i++) {
                        out[i] = (float) Math.pow(Math.abs(w[i]), power);
                        if (flaw == Flaw.NAN_ON_ZERO) {
                            out[i] = out[i] / Math.abs(w[i]) * Math.abs(w[i]);
                        }
                        if (flaw == Flaw.COUNTS) {
                            out[i] += calls.getAndIncrement();
                        }
                    }
                    return out;
                }
            };
        }
    }

    private static ContractRun importance(Supplier<ImportanceStrategy> provider) {
        return ContractRun.of(new ImportanceStrategyContract() {
            @Override
            protected ImportanceStrategy provider() {
                return provider.get();
            }
        });
    }

    @Test
    void aSoundImportanceStrategyPassesEveryCheck() {
        ContractRun run = importance(() -> new Power(Power.Flaw.NONE));
        assertEquals(Map.of(), run.failed());
        assertEquals(List.of(), run.skipped());
        assertEquals(10, run.total());
    }

    @Test
    void brokenImportanceStrategiesFailTheirCheck() {
        assertFails(importance(() -> new Power(Power.Flaw.NAN_ON_ZERO)), "scoresAnAllZeroGradientFinitely", "NaN at element");
        assertFails(importance(() -> new Power(Power.Flaw.UNDECLARED)), "declaresTheStatisticsItReads", "does not list");
        assertFails(importance(() -> new Power(Power.Flaw.WRITES)), "leavesTheParameterUnchanged", "wrote to the arrays");
        assertFails(importance(() -> new Power(Power.Flaw.NAME)), "nameIsStableLowerCaseAndHyphenated", "lower-case words");
        assertFails(importance(() -> new Power(Power.Flaw.PARSES)), "aValueOfTheWrongTypeIsReportedNamingPluginAndField",
                "NumberFormatException");
        assertFails(importance(() -> new Power(Power.Flaw.COUNTS)), "scoresAreDeterministic", "different scores");
    }

    @Test
    void declaredFieldsAreLearnedFromSettings() {
        ImportanceStrategyContract contract = new ImportanceStrategyContract() {
            @Override
            protected ImportanceStrategy provider() {
                return new Power(Power.Flaw.NONE);
            }
        };
        assertEquals(Optional.of(List.of("power")), contract.declaredFields(new Power(Power.Flaw.NONE)));
        ImportanceStrategy none = new ImportanceStrategy() {
            @Override
            public String name() {
                return "nothing";
            }

            @Override
            public Scorer create(Settings settings) {
                return new Power(Power.Flaw.NONE).create(Settings.empty("importance", "power"));
            }
        };
        assertEquals(Optional.of(List.of()), contract.declaredFields(none));
    }

    // ---- mask ----

    /** The top half of each tensor by score; the broken variant gives masks one element short. */
    private static MaskPolicy halves(boolean shortByOne) {
        return new MaskPolicy() {
            @Override
            public String name() {
                return "halves";
            }

            @Override
            public Masker create(Settings settings) {
                int every = settings.integer("refresh_every", 10, 0, 1000);
                return new Masker() {
                    @Override
                    public int refreshEvery() {
                        return every;
                    }

                    @Override
                    public int probeBatches() {
                        return 0;
                    }

                    @Override
                    public boolean usesScores() {
                        return true;
                    }

                    @Override
                    public Map<String, boolean[]> refresh(List<ParameterView> parameters, Map<String, float[]> scores,
                                                          Map<String, boolean[]> current, SplittableRandom random) {
                        Map<String, boolean[]> out = new LinkedHashMap<>();
                        for (ParameterView p : parameters) {
                            float[] s = scores.get(p.name());
                            float[] sorted = s.clone();
                            Arrays.sort(sorted);
                            float median = sorted[sorted.length / 2];
                            boolean[] m = new boolean[shortByOne ? s.length - 1 : s.length];
                            for (int i = 0; i < m.length; i++) {
                                m[i] = s[i] >= median;
                            }
                            out.put(p.name(), m);
                        }
                        return out;
                    }
                };
            }
        };
    }

    @Test
    void maskPolicies() {
        ContractRun sound = ContractRun.of(new MaskPolicyContract() {
            @Override
            protected MaskPolicy provider() {
                return halves(false);
            }
        });
        assertEquals(Map.of(), sound.failed());
        assertEquals(10, sound.total());
        assertFails(ContractRun.of(new MaskPolicyContract() {
            @Override
            protected MaskPolicy provider() {
                return halves(true);
            }
        }), "firstRefreshMasksEveryParameter", "has 47 elements");
    }

    // ---- booster ----

    private static GradientBooster signed(boolean negative) {
        return new GradientBooster() {
            @Override
            public String name() {
                return "signed";
            }

            @Override
            public Booster create(Settings settings) {
                double beta = settings.decimal("beta", 1, 0, 10);
                return (p, scores, mask) -> {
                    float[] out = new float[scores.length];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (float) (negative ? 1 + beta * Math.tanh(scores[i]) * 2 : 1 + beta * Math.abs(Math.tanh(scores[i])));
                    }
                    return out;
                };
            }
        };
    }

    @Test
    void gradientBoosters() {
        ContractRun sound = ContractRun.of(new GradientBoosterContract() {
            @Override
            protected GradientBooster provider() {
                return signed(false);
            }
        });
        assertEquals(Map.of(), sound.failed());
        assertEquals(10, sound.total());
        assertFails(ContractRun.of(new GradientBoosterContract() {
            @Override
            protected GradientBooster provider() {
                return signed(true);
            }
        }), "boostsEachElementFinitelyAndNonNegatively", "must be finite and >= 0");
    }

    // ---- pheromone ----

    /** Evaporation with a floor; the broken variant has none, so levels underflow to 0 without deposits. */
    private static PheromoneStrategy evaporating(boolean floor) {
        return new PheromoneStrategy() {
            @Override
            public String name() {
                return "evaporating";
            }

            @Override
            public Trail create(Settings settings, List<String> modules) {
                double rho = settings.positiveDecimal("evaporation", 0.5, 1);
                Map<String, Double> levels = new LinkedHashMap<>();
                modules.forEach(m -> levels.put(m, 1.0));
                return new Trail() {
                    @Override
                    public void update(Map<String, Double> deposits) {
                        levels.replaceAll((m, tau) -> Math.max(floor ? 1e-3 : 0, (1 - rho) * tau + deposits.getOrDefault(m, 0.0)));
                    }

                    @Override
                    public Map<String, Double> levels() {
                        return Map.copyOf(levels);
                    }
                };
            }
        };
    }

    @Test
    void pheromoneStrategies() {
        ContractRun sound = ContractRun.of(new PheromoneStrategyContract() {
            @Override
            protected PheromoneStrategy provider() {
                return evaporating(true);
            }
        });
        assertEquals(Map.of(), sound.failed());
        assertEquals(10, sound.total());
        assertFails(ContractRun.of(new PheromoneStrategyContract() {
            @Override
            protected PheromoneStrategy provider() {
                return evaporating(false);
            }
        }), "levelsStayPositiveWithoutDeposits", "the level 0.0");
    }

    // ---- selector ----

    /** The module of highest importance; the broken variant chooses none when no module has any. */
    private static ModuleSelector mostImportant(boolean emptyOnZero) {
        return new ModuleSelector() {
            @Override
            public String name() {
                return "most-important";
            }

            @Override
            public Selector create(Settings settings) {
                boolean pheromone = settings.flag("pheromone", false);
                return (modules, step, random) -> {
                    Comparator<ModuleState> by = Comparator.comparingDouble(m -> pheromone ? m.pheromone() : m.importance());
                    ModuleState best = modules.stream().max(by).orElseThrow();
                    return emptyOnZero && best.importance() == 0 ? Set.of() : Set.of(best.name());
                };
            }
        };
    }

    @Test
    void moduleSelectors() {
        ContractRun sound = ContractRun.of(new ModuleSelectorContract() {
            @Override
            protected ModuleSelector provider() {
                return mostImportant(false);
            }
        });
        assertEquals(Map.of(), sound.failed());
        assertEquals(9, sound.total());
        assertFails(ContractRun.of(new ModuleSelectorContract() {
            @Override
            protected ModuleSelector provider() {
                return mostImportant(true);
            }
        }), "selectsAfterAllZeroGradients", "chose no module");
    }

    // ---- partitioner ----

    /** Two modules split at the middle; the broken variant splits every float initializer, trainable or not. */
    private static ModulePartitioner halvesOf(boolean everything) {
        return new ModulePartitioner() {
            @Override
            public String name() {
                return "two-halves";
            }

            @Override
            public Partitioner create(Settings settings) {
                int batches = settings.integer("probe_batches", 1, 1, 10);
                return input -> {
                    input.probeGradients(batches);
                    List<String> params = everything ? input.model().graph().initializers().entrySet().stream()
                            .filter(e -> e.getValue().type().isFloatingPoint()).map(Map.Entry::getKey).toList() : input.trainable();
                    int half = Math.max(1, params.size() / 2);
                    return half == params.size() ? List.of(new TaskModule("all", params))
                            : List.of(new TaskModule("lower", params.subList(0, half)), new TaskModule("upper", params.subList(half, params.size())));
                };
            }
        };
    }

    @Test
    void modulePartitioners() {
        ContractRun sound = ContractRun.of(new ModulePartitionerContract() {
            @Override
            protected ModulePartitioner provider() {
                return halvesOf(false);
            }
        });
        assertEquals(Map.of(), sound.failed());
        assertEquals(8, sound.total());
        assertFails(ContractRun.of(new ModulePartitionerContract() {
            @Override
            protected ModulePartitioner provider() {
                return halvesOf(true);
            }
        }), "partitionsEveryModelValidly", "which is not a trainable parameter");
    }

    // ---- learning rate ----

    /** The base rate halved per divergence; the broken variant ignores divergences. */
    private static LearningRateController halving(boolean listens) {
        return new LearningRateController() {
            @Override
            public String name() {
                return "halving";
            }

            @Override
            public Controller create(Settings settings) {
                double scale = settings.decimal("scale", 1, 0, 100);
                Map<String, Double> penalty = new HashMap<>();
                return new Controller() {
                    @Override
                    public Map<String, Double> rates(Map<String, ModuleState> active, long step, RunInfo run) {
                        Map<String, Double> out = new LinkedHashMap<>();
                        active.keySet().forEach(m -> out.put(m, scale * run.baseRate() * penalty.getOrDefault(m, 1.0)));
                        return out;
                    }

                    @Override
                    public void diverged(String module) {
                        if (listens) {
                            penalty.merge(module, 0.5, (a, b) -> a * b);
                        }
                    }

                    @Override
                    public boolean usesSignals() {
                        return false;
                    }
                };
            }
        };
    }

    @Test
    void learningRateControllers() {
        ContractRun sound = ContractRun.of(new LearningRateControllerContract() {
            @Override
            protected LearningRateController provider() {
                return halving(true);
            }
        });
        assertEquals(Map.of(), sound.failed());
        assertEquals(List.of(), sound.skipped());
        assertEquals(10, sound.total());
        assertFails(ContractRun.of(new LearningRateControllerContract() {
            @Override
            protected LearningRateController provider() {
                return halving(false);
            }
        }), "divergedLowersTheModulesRate", "must lower the module's rate");
    }

    // ---- fixtures ----

    @Test
    void tinyModelsAreValidAndKeepFrozenParametersOut() {
        for (TinyModel tiny : TinyModels.all()) {
            assertEquals(List.of(), tiny.model().problems(), tiny.toString());
            assertEquals(13, tiny.trainable().size(), tiny + ": " + tiny.trainable());
            assertTrue(tiny.trainable().containsAll(tiny.fresh()), tiny.toString());
            assertEquals(2, tiny.fresh().size(), tiny.toString());
            assertEquals(15, tiny.model().graph().initializers().size(), tiny.toString());
        }
        assertEquals(5, TinyModels.grouped().model().metadata().parameterGroups().size());
        assertTrue(TinyModels.anonymous().trainable().stream().allMatch(p -> p.startsWith("onnx::")));
        assertTrue(TinyModels.hierarchical().trainable().contains("encoder.layer.1.dense.bias"));
    }

    @Test
    void probeGradientsAreTheSameBatchByBatch() {
        TestPartitionInput a = TestPartitionInput.of(TinyModels.grouped(), 3), b = TestPartitionInput.of(TinyModels.grouped(), 3);
        List<Map<String, TensorData>> one = a.probeGradients(1), three = b.probeGradients(3);
        assertEquals(one.get(0), three.get(0));
        assertEquals(3, b.batchesRequested());
        assertNotEquals(three.get(0), three.get(1));
        TensorData zero = TestPartitionInput.zeroGradients(TinyModels.grouped()).probeGradients(1).get(0).get("head.bias");
        assertEquals(0, zero.maxAbsDiff(TensorData.ofFloats(new long[] {2}, 0, 0)));
    }

    @Test
    void restrictedParametersRefuseUndeclaredStatistics() {
        TestParameter p = TestParameter.random("w", "m", new long[] {3, 2}, 1).restrictedTo(Set.of(Statistic.SALIENCY));
        assertEquals(6, p.statistic(Statistic.SALIENCY).length);
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> p.statistic(Statistic.MOVEMENT));
        assertTrue(e.getMessage().contains("MOVEMENT"), e.getMessage());
        assertEquals(Set.of(Statistic.SALIENCY), p.statisticsRead());
    }

    private static void assertFails(ContractRun run, String test, String fragment) {
        assertTrue(run.failed().containsKey(test), "expected " + test + " to fail; failed: " + run.failed().keySet());
        assertTrue(run.failed().get(test).contains(fragment), test + " failed with: " + run.failed().get(test));
    }
}
