package dev.rsr.strategies;

import dev.rsr.spi.MaskPolicy;
import dev.rsr.spi.ParameterView;
import dev.rsr.spi.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The built-in mask policies. */
public final class MaskPolicies {
    private MaskPolicies() {
    }

    /** Every element trains: full fine-tuning. */
    public static final class All implements MaskPolicy {
        @Override
        public String name() {
            return "all";
        }

        @Override
        public Masker create(Settings settings) {
            return new Masker() {
                @Override
                public int refreshEvery() {
                    return 0;
                }

                @Override
                public int probeBatches() {
                    return 0;
                }

                @Override
                public boolean usesScores() {
                    return false;
                }

                @Override
                public Map<String, boolean[]> refresh(List<ParameterView> parameters, Map<String, float[]> scores,
                                                      Map<String, boolean[]> current, SplittableRandom random) {
                    Map<String, boolean[]> masks = new LinkedHashMap<>();
                    for (ParameterView p : parameters) {
                        boolean[] m = new boolean[p.elementCount()];
                        Arrays.fill(m, true);
                        masks.put(p.name(), m);
                    }
                    return masks;
                }
            };
        }
    }

    /**
     * @param density      the fraction of elements that train
     * @param refreshEvery steps between refreshes
     * @param hysteresis   the margin by which a challenger must beat an element in the mask, relative to its score
     * @param probeBatches batches observed before the first mask
     */
    record TopConfig(double density, int refreshEvery, double hysteresis, int probeBatches) {
        static TopConfig read(Settings s, double density, int refreshEvery, int probeBatches) {
            return new TopConfig(s.positiveDecimal("density", density, 1), s.integer("refresh_every", refreshEvery, 0, 1_000_000),
                    s.decimal("hysteresis", 0.1, 0, 10), s.integer("probe_batches", probeBatches, 0, 100_000));
        }
    }

    /** The top fraction of each tensor by importance, refreshed every few steps. */
    public static final class TopPerTensor implements MaskPolicy {
        @Override
        public String name() {
            return "top-per-tensor";
        }

        @Override
        public Masker create(Settings settings) {
            return new TopMasker(TopConfig.read(settings, 0.3, 50, 2), false);
        }
    }

    /**
     * The top fraction of all the elements revisited together by importance, refreshed every few
     * steps (a refresh revisits the modules updated since the previous one; see {@link MaskPolicy.Masker#refresh}).
     */
    public static final class TopGlobal implements MaskPolicy {
        @Override
        public String name() {
            return "top-global";
        }

        @Override
        public Masker create(Settings settings) {
            return new TopMasker(TopConfig.read(settings, 0.3, 50, 2), true);
        }
    }

    /**
     * FISH: the elements of highest Fisher information (or whatever importance is chosen) over a
     * probe of training batches, chosen once, globally, and fixed for the run. Defaults as in the
     * FISH paper: 0.5 % of the parameters, from 1,024 examples (32 batches of 32).
     */
    public static final class FixedAfterProbe implements MaskPolicy {
        @Override
        public String name() {
            return "fixed-after-probe";
        }

        @Override
        public Masker create(Settings settings) {
            TopConfig c = TopConfig.read(settings, 0.005, 0, 32);
            if (settings.values().containsKey("refresh_every") && c.refreshEvery() != 0) {
                settings.problem("refresh_every", "must be 0 for a fixed mask, got " + c.refreshEvery());
            }
            return new TopMasker(new TopConfig(c.density(), 0, 0, c.probeBatches()), true);
        }
    }

    private record TopMasker(TopConfig config, boolean global) implements MaskPolicy.Masker {
        @Override
        public int refreshEvery() {
            return config.refreshEvery();
        }

        @Override
        public int probeBatches() {
            return config.probeBatches();
        }

        @Override
        public boolean usesScores() {
            return true;
        }

        @Override
        public Map<String, boolean[]> refresh(List<ParameterView> parameters, Map<String, float[]> scores, Map<String, boolean[]> current,
                                              SplittableRandom random) {
            Map<String, boolean[]> masks = new LinkedHashMap<>();
            List<float[]> ranked = new ArrayList<>();
            List<boolean[]> out = new ArrayList<>();
            long total = 0;
            for (ParameterView p : parameters) {
                float[] s = scores.get(p.name());
                boolean[] incumbent = current.get(p.name());
                float[] r = new float[s.length];
                for (int i = 0; i < s.length; i++) {
                    r[i] = Ranking.ranked(s[i], incumbent != null && incumbent[i], config.hysteresis());
                }
                boolean[] m = new boolean[s.length];
                masks.put(p.name(), m);
                if (global) {
                    ranked.add(r);
                    out.add(m);
                    total += s.length;
                } else {
                    Ranking.top(List.of(r), keep(s.length), List.of(m));
                }
            }
            if (global) {
                Ranking.top(ranked, (int) Math.min(Integer.MAX_VALUE, Math.max(1, Math.round(config.density() * total))), out);
            }
            return masks;
        }

        /** At least one element of every tensor trains. */
        private int keep(int n) {
            return (int) Math.max(1, Math.round(config.density() * n));
        }
    }

    /**
     * Child-Tuning-F: each element trains with probability {@code density}, drawn again every
     * {@code refresh_every} steps (every step by default, as in the paper), whatever its importance.
     */
    public static final class RandomMask implements MaskPolicy {
        @Override
        public String name() {
            return "random";
        }

        @Override
        public Masker create(Settings settings) {
            double density = settings.positiveDecimal("density", 0.3, 1);
            int every = settings.integer("refresh_every", 1, 0, 1_000_000);
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
                    return false;
                }

                @Override
                public Map<String, boolean[]> refresh(List<ParameterView> parameters, Map<String, float[]> scores,
                                                      Map<String, boolean[]> current, SplittableRandom random) {
                    Map<String, boolean[]> masks = new LinkedHashMap<>();
                    for (ParameterView p : parameters) {
                        boolean[] m = new boolean[p.elementCount()];
                        for (int i = 0; i < m.length; i++) {
                            m[i] = random.nextDouble() < density;
                        }
                        masks.put(p.name(), m);
                    }
                    return masks;
                }
            };
        }
    }
}
