package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.engine.FineTuneMetrics;
import dev.rsr.engine.RefineListener;
import dev.rsr.engine.Refiner;
import dev.rsr.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rsr report} on a synthetic bench, written as {@code rsr bench} writes one (through
 * {@link BenchReport} and the metrics JSON), so the expected numbers are known; and one tiny real
 * {@code rsr bench --report}.
 */
class ReportCommandTest {
    @TempDir
    Path dir;

    static final List<String> MODULES = List.of("embeddings", "encoder.layer1", "head");
    static final int STEPS = 20;

    /** Final accuracy per method and repeat; every curve climbs linearly to it over 5 evaluations. */
    static final Map<String, double[]> FINAL = new LinkedHashMap<>();

    static {
        FINAL.put("full", new double[] {0.60, 0.62});
        FINAL.put("rsr", new double[] {0.70, 0.72});
        // Below full, and never reaches 99% of full's best.
        FINAL.put("bitfit", new double[] {0.50, 0.52});
        // Above full on average (0.65), but repeat 1 ends under its target 0.99 × 0.62.
        FINAL.put("rsr{lr=constant}", new double[] {0.70, 0.60});
    }

    static FineTuneMetrics metrics(String method, int repeat) {
        boolean selective = method.startsWith("rsr");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("selector", selective ? "aco" : "all");
        settings.put("pheromone", selective ? "max-min" : "none");
        double fin = FINAL.get(method)[repeat];
        List<FineTuneMetrics.CurvePoint> curve = new ArrayList<>();
        for (int k = 0; k <= 4; k++) {
            curve.add(new FineTuneMetrics.CurvePoint(5L * k, 0.5 * k + 0.02 * repeat, k == 0 ? null : 2.0 - 0.3 * k, fin * k / 4,
                    2.5 - 2 * fin * k / 4));
        }
        List<RefineListener.Step> steps = new ArrayList<>();
        for (int s = 1; s <= STEPS; s++) {
            Map<String, Double> rates = new LinkedHashMap<>();
            Map<String, Double> trail = new LinkedHashMap<>();
            for (int i = 0; i < MODULES.size(); i++) {
                // Selective methods: the head every step, the others in turn.
                if (!selective || i == MODULES.size() - 1 || s % 2 == i) {
                    rates.put(MODULES.get(i), 1e-4 * Math.pow(10, i) * (1 + 0.05 * s));
                }
                trail.put(MODULES.get(i), 0.5 + 0.02 * s * i);
            }
            steps.add(new RefineListener.Step(s, 0, 0.1 * s, 2.0 - 0.05 * s, true, rates, trail));
        }
        List<RefineListener.Refresh> refreshes = new ArrayList<>();
        for (int s = 0; s <= STEPS; s += 10) {
            Map<String, Double> density = new LinkedHashMap<>();
            for (String m : MODULES) {
                density.put(m, m.equals("head") ? 1.0 : 0.5 + 0.01 * s);
            }
            refreshes.add(new RefineListener.Refresh(s, 0.1 * s, density, Map.of()));
        }
        List<RefineListener.ModuleInfo> modules = new ArrayList<>();
        for (int i = 0; i < MODULES.size(); i++) {
            modules.add(new RefineListener.ModuleInfo(MODULES.get(i), 2, 1000L * (i + 1), i == MODULES.size() - 1, 0));
        }
        return new FineTuneMetrics(method.replaceAll("\\{.*", ""), settings, STEPS, 2.0 + 0.2 * repeat, 3.0, fin, 1.0, fin, 1.0,
                selective ? 0.5 : 1.0, 0, new Refiner.TimeSplit(10 + repeat, 4, 0.5, 0.25), 100, 0, modules, curve,
                new FineTuneMetrics.Events(null, steps, refreshes));
    }

