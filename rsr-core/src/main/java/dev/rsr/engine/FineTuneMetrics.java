package dev.rsr.engine;

import java.util.List;

/**
 * What a fine-tuning run measured; written as metrics.json.
 *
 * @param method                    the method
 * @param steps                     steps taken
 * @param wallSeconds               training wall time, evaluation included
 * @param evalAccuracy              final eval accuracy
 * @param evalLoss                  final eval loss
 * @param updatedParameterFraction  share of parameter elements the method may update
 * @param peakRssMb                 the process's peak resident memory
 * @param truncatedTrainTexts       training texts cut at the maximum length
 * @param curve                     the learning curve
 */
public record FineTuneMetrics(String method, int steps, double wallSeconds, double evalAccuracy, double evalLoss,
                              double updatedParameterFraction, double peakRssMb, int truncatedTrainTexts, List<CurvePoint> curve) {

    /** One evaluation during training; {@code trainLoss} is null before the first step. */
    public record CurvePoint(int step, double seconds, Double trainLoss, double evalAccuracy, double evalLoss) {
    }
}
