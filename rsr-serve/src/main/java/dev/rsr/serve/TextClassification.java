package dev.rsr.serve;

import dev.rsr.engine.Classification;
import dev.rsr.engine.TextBatches;
import dev.rsr.engine.TextTask;
import dev.rsr.error.BackendException;
import dev.rsr.error.ModelException;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.zoo.TextClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Text → label with the task a model carries ({@link TextTask}: tokenizer, labels, longest
 * sequence), exactly as training encoded it: the one path of {@code rsr predict}'s raw-text lines
 * and {@code rsr serve}'s classify route. Stateless and thread-safe.
 */
public final class TextClassification {
    private final TextTask task;
    private final TextBatches.Layout layout;

    /** @param modelInputs the model's feed inputs: they decide whether token type ids are fed */
    public TextClassification(TextTask task, List<ValueInfo> modelInputs) {
        this.task = task;
        this.layout = new TextBatches.Layout(task.tokenizer().padId(),
                modelInputs.stream().anyMatch(v -> v.name().equals(TextBatches.TOKEN_TYPE_IDS)));
    }

    public TextTask task() {
        return task;
    }

    /** The token ids of one text, cut to the model's longest sequence. */
    public long[] encode(String text) {
        return task.tokenizer().encode(text, task.maxLength());
    }

    /** Token id rows as one batch, padded to the longest row, with the inputs the model takes. */
    public Map<String, TensorData> feeds(List<long[]> rows) {
        int[] all = java.util.stream.IntStream.range(0, rows.size()).toArray();
        return TextBatches.batch(new TextTask.EncodedExamples(rows, new long[rows.size()], 0), all, layout).inputs();
    }

    /** True when the model's outputs hold what {@link #predictions} reads. */
    public static boolean producesLogits(List<ValueInfo> modelOutputs) {
        return modelOutputs.stream().anyMatch(v -> v.name().equals(TextClassifier.LOGITS));
    }

    /**
     * Fails unless the model's logits have one column per label: from the declared width when the
     * model states it, otherwise from the logits of one probe call on a one-token text.
     *
     * @param where how the error names the model (its file, or its name and file)
     */
    public void checkClasses(Predictor predictor, String where) {
        ValueInfo logits = predictor.outputs().stream().filter(v -> v.name().equals(TextClassifier.LOGITS)).findFirst().orElseThrow();
        long width;
        if (logits.shape().hasRank() && logits.shape().rank() == 2 && logits.shape().dim(1).isFixed()) {
            width = logits.shape().dim(1).size();
        } else {
            TensorData probe = predictor.predict(feeds(List.of(new long[] {task.tokenizer().padId()}))).get(TextClassifier.LOGITS);
            width = probe == null || probe.rank() != 2 ? -1 : probe.dim(1);
        }
        if (width != task.labels().size()) {
            throw new ModelException(where + ": its task names " + task.labels().size() + " labels but its output '" + TextClassifier.LOGITS
                    + "' has " + (width < 0 ? "no [rows, classes] shape" : width + " classes"));
        }
    }

    /**
     * A label and each label's probability.
     *
     * @param label         the most likely label
     * @param probabilities one per label, in the task's label order
     */
    public record Prediction(String label, double[] probabilities) {
    }

    /**
     * Each row's label (argmax of the logits) and probabilities (the model's {@code probabilities}
     * output when it has one, else the softmax of its logits).
     */
    public List<Prediction> predictions(Map<String, TensorData> outputs) {
        TensorData logits = outputs.get(TextClassifier.LOGITS);
        int[] best = Classification.argmax(logits);
        TensorData probabilities = outputs.get(TextClassifier.PROBABILITIES);
        if (logits.rank() != 2 || logits.dim(1) != task.labels().size()) {
            // Refused when the model is loaded (checkClasses); a model that changes its width per call still fails clearly.
            throw new BackendException("output '" + TextClassifier.LOGITS + "' has shape " + dev.rsr.ir.Shape.format(logits.shape())
                    + " but the task names " + task.labels().size() + " labels");
        }
        int classes = (int) logits.dim(1);
        List<Prediction> out = new ArrayList<>(best.length);
        for (int r = 0; r < best.length; r++) {
            double[] p = new double[classes];
            for (int c = 0; c < classes; c++) {
                p[c] = (probabilities != null ? probabilities : logits).getAsDouble(r * classes + c);
            }
            out.add(new Prediction(task.labels().get(best[r]), probabilities != null ? p : softmax(p)));
        }
        return out;
    }

    private static double[] softmax(double[] logits) {
        double max = java.util.Arrays.stream(logits).max().orElse(0);
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
