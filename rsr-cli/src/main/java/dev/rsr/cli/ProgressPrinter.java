package dev.rsr.cli;

import dev.rsr.engine.RefineListener;
import dev.rsr.engine.Refiner;
import java.io.PrintWriter;

/** Prints a refinement's progress: a line per evaluation, and the running loss every few seconds in between. */
final class ProgressPrinter implements RefineListener {
    private final PrintWriter err;
    private final String label;
    private long maxSteps;
    private long lastPrint = System.nanoTime();
    private double lossSum;
    private int lossCount;

    ProgressPrinter(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
    }

    @Override
    public void begun(Begin event) {
        maxSteps = event.maxSteps();
        err.printf("%s: %d modules (%s), %d worker%s, base rate %.2g%n", label, event.modules().size(),
                String.join(", ", event.modules().stream().map(ModuleInfo::name).toList()), event.workers(),
                event.workers() == 1 ? "" : "s", event.baseRate());
        err.flush();
    }

    @Override
    public void searched(RateSearch event) {
        err.printf("%s: rate search: %d steps, %.1f s: base rate %.2g (configured %.2g)%n", label, event.rates().size(), event.seconds(),
                event.chosenRate(), event.configuredRate());
        err.flush();
    }

    @Override
    public void stepped(Step event) {
        if (event.applied()) {
            lossSum += event.loss();
            lossCount++;
        } else {
            err.printf("step %d: loss %s; rolled back modules %s and lowered their rates%n", event.step(), event.loss(), event.rates().keySet());
        }
        if (System.nanoTime() - lastPrint > 10e9 && lossCount > 0) {
            err.printf("%s step %5d/%d  %6.1f s  train loss %.4f%n", label, event.step(), maxSteps, event.seconds(), lossSum / lossCount);
            err.flush();
            lastPrint = System.nanoTime();
        }
    }

    @Override
    public void evaluated(Evaluation p) {
        err.printf("%s step %5d/%d  %6.1f s  train loss %s  eval accuracy %.4f  eval loss %.4f%n", label, p.step(), maxSteps, p.seconds(),
                p.trainLoss() == null ? "  -   " : String.format("%.4f", p.trainLoss()), p.accuracy(), p.loss());
        err.flush();
        lossSum = 0;
        lossCount = 0;
        lastPrint = System.nanoTime();
    }

    @Override
    public void ended(Refiner.Summary summary) {
        err.flush();
    }
}