    /** A bench directory as {@code rsr bench --out} leaves it. */
    static Path writeBench(Path out) throws Exception {
        List<MethodsBench.Run> runs = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            for (String method : FINAL.keySet()) {
                FineTuneMetrics m = metrics(method, r);
                runs.add(new MethodsBench.Run(method, r, 42 + r, m));
                AtomicFiles.write(out.resolve(MethodsBench.metricsFileName(method, r)),
                        FinetuneCommand.JSON.writeValueAsBytes(FinetuneCommand.metricsJson(m)));
            }
        }
        BenchReport report = BenchReport.of(runs, List.copyOf(FINAL.keySet()), 0.99);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", "2026-01-02T03:04:05Z");
        json.put("machine", Map.of("cores", 2, "os", "Linux amd64", "java", "17"));
        json.put("task", Map.of("train", "train.tsv", "eval", "eval.tsv", "max_steps", STEPS, "batch", 8, "eval_every", 5, "seed", 42,
                "repeats", 2, "target_fraction", 0.99));
        json.put("runs", report.runsJson());
        json.put("summary", report.summaryJson());
        AtomicFiles.write(out.resolve("bench.json"), FinetuneCommand.JSON.writeValueAsBytes(json));
        return out;
    }

    /** Every PNG the report references exists, decodes at the chart size, and every PNG written is referenced. */
    static String checkReport(Path out) throws Exception {
        return checkReport(out, List.of("accuracy.png", "loss.png"));
    }

    static String checkReport(Path out, List<String> expected) throws Exception {
        Path html = out.resolve(HtmlReport.FILE);
        assertTrue(Files.isRegularFile(html), "no report.html in " + out);
        String page = Files.readString(html);
        Set<String> referenced = new TreeSet<>();
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(page);
        while (m.find()) {
            referenced.add(m.group(1));
        }
        Set<String> written;
        try (Stream<Path> files = Files.list(out)) {
            written = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(written, referenced);
        assertTrue(referenced.containsAll(expected), referenced.toString());
        for (String name : referenced) {
            BufferedImage image = ImageIO.read(out.resolve(name).toFile());
            assertNotNull(image, name + " does not decode");
            assertEquals(Charts.WIDTH, image.getWidth(), name);
            assertEquals(Charts.HEIGHT, image.getHeight(), name);
            assertTrue(colours(image) > 8, name + " looks blank");
        }
        return page;
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }

    private static String lostLine(String page) {
        Matcher m = Pattern.compile("<p class=\"lost\">(.*?)</p>").matcher(page);
        assertTrue(m.find(), "no 'Where RSR lost' line");
        return m.group(1);
    }

    @Test
    void drawsTheReportOfASavedBench() throws Exception {
        Path bench = writeBench(Files.createDirectories(dir.resolve("bench")));
        CliRun run = CliRun.of("report", bench.toString());
        assertEquals(0, run.exitCode(), run.err());
        String page = checkReport(bench);

        // Heat maps, pheromone, density and rates for each selective method's first repeat; none for full or bitfit.
        for (String base : List.of("rsr-0", "rsr_lr=constant_-0")) {
            for (String chart : List.of("activity", "pheromone", "density", "rates")) {
                assertTrue(page.contains("src=\"" + base + "-" + chart + ".png\""), base + "-" + chart);
            }
        }
        assertFalse(page.contains("full-0-activity.png"));
        assertFalse(page.contains("bitfit-0-activity.png"));

        // The table: worked out by hand for two methods, and every cell as the bench computes it.
        assertTrue(page.contains("<tr><td>full</td><td>61.0 ± 1.4</td><td>61.0 ± 1.4</td><td>2.1 ± 0.1</td><td>2.0 ± 0.0 (2/2)</td>"
                + "<td>10.5 ± 0.7</td><td>4.0 ± 0.0</td><td>0.50 ± 0.00</td><td>0.25 ± 0.00</td><td>100.00 ± 0.00</td></tr>"), page);
        assertTrue(page.contains("<tr><td>rsr</td><td>71.0 ± 1.4</td>"), page);
        assertTrue(page.contains("<td>- (0/2)</td>"), "bitfit never reaches the target");
        assertTrue(page.contains("<td>2.0 ± 0.0 (1/2)</td>"), "rsr{lr=constant} reaches it once");
        BenchReport report = HtmlReport.load(bench).report();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> summary = (Map<String, Map<String, Object>>) (Map<String, ?>) report.summaryJson();
        for (String method : FINAL.keySet()) {
            String row = "<tr><td>" + HtmlReport.esc(method) + "</td><td>" + BenchReport.cell(summary.get(method).get("final_accuracy"), 100, "%.1f")
                    + "</td><td>" + BenchReport.cell(summary.get(method).get("best_accuracy"), 100, "%.1f") + "</td>";
            assertTrue(page.contains(row), row);
        }

        String lost = lostLine(page);
        assertTrue(lost.contains("<b>bitfit</b> (final accuracy 51.0% &lt; full's 61.0%; never reached the target"), lost);
        assertTrue(lost.contains("<b>rsr{lr=constant}</b> (reached the target in only 1/2 runs"), lost);
        assertFalse(lost.contains("<b>rsr</b>"), lost);

        // The header says what was measured.
        for (String fact : List.of("train train.tsv, eval eval.tsv", "42, 43", "2026-01-02T03:04:05Z", "at most 20 per run",
                "full, rsr, bitfit, rsr{lr=constant}", "Report drawn on", "cores " + Runtime.getRuntime().availableProcessors() + ", os ")) {
            assertTrue(page.contains(HtmlReport.esc(fact)), fact);
        }
    }

    @Test
    void redrawsElsewhereAndRecoversVariantNamesOfOlderBenchFiles() throws Exception {
        Path bench = writeBench(Files.createDirectories(dir.resolve("bench")));
        // Earlier releases wrote the preset ("rsr") as each run's method, not the variant.
        Path file = bench.resolve("bench.json");
        Files.writeString(file, Files.readString(file).replace("\"method\" : \"rsr{lr=constant}\"", "\"method\" : \"rsr\""));
        assertFalse(Files.readString(file).contains("\"method\" : \"rsr{lr=constant}\""));
        Path out = dir.resolve("elsewhere");
        CliRun run = CliRun.of("report", bench.toString(), "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        String page = checkReport(out);
        assertFalse(Files.exists(bench.resolve(HtmlReport.FILE)));
        assertTrue(page.contains("<tr><td>rsr{lr=constant}</td><td>65.0 ± 7.1</td>"), page);
    }

    @Test
    void badInputIsOneLineNamingTheFileAndField() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertError(CliRun.of("report", empty.toString()), empty.resolve("bench.json") + ": no such file");

        Path bench = writeBench(Files.createDirectories(dir.resolve("bench")));
        Path metrics = bench.resolve("bitfit-1.metrics.json");
        String saved = Files.readString(metrics);
        Files.delete(metrics);
        assertError(CliRun.of("report", bench.toString()), metrics + ": no such file (the metrics of runs[6] in bench.json)");

        Files.writeString(metrics, saved.replaceFirst("\"curve\" : \\[", "\"curve\" : 7, \"x\" : ["));
        assertError(CliRun.of("report", bench.toString()), metrics + ": field curve: ");
        Files.writeString(metrics, saved);

        Path file = bench.resolve("bench.json");
        String json = Files.readString(file);
        Files.writeString(file, json.substring(0, json.length() / 2));
        assertError(CliRun.of("report", bench.toString()), file + ": invalid JSON at line ");

        Files.writeString(file, json.replace("\"target_fraction\"", "\"target\""));
        assertError(CliRun.of("report", bench.toString()), file + ": field task.target_fraction: missing");

        Files.writeString(file, json.replaceFirst("\"repeat\" : 0", "\"repeat\" : \"first\""));
        assertError(CliRun.of("report", bench.toString()), file + ": field runs[0].repeat: must be an integer");

        assertError(CliRun.of("report", file.toString()), "DIR " + file + ": not a directory");
        assertFalse(Files.exists(bench.resolve(HtmlReport.FILE)), "no report from bad input");
    }

    private static void assertError(CliRun run, String expected) {
        assertEquals(1, run.exitCode(), run.err());
        assertEquals(1, run.errorLine().lines().count(), run.err());
        assertTrue(run.errorLine().startsWith("rsr report: error: "), run.err());
        assertTrue(run.errorLine().contains(expected), "expected '" + expected + "' in: " + run.err());
    }

    @Test
    void benchWritesTheReportWithReport() throws Exception {
        FinetuneCommandTest.writeTask(dir.resolve("train.tsv"), 24, 1);
        FinetuneCommandTest.writeTask(dir.resolve("eval.tsv"), 12, 2);
        Path out = dir.resolve("bench");
        CliRun run = CliRun.of("bench", "--zoo", "text-classifier", "--dim", "16", "--layers", "1", "--heads", "2", "--train",
                dir.resolve("train.tsv").toString(), "--eval", dir.resolve("eval.tsv").toString(), "--methods", "full,rsr",
                "--max-steps", "4", "--eval-every", "2", "--batch", "8", "--threads", "1", "--out", out.toString(), "--report");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("report.html"), run.err());
        String page = checkReport(out);
        assertTrue(page.contains("zoo TextClassifier[vocabSize=18, dim=16, layers=1, heads=2"), page);
        assertTrue(page.contains("src=\"rsr-0-activity.png\""), page);
        assertTrue(page.contains("<tr><td>full</td>") && page.contains("<tr><td>rsr</td>"), page);
    }

    @Test
    void severalBenchesMakeOneReportAcrossTheTasks() throws Exception {
        Path negation = writeBench(Files.createDirectories(dir.resolve("negation")));
        Path agreement = writeBench(Files.createDirectories(dir.resolve("agreement")));
        Path out = dir.resolve("all");
        CliRun run = CliRun.of("report", negation.toString(), agreement.toString(), "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        String page = checkReport(out, List.of("negation-accuracy.png", "negation-loss.png", "agreement-accuracy.png",
                "agreement-rsr-0-activity.png", "agreement-rsr-0-pheromone.png", "negation-rsr_lr=constant_-0-rates.png"));
        assertTrue(page.contains("<h1>RSR report: 2 tasks</h1>"), page);
        assertTrue(page.contains("<h2 id=\"task-negation\">Task: negation</h2>") && page.contains("<h2 id=\"task-agreement\">"), page);
        // The table across the tasks: a row per task and method, with where the method lost.
        assertTrue(page.contains("<tr><td><a href=\"#task-agreement\">agreement</a></td><td>bitfit</td><td>51.0 ± 1.4</td>"), page);
        assertTrue(page.contains("<td>final accuracy 51.0% < full's 61.0%; never reached the target (99% of full's best)</td>".replace("<", "&lt;")
                .replace("&lt;td>", "<td>").replace("&lt;/td>", "</td>")), page);
        assertTrue(page.contains("<tr><td><a href=\"#task-negation\">negation</a></td><td>rsr</td><td>71.0 ± 1.4</td>"), page);
        assertEquals(2, page.split("<p class=\"lost\">", -1).length - 1, "a 'where RSR lost' line per task");

        // Two directories of the same name: the second task is numbered, so ids and chart names stay apart.
        Path first = writeBench(Files.createDirectories(dir.resolve("a").resolve("bench")));
        Path second = writeBench(Files.createDirectories(dir.resolve("b").resolve("bench")));
        Path twice = dir.resolve("twice");
        assertEquals(0, CliRun.of("report", first.toString(), second.toString(), "--out", twice.toString()).exitCode());
        String both = checkReport(twice, List.of("bench-accuracy.png", "bench-2-accuracy.png"));
        assertTrue(both.contains("<h2 id=\"task-bench\">Task: bench</h2>") && both.contains("<h2 id=\"task-bench-2\">Task: bench-2</h2>"), both);

        CliRun noOut = CliRun.of("report", negation.toString(), agreement.toString());
        assertEquals(2, noOut.exitCode());
        assertTrue(noOut.err().contains("--out is required with several bench directories"), noOut.err());
    }
}
