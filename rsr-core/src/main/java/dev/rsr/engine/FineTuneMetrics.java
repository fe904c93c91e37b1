package dev.rsr.engine;

import java.util.List;
import java.util.Map;

/**
 * What a fine-tuning run measured; written as metrics.json. Seconds are training seconds (wall
 * time without evaluations) unless named wall.
 *
 * @param method                    the method
 * @param settings                  every setting of the method (role plugins and their fields)
 * @param steps                     steps taken
 * @param trainSeconds              training time, evaluations left out
 * @param wallSeconds               wall time, evaluations included
 * @param evalAccuracy              final eval accuracy
 * @param evalLoss                  final eval loss
 * @param bestEvalAccuracy          the best eval accuracy of the run
 * @param trainableParameterFraction share of the model's elements in some trained module
 * @param updatedParameterFraction  share of the model's elements the method updates (trainable × mean mask density)
 * @param divergences               steps rolled back for a non-finite loss
 * @param time                      where the training time went, per step
 * @param peakRssMb                 the process's peak resident memory
 * @param truncatedTrainTexts       training texts cut at the maximum length
 * @param modules                   the task modules
 * @param curve                     the learning curve, one point per evaluation
 * @param events                    the rate search, every step and mask refresh, for charts
 */
public record FineTuneMetrics(String method, Map<String, String> settings, long steps, double trainSeconds, double wallSeconds,
                              double evalAccuracy, double evalLoss, double bestEvalAccuracy, double trainableParameterFraction,
                              double updatedParameterFraction, int divergences, Refiner.TimeSplit time, double peakRssMb, int truncatedTrainTexts,
                              List<RefineListener.ModuleInfo> modules, List<CurvePoint> curve, Events events) {

    /** One evaluation during training; {@code trainLoss} is null before the first step. */
    public record CurvePoint(long step, double seconds, Double trainLoss, double evalAccuracy, double evalLoss) {
    }

    /** The listener's events: the rate search (null when there was none), then every step and refresh, in order. */
    public record Events(RefineListener.RateSearch rateSearch, List<RefineListener.Step> steps, List<RefineListener.Refresh> refreshes) {
    }
}
