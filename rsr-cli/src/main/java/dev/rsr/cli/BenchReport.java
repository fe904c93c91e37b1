package dev.rsr.cli;

import dev.rsr.engine.FineTuneMetrics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers of a methods bench: per run, the time to reach {@code target} × the best accuracy
 * that {@code full} reached with the same seed; per method, the mean and standard deviation of
 * each measure.
 */
final class BenchReport {
    private final List<MethodsBench.Run> runs;
    private final List<String> methods;
    private final double target;
    // By identity: a run's record holds every step event, too much to hash on each lookup.
    private final Map<MethodsBench.Run, Double> timeToTarget = new java.util.IdentityHashMap<>();
    private final Map<Integer, Double> targetAccuracy = new LinkedHashMap<>();

    private BenchReport(List<MethodsBench.Run> runs, List<String> methods, double target) {
        this.runs = runs;
        this.methods = methods;
        this.target = target;
        for (MethodsBench.Run r : runs) {
            if (r.method().equals("full")) {
                targetAccuracy.put(r.repeat(), target * r.metrics().bestEvalAccuracy());
            }
        }
        for (MethodsBench.Run r : runs) {
            Double goal = targetAccuracy.get(r.repeat());
            Double reached = null;
            if (goal != null) {
                for (FineTuneMetrics.CurvePoint p : r.metrics().curve()) {
                    if (p.evalAccuracy() >= goal) {
                        reached = p.seconds();
                        break;
                    }
                }
            }
            timeToTarget.put(r, reached);
        }
    }

    static BenchReport of(List<MethodsBench.Run> runs, List<String> methods, double target) {
        return new BenchReport(runs, methods, target);
    }

    List<Map<String, Object>> runsJson() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (MethodsBench.Run r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", r.method());
            m.put("repeat", r.repeat());
            m.put("seed", r.seed());
            m.putAll(FinetuneCommand.metricsJson(r.metrics()));
            // The metrics name the preset ("rsr"); the run is the variant ("rsr{booster=none}"), as in the summary.
            m.put("method", r.method());
            m.put("target_accuracy", targetAccuracy.get(r.repeat()));
            m.put("time_to_target_seconds", timeToTarget.get(r));
            out.add(m);
        }
        return out;
    }

    /** Per method: mean and standard deviation of each measure over its repeats. */
    Map<String, Object> summaryJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String method : methods) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("final_accuracy", stats(method, r -> r.metrics().evalAccuracy()));
            m.put("best_accuracy", stats(method, r -> r.metrics().bestEvalAccuracy()));
            m.put("train_seconds", stats(method, r -> r.metrics().trainSeconds()));
            m.put("time_to_target_seconds", stats(method, timeToTarget::get));
            m.put("reached_target", runsOf(method).stream().filter(r -> timeToTarget.get(r) != null).count() + "/" + runsOf(method).size());
            m.put("updated_parameter_fraction", stats(method, r -> r.metrics().updatedParameterFraction()));
            out.put(method, m);
        }
        return out;
    }

    /** The runs, in bench order. */
    List<MethodsBench.Run> runs() {
        return runs;
    }

    /** The methods, in bench order. */
    List<String> methods() {
        return methods;
    }

    /** The fraction of full's best accuracy that counts as reaching the target. */
    double target() {
        return target;
    }

    /** When a run first reached its target accuracy, in training seconds; null if it never did or no full run shares its seed. */
    Double timeToTarget(MethodsBench.Run run) {
        return timeToTarget.get(run);
    }

    /** The target accuracy of a repeat: target × the best accuracy of full with that seed; null without a full run. */
    Double targetAccuracy(int repeat) {
        return targetAccuracy.get(repeat);
    }

    List<MethodsBench.Run> runsOf(String method) {
        return runs.stream().filter(r -> r.method().equals(method)).toList();
    }

    /** {mean, std, n} over the runs of a method where the measure exists; null when none has it. */
    Map<String, Object> stats(String method, java.util.function.Function<MethodsBench.Run, Double> measure) {
        List<Double> xs = runsOf(method).stream().map(measure).filter(java.util.Objects::nonNull).toList();
        if (xs.isEmpty()) {
            return null;
        }
        double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double var = xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / Math.max(1, xs.size() - 1);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mean", mean);
        s.put("std", xs.size() > 1 ? Math.sqrt(var) : 0.0);
        s.put("n", xs.size());
        return s;
    }

    void print(PrintWriter out) {
        out.printf("%-34s %18s %18s %16s %22s %10s%n", "method", "final accuracy", "best accuracy", "train s",
                String.format("s to %.0f%% of full", 100 * target), "updated");
        Map<String, Object> summary = summaryJson();
        for (String method : methods) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) summary.get(method);
            List<String> outcome = outcomeCells(m);
            out.printf("%-34s %18s %18s %16s %22s %10s%n", method, outcome.get(0), outcome.get(1), outcome.get(2), outcome.get(3),
                    cell(m.get("updated_parameter_fraction"), 100, "%.2f%%"));
        }
        out.flush();
    }

    /**
     * A method's outcome as every table of a bench shows it, from its entry in {@link #summaryJson}:
     * final and best accuracy (%), training seconds, and seconds to the target with the runs that
     * reached it, each mean ± std.
     */
    static List<String> outcomeCells(Map<String, Object> method) {
        return List.of(cell(method.get("final_accuracy"), 100, "%.1f"), cell(method.get("best_accuracy"), 100, "%.1f"),
                cell(method.get("train_seconds"), 1, "%.1f"),
                cell(method.get("time_to_target_seconds"), 1, "%.1f") + " (" + method.get("reached_target") + ")");
    }

    /** "mean ± std" of a {@link #stats} result scaled and formatted; "-" for none. */
    @SuppressWarnings("unchecked")
    static String cell(Object stats, double scale, String format) {
        if (stats == null) {
            return "-";
        }
        Map<String, Object> s = (Map<String, Object>) stats;
        return String.format(format, scale * (double) s.get("mean")) + " ± " + String.format(format.replace("%%", ""), scale * (double) s.get("std"));
    }
}
