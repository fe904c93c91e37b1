package dev.rsr.engine;

import java.util.ArrayList;
import java.util.List;

/** Collects a refinement's events into {@link FineTuneMetrics}. */
final class MetricsRecorder implements RefineListener {
    private final List<ModuleInfo> modules = new ArrayList<>();
    private final List<FineTuneMetrics.CurvePoint> curve = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private final List<Refresh> refreshes = new ArrayList<>();
    private RateSearch rateSearch;

    @Override
    public void begun(Begin event) {
        modules.addAll(event.modules());
    }

    @Override
    public void stepped(Step event) {
        steps.add(event);
    }

    @Override
    public void searched(RateSearch event) {
        rateSearch = event;
    }

    @Override
    public void refreshed(Refresh event) {
        refreshes.add(event);
    }

    @Override
    public void evaluated(Evaluation event) {
        curve.add(new FineTuneMetrics.CurvePoint(event.step(), event.seconds(), event.trainLoss(), event.accuracy(), event.loss()));
    }

    /** The metrics of a run of {@code method} with its settings as resolved ({@link Refiner#resolvedSettings()}). */
    FineTuneMetrics metrics(String method, java.util.Map<String, String> settings, Refiner.Summary s, int truncated) {
        return new FineTuneMetrics(method, settings, s.steps(), s.trainSeconds(), s.wallSeconds(), s.evalAccuracy(),
                s.evalLoss(), s.bestAccuracy(), s.trainableFraction(), s.trainableFraction() * s.meanDensity(), s.divergences(), s.time(),
                ProcessMemory.peakRssMb(), truncated, List.copyOf(modules), List.copyOf(curve),
                new FineTuneMetrics.Events(rateSearch, List.copyOf(steps), List.copyOf(refreshes)));
    }
}
