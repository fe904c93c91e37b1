package dev.rsr.engine;

import dev.rsr.error.ConfigurationException;
import dev.rsr.error.PluginException;
import dev.rsr.error.RsrException;
import dev.rsr.inject.Plugins;
import dev.rsr.spi.GradientBooster;
import dev.rsr.spi.ImportanceStrategy;
import dev.rsr.spi.LearningRateController;
import dev.rsr.spi.MaskPolicy;
import dev.rsr.spi.ModulePartitioner;
import dev.rsr.spi.ModuleSelector;
import dev.rsr.spi.NamedProvider;
import dev.rsr.spi.PheromoneStrategy;
import dev.rsr.spi.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The plugins of one refinement, configured and checked together: every unknown name, bad field
 * and unknown field of every role is reported in one error. Calls into plugins go through
 * {@link #call}, so a plugin that throws or returns nonsense is named in the error.
 */
final class Strategies {
    final RefineConfig config;
    final ModulePartitioner.Partitioner partitioner;
    final ImportanceStrategy.Scorer importance;
    final MaskPolicy.Masker mask;
    final GradientBooster.Booster booster;
    private final PheromoneStrategy pheromone;
    private final ModuleSelector selector;
    private final LearningRateController lr;
    private final Plugins plugins;

    Strategies(Plugins plugins, RefineConfig config) {
        this.plugins = plugins;
        this.config = config;
        List<String> problems = new ArrayList<>();
        partitioner = configure("partitioner", ModulePartitioner.class, ModulePartitioner::create, problems);
        importance = configure("importance", ImportanceStrategy.class, ImportanceStrategy::create, problems);
        mask = configure("mask", MaskPolicy.class, MaskPolicy::create, problems);
        booster = configure("booster", GradientBooster.class, GradientBooster::create, problems);
        pheromone = find("pheromone", PheromoneStrategy.class, problems);
        selector = find("selector", ModuleSelector.class, problems);
        lr = find("lr", LearningRateController.class, problems);
        // Checked here, though created per worker or per module list later: a bad field fails before any work.
        if (pheromone != null) {
            check(config.settings("pheromone"), s -> pheromone.create(s, List.of("module")), problems);
        }
        if (selector != null) {
            check(config.settings("selector"), selector::create, problems);
        }
        if (lr != null) {
            check(config.settings("lr"), lr::create, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("invalid " + config.method() + " configuration: " + String.join("; ", problems));
        }
    }

    private <P extends NamedProvider> P find(String role, Class<P> spi, List<String> problems) {
        String name = config.plugin(role);
        if (name == null) {
            problems.add(role + " is not set");
            return null;
        }
        try {
            return plugins.get(spi, name);
        } catch (PluginException e) {
            problems.add(role + ": " + e.getMessage());
            return null;
        }
    }

    private <P extends NamedProvider, T> T configure(String role, Class<P> spi, java.util.function.BiFunction<P, Settings, T> create,
                                                   List<String> problems) {
        P provider = find(role, spi, problems);
        return provider == null ? null : check(config.settings(role), s -> create.apply(provider, s), problems);
    }

    private <T> T check(Settings settings, Function<Settings, T> create, List<String> problems) {
        try {
            T made = call(settings.scope(), settings.plugin(), "while reading its settings", () -> create.apply(settings));
            settings.check();
            return made;
        } catch (ConfigurationException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    PheromoneStrategy.Trail trail(List<String> modules) {
        Settings s = config.settings("pheromone");
        return call("pheromone", s.plugin(), "creating its trail", () -> pheromone.create(s, modules));
    }

    ModuleSelector.Selector selector() {
        Settings s = config.settings("selector");
        return call("selector", s.plugin(), "while reading its settings", () -> selector.create(s));
    }

    LearningRateController.Controller controller() {
        Settings s = config.settings("lr");
        return call("lr", s.plugin(), "while reading its settings", () -> lr.create(s));
    }

    /**
     * Runs a plugin call; anything it throws becomes a {@link PluginException} naming the role and
     * plugin (an RSR error the plugin ran into, such as reading a statistic it did not declare,
     * keeps its message after that name).
     */
    static <T> T call(String role, String plugin, String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (PluginException e) {
            throw e;
        } catch (RsrException e) {
            throw new PluginException(role + " '" + plugin + "' failed " + what + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new PluginException(role + " '" + plugin + "' failed " + what + ": " + e, e);
        }
    }

    /** A plugin's per-element array, checked: present, of the right length, finite (and ≥ 0 when asked). */
    static float[] checked(float[] values, int length, boolean nonNegative, String role, String plugin, String what) {
        if (values == null) {
            throw new PluginException(role + " '" + plugin + "' returned no " + what);
        }
        if (values.length != length) {
            throw new PluginException(role + " '" + plugin + "' returned " + values.length + " " + what + " for " + length + " elements");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i]) || (nonNegative && values[i] < 0)) {
                throw new PluginException(role + " '" + plugin + "' returned " + values[i] + " at element " + i + " of its " + what
                        + (nonNegative ? " (must be finite and >= 0)" : " (must be finite)"));
            }
        }
        return values;
    }

    String name(String role) {
        return config.plugin(role);
    }
}
