package dev.rsr.cli;

import dev.rsr.engine.FineTuneConfig;
import dev.rsr.engine.FineTuneMetrics;
import dev.rsr.engine.FineTuner;
import dev.rsr.engine.RefineConfig;
import dev.rsr.error.ConfigurationException;
import dev.rsr.inject.Plugins;
import dev.rsr.io.AtomicFiles;
import dev.rsr.spi.TrainingBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rsr bench --methods …}: the methods one after another in one process, on identical data,
 * seeds and budgets; every run's metrics, each method's time to a target accuracy, a table of
 * means and spreads, and {@code bench.json}.
 */
final class MethodsBench {
    /**
     * A method as the bench names it: a preset, or a preset with settings changed, written
     * {@code rsr{booster=linear;pheromone=none}} for ablations.
     */
    record Variant(String label, RefineConfig config) {
        static Variant parse(String text, MethodOptions options) {
            int brace = text.indexOf('{');
            String method = brace < 0 ? text.strip() : text.substring(0, brace).strip();
            if (!RefineConfig.METHODS.contains(method)) {
                throw new ConfigurationException("--methods: '" + method + "' is not a method; available: " + String.join(", ", RefineConfig.METHODS));
            }
            RefineConfig config = options.overrides(RefineConfig.method(method));
            if (brace >= 0) {
                if (!text.endsWith("}")) {
                    throw new ConfigurationException("--methods: '" + text + "' must end with '}' (method{key=value;key=value})");
                }
                Map<String, String> changes = new LinkedHashMap<>();
                for (String kv : text.substring(brace + 1, text.length() - 1).split(";")) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new ConfigurationException("--methods: '" + kv + "' in '" + text + "' is not key=value");
                    }
                    changes.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
                }
                config = config.with(changes);
            }
            return new Variant(text.strip(), config);
        }
    }

    /** One run: its method, repeat and seed, and what it measured. */
    record Run(String method, int repeat, long seed, FineTuneMetrics metrics) {
    }

    private MethodsBench() {
    }

    static int run(TaskOptions task, MethodOptions methodOptions, PluginOptions pluginOptions, List<String> methods, int repeats,
                   Path out, int maxSteps, int batch, int evalEvery, long seed, double target, int threads, PrintWriter stdout,
                   PrintWriter err) throws IOException {
        List<Variant> variants = new ArrayList<>();
        for (String m : methods) {
            variants.add(Variant.parse(m, methodOptions));
        }
        Files.createDirectories(out);
        Plugins plugins = pluginOptions.plugins();
        TrainingBackend backend = plugins.trainingBackend();
        List<Run> runs = new ArrayList<>();
        String model = null;
        for (int r = 0; r < repeats; r++) {
            long runSeed = seed + r;
            TaskOptions.Prepared prepared = task.prepare(runSeed, err);
            if (model == null) {
                model = task.describe(prepared.start());
            }
            for (Variant v : variants) {
                err.printf("== %s, repeat %d of %d (seed %d)%n", v.label(), r + 1, repeats, runSeed);
                FineTuneConfig config = new FineTuneConfig(v.config(), maxSteps, 0, batch, runSeed, evalEvery);
                FineTuner.Result result = new FineTuner(backend, plugins, threads).run(prepared.start(), prepared.task(), prepared.data(),
                        config, new ProgressPrinter(err, v.label()));
                runs.add(new Run(v.label(), r, runSeed, result.metrics()));
                Path metricsFile = out.resolve(metricsFileName(v.label(), r));
                AtomicFiles.write(metricsFile, s -> s.write(FinetuneCommand.JSON.writeValueAsBytes(FinetuneCommand.metricsJson(result.metrics()))));
            }
        }
        BenchReport report = BenchReport.of(runs, variants.stream().map(Variant::label).toList(), target);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", Instant.now().toString());
        json.put("machine", machine());
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("train", task.train.toString());
        about.put("eval", task.eval.toString());
        about.put("model", model);
        about.put("max_steps", maxSteps);
        about.put("batch", batch);
        about.put("eval_every", evalEvery);
        about.put("seed", seed);
        about.put("repeats", repeats);
        about.put("target_fraction", target);
        json.put("task", about);
        json.put("runs", report.runsJson());
        json.put("summary", report.summaryJson());
        Path benchFile = out.resolve("bench.json");
        AtomicFiles.write(benchFile, s -> s.write(FinetuneCommand.JSON.writeValueAsBytes(json)));
        report.print(stdout);
        err.printf("wrote %s and one metrics file per run%n", benchFile);
        return 0;
    }

    /** The metrics file of one run of a method (its label made safe as a file name), which the report reads back. */
    static String metricsFileName(String label, int repeat) {
        return safeName(label) + "-" + repeat + ".metrics.json";
    }

    /** A label ("rsr{booster=none}") or task name made safe for a file name or an HTML id. */
    static String safeName(String name) {
        return name.replaceAll("[^A-Za-z0-9._=-]+", "_");
    }

    /** This machine as bench.json records it: cores, operating system, Java, and the 1-minute load average now. */
    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.version"));
        m.put("load_average_1_min", LoadAverage.oneMinute());
        return m;
    }
}
