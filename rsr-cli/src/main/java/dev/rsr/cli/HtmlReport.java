package dev.rsr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rsr.engine.FineTuneMetrics;
import dev.rsr.engine.RefineListener;
import dev.rsr.error.DataException;
import dev.rsr.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The report of a methods bench: {@code report.html} and PNG charts beside it, drawn from the
 * bench's {@code bench.json} and its metrics files. The numbers come from {@link BenchReport},
 * as the bench printed them; the charts from each run's curve and events.
 */
final class HtmlReport {
    static final String FILE = "report.html";
    static final String BENCH_FILE = "bench.json";

    /** Metrics files may carry fields this reader does not use (finetune's export check). */
    private static final ObjectMapper READ = FinetuneCommand.JSON.copy()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Heat map columns at most: a run's steps are grouped into this many buckets. */
    static final int MAX_BUCKETS = 80;

    /** A saved bench: bench.json as read, and its runs with their metrics. */
    record Bench(Path dir, JsonNode json, BenchReport report) {
    }

    private HtmlReport() {
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads {@code dir}/bench.json and the metrics file of each of its runs. Failures are
     * {@link DataException}s naming the file and, for bad content, the field.
     */
    static Bench load(Path dir) {
        Path file = dir.resolve(BENCH_FILE);
        JsonNode json = readTree(file);
        JsonNode task = require(file, json, "task", JsonNode::isObject, "an object");
        double target = require(file, task, "target_fraction", JsonNode::isNumber, "a number", "task").asDouble();
        JsonNode runsJson = require(file, json, "runs", JsonNode::isArray, "an array");
        if (runsJson.isEmpty()) {
            throw new DataException(file + ": field runs: no runs");
        }
        List<MethodsBench.Run> runs = new ArrayList<>();
        Set<String> methods = new LinkedHashSet<>();
        List<String> labels = variantLabels(json, runsJson);
        for (int i = 0; i < runsJson.size(); i++) {
            JsonNode r = runsJson.get(i);
            String where = "runs[" + i + "]";
            if (!r.isObject()) {
                throw new DataException(file + ": field " + where + ": must be an object");
            }
            String method = require(file, r, "method", JsonNode::isTextual, "a string", where).asText();
            if (labels != null) {
                method = labels.get(i);
            }
            int repeat = require(file, r, "repeat", JsonNode::canConvertToInt, "an integer", where).asInt();
            long seed = require(file, r, "seed", JsonNode::canConvertToLong, "an integer", where).asLong();
            Path metricsFile = dir.resolve(MethodsBench.metricsFileName(method, repeat));
            runs.add(new MethodsBench.Run(method, repeat, seed, readMetrics(metricsFile, where)));
            methods.add(method);
        }
        return new Bench(dir, json, BenchReport.of(runs, List.copyOf(methods), target));
    }

    /**
     * Each run's variant label ("rsr{booster=none}") for a bench.json whose runs name only the
     * preset ("rsr"), as earlier releases wrote them: the summary lists the variants in bench
     * order, and the runs go through them once per repeat. Null when the runs name their variants
     * already or the file does not have that shape.
     */
    private static List<String> variantLabels(JsonNode json, JsonNode runs) {
        JsonNode summary = json.get("summary");
        if (summary == null || !summary.isObject() || summary.isEmpty() || runs.size() % summary.size() != 0) {
            return null;
        }
        List<String> variants = new ArrayList<>();
        summary.fieldNames().forEachRemaining(variants::add);
        List<String> labels = new ArrayList<>();
        boolean differ = false;
        for (int i = 0; i < runs.size(); i++) {
            String label = variants.get(i % variants.size());
            String method = runs.get(i).path("method").asText("");
            if (!(label.equals(method) || label.startsWith(method + "{"))) {
                return null;
            }
            differ |= !label.equals(method);
            labels.add(label);
        }
        return differ ? labels : null;
    }

    private static JsonNode readTree(Path file) {
        byte[] bytes = readBytes(file, "a bench directory holds one; rsr bench --out writes it");
        try {
            JsonNode json = READ.readTree(bytes);
            if (json == null || !json.isObject()) {
                throw new DataException(file + ": not a JSON object");
            }
            return json;
        } catch (JsonProcessingException e) {
            throw invalid(file, e);
        } catch (IOException e) {
            throw new DataException(file + ": " + e.getMessage());
        }
    }

    private static FineTuneMetrics readMetrics(Path file, String run) {
        byte[] bytes = readBytes(file, "the metrics of " + run + " in " + BENCH_FILE);
        FineTuneMetrics m;
        try {
            m = READ.readValue(bytes, FineTuneMetrics.class);
        } catch (JsonProcessingException e) {
            throw invalid(file, e);
        } catch (IOException e) {
            throw new DataException(file + ": " + e.getMessage());
        }
        if (m == null) {
            throw new DataException(file + ": not a JSON object");
        }
        List<String> missing = new ArrayList<>();
        if (m.modules() == null) {
            missing.add("modules");
        }
        if (m.curve() == null) {
            missing.add("curve");
        }
        if (!missing.isEmpty()) {
            throw new DataException(file + ": field " + String.join(", ", missing) + ": missing");
        }
        return m;
    }

    private static byte[] readBytes(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file") + " (" + what + ")");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + dev.rsr.io.IoErrors.reason(e));
        }
    }

    /** Syntax errors name line and column; type errors name the field's path, such as curve[3].eval_accuracy. */
    private static DataException invalid(Path file, JsonProcessingException e) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder field = new StringBuilder();
            for (JsonMappingException.Reference ref : m.getPath()) {
                if (ref.getFieldName() != null) {
                    field.append(field.length() == 0 ? "" : ".").append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    field.append('[').append(ref.getIndex()).append(']');
                }
            }
            return new DataException(file + ": field " + field + ": " + e.getOriginalMessage());
        }
        var at = e.getLocation();
        return new DataException(file + ": invalid JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                + ": " + e.getOriginalMessage());
    }

    private static JsonNode require(Path file, JsonNode node, String field, java.util.function.Predicate<JsonNode> ok, String kind) {
        return require(file, node, field, ok, kind, null);
    }

    private static JsonNode require(Path file, JsonNode node, String field, java.util.function.Predicate<JsonNode> ok, String kind,
                                    String parent) {
        JsonNode v = node.get(field);
        String name = parent == null ? field : parent + "." + field;
        if (v == null || v.isNull()) {
            throw new DataException(file + ": field " + name + ": missing");
        }
        if (!ok.test(v)) {
            throw new DataException(file + ": field " + name + ": must be " + kind + ", got " + v);
        }
        return v;
    }

    // ------------------------------------------------------------------ what the report says

    /** Runs that choose modules step by step: a selector other than all, or a pheromone trail. */
    static boolean selective(FineTuneMetrics m) {
        Map<String, String> s = m.settings() == null ? Map.of() : m.settings();
        return !"all".equals(s.getOrDefault("selector", "all")) || !"none".equals(s.getOrDefault("pheromone", "none"));
    }

    /**
     * The methods that ended below {@code full} (mean final accuracy) or missed the target in some
     * repeat, each with why; empty when none did. Null when the bench has no {@code full} runs.
     */
    @SuppressWarnings("unchecked")
    static Map<String, String> losses(BenchReport report) {
        Map<String, Object> summary = report.summaryJson();
        if (!report.methods().contains("full")) {
            return null;
        }
        Map<String, Object> full = (Map<String, Object>) summary.get("full");
        double fullFinal = (double) ((Map<String, Object>) full.get("final_accuracy")).get("mean");
        Map<String, String> lost = new LinkedHashMap<>();
        for (String method : report.methods()) {
            if (method.equals("full")) {
                continue;
            }
            Map<String, Object> m = (Map<String, Object>) summary.get(method);
            List<String> why = new ArrayList<>();
            double fin = (double) ((Map<String, Object>) m.get("final_accuracy")).get("mean");
            if (fin < fullFinal) {
                why.add(String.format("final accuracy %.1f%% < full's %.1f%%", 100 * fin, 100 * fullFinal));
            }
            String reached = (String) m.get("reached_target");
            String[] parts = reached.split("/");
            if (!parts[0].equals(parts[1])) {
                why.add((parts[0].equals("0") ? "never reached the target" : "reached the target in only " + reached + " runs")
                        + String.format(" (%.0f%% of full's best)", 100 * report.target()));
            }
            if (!why.isEmpty()) {
                lost.put(method, String.join("; ", why));
            }
        }
        return lost;
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes the charts, then {@code report.html}, into {@code out}, each atomically; returns the
     * files written, the report last. One bench gives the report of that bench; several (one per
     * task, as {@code rsr demo} runs them) give one page with a table across the tasks and a
     * section per task, its charts named after the task's directory.
     */
    static List<Path> write(List<Bench> benches, Path out) {
        // Images only, never a window: no display needed (a caller that chose otherwise is left alone).
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        List<Path> written = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        String page;
        if (benches.size() == 1) {
            Bench bench = benches.get(0);
            page = page("RSR bench report", about(bench) + lost(bench.report()) + summary(bench.report(), "h2")
                    + charts(bench.report(), out, "", "h2", names, written));
        } else {
            List<String> tasks = taskNames(benches);
            StringBuilder body = new StringBuilder();
            body.append("<table class=\"about\">\n");
            row(body, "Tasks", String.join(", ", tasks));
            row(body, "Report drawn on", thisMachine());
            body.append("</table>\n");
            body.append(acrossTasks(benches, tasks));
            for (int i = 0; i < benches.size(); i++) {
                Bench bench = benches.get(i);
                String task = tasks.get(i);
                body.append("<h2 id=\"").append(anchor(task)).append("\">Task: ").append(esc(task)).append("</h2>\n")
                        .append(about(bench)).append(lost(bench.report())).append(summary(bench.report(), "h3"))
                        .append(charts(bench.report(), out, MethodsBench.safeName(task) + "-", "h3", names, written));
            }
            page = page("RSR report: " + benches.size() + " tasks", body.toString());
        }
        Path html = out.resolve(FILE);
        AtomicFiles.write(html, page.getBytes(StandardCharsets.UTF_8));
        written.add(html);
        return written;
    }

    /** A bench's task, named after its directory (rsr demo writes one directory per task). */
    static String taskName(Bench bench) {
        Path name = bench.dir().toAbsolutePath().normalize().getFileName();
        return name == null ? bench.dir().toString() : name.toString();
    }

    /** The benches' task names, numbered where two directories share a name ({@code a/bench}, {@code b/bench} → bench, bench-2). */
    static List<String> taskNames(List<Bench> benches) {
        List<String> names = new ArrayList<>();
        for (Bench bench : benches) {
            String base = taskName(bench);
            String name = base;
            for (int i = 2; taken(names, name); i++) {
                name = base + "-" + i;
            }
            names.add(name);
        }
        return names;
    }

    /** Whether a name is taken in the form it has in file names and ids. */
    private static boolean taken(List<String> names, String name) {
        return names.stream().anyMatch(n -> MethodsBench.safeName(n).equals(MethodsBench.safeName(name)));
    }

    private static String anchor(String task) {
        return "task-" + MethodsBench.safeName(task);
    }

    /** The charts of one bench: learning curves, then per selective method its modules, trail, masks and rates. */
    private static String charts(BenchReport report, Path out, String prefix, String heading, Set<String> names, List<Path> written) {
        StringBuilder charts = new StringBuilder();
        String accuracy = unique(prefix + "accuracy", ".png", names);
        String loss = unique(prefix + "loss", ".png", names);
        chart(out, accuracy, Charts.lines("Eval accuracy against training seconds", "training seconds", "eval accuracy",
                curves(report, true), false, Charts.Style.LINES), names, written);
        chart(out, loss, Charts.lines("Eval loss against training seconds", "training seconds", "eval loss",
                curves(report, false), false, Charts.Style.LINES), names, written);
        charts.append('<').append(heading).append(">Learning curves</").append(heading).append(">\n<p>One line per method: the mean "
                + "over its repeats at each evaluation (x: mean training seconds, evaluations left out), dashed lines and the shaded "
                + "band: the lowest and highest repeat.</p>\n");
        charts.append(img(accuracy, "eval accuracy against training seconds")).append(img(loss, "eval loss against training seconds"));

        for (String method : report.methods()) {
            MethodsBench.Run run = report.runsOf(method).stream().min(Comparator.comparingInt(MethodsBench.Run::repeat)).orElseThrow();
            FineTuneMetrics m = run.metrics();
            if (!selective(m)) {
                continue;
            }
            String base = prefix + MethodsBench.safeName(method) + "-" + run.repeat();
            charts.append('<').append(heading).append('>').append(esc(method)).append(", repeat ").append(run.repeat()).append(" (seed ")
                    .append(run.seed()).append(")</").append(heading).append(">\n");
            List<String> modules = m.modules().stream().map(RefineListener.ModuleInfo::name).toList();
            List<RefineListener.Step> steps = m.events() == null || m.events().steps() == null ? List.of()
                    : m.events().steps().stream().sorted(Comparator.comparingLong(RefineListener.Step::step)).toList();
            long lastStep = steps.stream().mapToLong(RefineListener.Step::step).max().orElse(0);
            int buckets = (int) Math.max(1, Math.min(MAX_BUCKETS, lastStep));
            double[][] active = new double[modules.size()][buckets];
            double[][] trail = new double[modules.size()][buckets];
            bucket(steps, modules, lastStep, active, trail);
            String activity = unique(base + "-activity", ".png", names);
            chart(out, activity, Charts.heatMap("Modules active, " + method, "step (" + buckets + " buckets)", modules, active, 0, lastStep,
                    0, 1, "share of the bucket's steps active"), names, written);
            charts.append("<p>Which modules were active: rows are modules in model order, columns are buckets of steps; colour is "
                    + "the share of the bucket's steps in which the module was updated (0 to 1).</p>\n").append(img(activity, "modules active"));
            boolean hasTrail = !"none".equals(m.settings() == null ? null : m.settings().getOrDefault("pheromone", "none"))
                    && java.util.Arrays.stream(trail).flatMapToDouble(java.util.Arrays::stream).anyMatch(Double::isFinite);
            if (hasTrail) {
                double[] extent = extent(trail);
                String pheromone = unique(base + "-pheromone", ".png", names);
                chart(out, pheromone, Charts.heatMap("Pheromone level, " + method, "step (" + buckets + " buckets)", modules, trail, 0,
                        lastStep, extent[0], extent[1], "mean pheromone level in the bucket"), names, written);
                charts.append("<p>The pheromone trail the selector follows: colour is each module's mean level over the bucket's "
                        + "steps, from the lowest to the highest level of the run.</p>\n").append(img(pheromone, "pheromone level"));
            }
            String density = unique(base + "-density", ".png", names);
            chart(out, density, Charts.lines("Mask density per module, " + method, "step of the mask refresh", "share of elements updated",
                    densities(m, modules), false, Charts.Style.LINES_AND_DOTS, new double[] {-0.02, 1.02}), names, written);
            charts.append("<p>Mask density at each refresh: the share of a module's elements its mask lets the update "
                    + "through (1 = dense). Modules with equal densities share a line: the one listed last is drawn on top.</p>\n").append(img(density, "mask density per module"));
            String rates = unique(base + "-rates", ".png", names);
            chart(out, rates, Charts.lines("Learning rate per module, " + method, "step", "learning rate (log scale)",
                    rates(steps, modules), true, Charts.Style.LINES_AND_DOTS), names, written);
            charts.append("<p>Each module's learning rate at the steps where it was active (log scale; gaps: inactive).</p>\n")
                    .append(img(rates, "learning rate per module"));
        }
        return charts.toString();
    }

    /** {@code name + suffix}, or {@code name-2 + suffix} and so on when a chart of the page already has that name. */
    private static String unique(String name, String suffix, Set<String> taken) {
        String n = name + suffix;
        for (int i = 2; taken.contains(n); i++) {
            n = name + "-" + i + suffix;
        }
        return n;
    }

    private static void chart(Path out, String name, java.awt.image.BufferedImage image, Set<String> names, List<Path> written) {
        Path file = out.resolve(name);
        Charts.writePng(file, image);
        names.add(name);
        written.add(file);
    }

    private static String img(String name, String alt) {
        return "<img src=\"" + esc(name) + "\" width=\"" + Charts.WIDTH + "\" height=\"" + Charts.HEIGHT + "\" alt=\"" + esc(alt) + "\">\n";
    }

    /** Per method, eval accuracy (or loss) at each evaluation: mean over repeats, with the lowest and highest as a band. */
    static List<Charts.Series> curves(BenchReport report, boolean accuracy) {
        List<Charts.Series> series = new ArrayList<>();
        for (String method : report.methods()) {
            List<List<FineTuneMetrics.CurvePoint>> curves = report.runsOf(method).stream().map(r -> r.metrics().curve()).toList();
            int points = curves.stream().mapToInt(List::size).max().orElse(0);
            double[] x = new double[points];
            double[] y = new double[points];
            double[] lo = new double[points];
            double[] hi = new double[points];
            for (int i = 0; i < points; i++) {
                double sx = 0;
                double sy = 0;
                int n = 0;
                lo[i] = Double.POSITIVE_INFINITY;
                hi[i] = Double.NEGATIVE_INFINITY;
                for (List<FineTuneMetrics.CurvePoint> c : curves) {
                    if (i < c.size()) {
                        double v = accuracy ? c.get(i).evalAccuracy() : c.get(i).evalLoss();
                        if (Double.isFinite(v)) {
                            sx += c.get(i).seconds();
                            sy += v;
                            n++;
                            lo[i] = Math.min(lo[i], v);
                            hi[i] = Math.max(hi[i], v);
                        }
                    }
                }
                x[i] = n == 0 ? Double.NaN : sx / n;
                y[i] = n == 0 ? Double.NaN : sy / n;
            }
            boolean band = curves.size() > 1;
            series.add(new Charts.Series(method, x, y, band ? lo : null, band ? hi : null));
        }
        return series;
    }

    /** Fills, per module and bucket, the share of steps it was active in and its mean pheromone level (NaN: no data). */
    static void bucket(List<RefineListener.Step> steps, List<String> modules, long lastStep, double[][] active, double[][] trail) {
        int buckets = active.length == 0 ? 0 : active[0].length;
        int[] count = new int[buckets];
        int[][] levels = new int[modules.size()][buckets];
        for (RefineListener.Step s : steps) {
            int b = (int) Math.max(0, Math.min(buckets - 1, (s.step() - 1) * buckets / Math.max(1, lastStep)));
            count[b]++;
            for (int i = 0; i < modules.size(); i++) {
                if (s.rates() != null && s.rates().containsKey(modules.get(i))) {
                    active[i][b]++;
                }
                Double level = s.pheromone() == null ? null : s.pheromone().get(modules.get(i));
                if (level != null && Double.isFinite(level)) {
                    trail[i][b] += level;
                    levels[i][b]++;
                }
            }
        }
        for (int i = 0; i < modules.size(); i++) {
            for (int b = 0; b < buckets; b++) {
                active[i][b] = count[b] == 0 ? Double.NaN : active[i][b] / count[b];
                trail[i][b] = levels[i][b] == 0 ? Double.NaN : trail[i][b] / levels[i][b];
            }
        }
    }

    private static double[] extent(double[][] values) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : values) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return new double[] {lo, hi};
    }

    private static List<Charts.Series> densities(FineTuneMetrics m, List<String> modules) {
        List<RefineListener.Refresh> refreshes = m.events() == null || m.events().refreshes() == null ? List.of() : m.events().refreshes();
        List<Charts.Series> series = new ArrayList<>();
        for (String module : modules) {
            double[] x = new double[refreshes.size()];
            double[] y = new double[refreshes.size()];
            for (int i = 0; i < refreshes.size(); i++) {
                RefineListener.Refresh r = refreshes.get(i);
                Double d = r.density() == null ? null : r.density().get(module);
                x[i] = r.step();
                y[i] = d == null ? Double.NaN : d;
            }
            series.add(new Charts.Series(module, x, y));
        }
        return series;
    }

    private static List<Charts.Series> rates(List<RefineListener.Step> steps, List<String> modules) {
        List<Charts.Series> series = new ArrayList<>();
        for (String module : modules) {
            double[] x = new double[steps.size()];
            double[] y = new double[steps.size()];
            for (int i = 0; i < steps.size(); i++) {
                Double rate = steps.get(i).rates() == null ? null : steps.get(i).rates().get(module);
                x[i] = steps.get(i).step();
                y[i] = rate == null ? Double.NaN : rate;
            }
            series.add(new Charts.Series(module, x, y));
        }
        return series;
    }

    // ------------------------------------------------------------------ the page

    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + esc(title) + "</title>\n<style>\n"
                + "body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}\n"
                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}\n"
                + "th:first-child,td:first-child{text-align:left}table.about td{text-align:left}\n"
                + ".lost{background:#fff4e5;border-left:4px solid #f28e2b;padding:8px 12px}img{display:block;margin:1em 0;max-width:100%;height:auto}\n"
                + "</style>\n</head>\n<body>\n<h1>" + esc(title) + "</h1>\n" + body + "</body>\n</html>\n";
    }

    /** What a bench measured: task, starting model, methods, budget, seeds, when and on what machine. */
    private static String about(Bench bench) {
        BenchReport report = bench.report();
        JsonNode task = bench.json().path("task");
        List<MethodsBench.Run> runs = report.runs();
        Set<Long> seeds = new TreeSet<>();
        Set<Long> steps = new TreeSet<>();
        runs.forEach(r -> {
            seeds.add(r.seed());
            steps.add(r.metrics().steps());
        });
        StringBuilder h = new StringBuilder("<table class=\"about\">\n");
        row(h, "Task", "train " + text(task, "train") + ", eval " + text(task, "eval") + "; batch " + text(task, "batch")
                + ", evaluated every " + text(task, "eval_every") + " steps");
        row(h, "Model", task.hasNonNull("model") ? task.get("model").asText() : modelFromModules(runs.get(0)));
        row(h, "Methods", String.join(", ", report.methods()));
        row(h, "Repeats", text(task, "repeats") + " per method (" + runs.size() + " runs)");
        row(h, "Steps", "at most " + text(task, "max_steps") + " per run; runs took " + join(steps));
        row(h, "Seeds", join(seeds));
        row(h, "Target", String.format("%.0f%% of the best accuracy full reached with the same seed", 100 * report.target()));
        row(h, "Date", bench.json().path("date").asText("not recorded"));
        row(h, "Measured on", measuredOn(bench.json().path("machine")));
        row(h, "Report drawn on", thisMachine());
        return h.append("</table>\n").toString();
    }

    /** The "where RSR lost" paragraph of a bench. */
    private static String lost(BenchReport report) {
        Map<String, String> lost = losses(report);
        StringBuilder h = new StringBuilder("<p class=\"lost\"><b>Where RSR lost:</b> ");
        if (lost == null) {
            h.append("no comparison: the bench has no <code>full</code> runs.");
        } else if (lost.isEmpty()) {
            h.append("nowhere: every method ended at or above full and reached the target in every run.");
        } else {
            List<String> items = new ArrayList<>();
            lost.forEach((method, why) -> items.add("<b>" + esc(method) + "</b> (" + esc(why) + ")"));
            h.append(String.join("; ", items)).append('.');
        }
        return h.append("</p>\n").toString();
    }

    private static String summary(BenchReport report, String heading) {
        StringBuilder h = new StringBuilder("<" + heading + ">Summary</" + heading + ">\n<p>Mean ± standard deviation over each method's repeats. Seconds are "
                + "training seconds, evaluations left out; times per step are what the run measured: the whole step, its forward pass, "
                + "host work, and maintenance (probes, mask refreshes, snapshots) spread over the steps.</p>\n");
        table(h, report);
        return h.toString();
    }

    /** One row per task and method: accuracy, time, time to the target; the tasks where a method lost are marked. */
    @SuppressWarnings("unchecked")
    private static String acrossTasks(List<Bench> benches, List<String> tasks) {
        StringBuilder h = new StringBuilder("<h2>Across the tasks</h2>\n<p>Mean ± standard deviation over repeats; seconds are training "
                + "seconds. A method lost on a task when it ended below full or missed the target in some repeat.</p>\n");
        h.append("<table id=\"tasks\">\n<tr><th>task</th><th>method</th><th>final accuracy %</th><th>best accuracy %</th><th>train s</th>"
                + "<th>s to target (runs reaching it)</th><th>updated %</th><th>lost</th></tr>\n");
        for (int i = 0; i < benches.size(); i++) {
            BenchReport report = benches.get(i).report();
            Map<String, Object> summary = report.summaryJson();
            Map<String, String> lost = losses(report);
            for (String method : report.methods()) {
                Map<String, Object> m = (Map<String, Object>) summary.get(method);
                h.append("<tr><td><a href=\"#").append(anchor(tasks.get(i))).append("\">").append(esc(tasks.get(i)))
                        .append("</a></td><td>").append(esc(method)).append("</td>");
                List<String> cells = new ArrayList<>(BenchReport.outcomeCells(m));
                cells.add(BenchReport.cell(m.get("updated_parameter_fraction"), 100, "%.2f"));
                cells.add(lost == null || !lost.containsKey(method) ? "" : lost.get(method));
                for (String c : cells) {
                    h.append("<td>").append(esc(c)).append("</td>");
                }
                h.append("</tr>\n");
            }
        }
        return h.append("</table>\n").toString();
    }

    @SuppressWarnings("unchecked")
    private static void table(StringBuilder h, BenchReport report) {
        Map<String, Object> summary = report.summaryJson();
        h.append("<table>\n<tr><th>method</th><th>final accuracy %</th><th>best accuracy %</th><th>train s</th>")
                .append(String.format("<th>s to %.0f%% of full (runs reaching it)</th>", 100 * report.target()))
                .append("<th>step ms</th><th>forward ms</th><th>host ms</th><th>maintenance ms</th><th>updated %</th></tr>\n");
        for (String method : report.methods()) {
            Map<String, Object> m = (Map<String, Object>) summary.get(method);
            List<String> cells = new ArrayList<>(BenchReport.outcomeCells(m));
            cells.addAll(List.of(
                    BenchReport.cell(report.stats(method, r -> r.metrics().time() == null ? null : r.metrics().time().stepMs()), 1, "%.1f"),
                    BenchReport.cell(report.stats(method, r -> r.metrics().time() == null ? null : r.metrics().time().forwardMs()), 1, "%.1f"),
                    BenchReport.cell(report.stats(method, r -> r.metrics().time() == null ? null : r.metrics().time().hostMs()), 1, "%.2f"),
                    BenchReport.cell(report.stats(method, r -> r.metrics().time() == null ? null : r.metrics().time().maintenanceMs()), 1,
                            "%.2f"),
                    BenchReport.cell(m.get("updated_parameter_fraction"), 100, "%.2f")));
            h.append("<tr><td>").append(esc(method)).append("</td>");
            cells.forEach(c -> h.append("<td>").append(esc(c)).append("</td>"));
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static String modelFromModules(MethodsBench.Run run) {
        List<RefineListener.ModuleInfo> modules = run.metrics().modules();
        long elements = modules.stream().mapToLong(RefineListener.ModuleInfo::elements).sum();
        return String.format("not recorded in bench.json; %d modules, %,d parameters: %s", modules.size(), elements,
                String.join(", ", modules.stream().map(RefineListener.ModuleInfo::name).toList()));
    }

    private static String measuredOn(JsonNode machine) {
        if (!machine.isObject() || machine.isEmpty()) {
            return "not recorded";
        }
        List<String> parts = new ArrayList<>();
        machine.fields().forEachRemaining(e -> parts.add(e.getKey().replace('_', ' ') + " " + e.getValue().asText()));
        return String.join(", ", parts);
    }

    /** The machine drawing the report (the same one when {@code rsr bench --report} drew it), described as bench.json describes its own. */
    static String thisMachine() {
        return measuredOn(READ.valueToTree(MethodsBench.machine()));
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : "?";
    }

    private static String join(Set<Long> values) {
        return String.join(", ", values.stream().map(String::valueOf).toList());
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
