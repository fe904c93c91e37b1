package dev.rsr.zoo;

import dev.rsr.ir.ModelGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * A transformer text classifier: token and position embeddings, {@code layers} pre-norm encoder
 * blocks, a final layer norm, masked mean pooling and a linear head.
 *
 * <p>Inputs {@code input_ids} and {@code attention_mask}, both {@code int64[batch, sequence]}
 * (mask 1 for tokens, 0 for padding; sequence at most {@code maxLength}). Outputs {@code logits}
 * and {@code probabilities}, {@code float[batch, classes]}. Parameter groups: {@code embeddings},
 * {@code encoder.layer1 … encoder.layerN}, {@code encoder.final}, {@code head}.
 *
 * @param vocabSize token vocabulary size
 * @param dim       model width
 * @param layers    number of encoder blocks
 * @param heads     attention heads; must divide {@code dim}
 * @param ffnDim    feed-forward width
 * @param maxLength longest sequence the position table covers
 * @param classes   number of classes
 * @param seed      initialization seed
 */
public record TextClassifier(int vocabSize, int dim, int layers, int heads, int ffnDim, int maxLength, int classes,
                             long seed) {
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String LOGITS = "logits";
    public static final String PROBABILITIES = "probabilities";

    public TextClassifier {
        List<String> problems = new ArrayList<>(TextEncoder.problems(vocabSize, dim, layers, heads, ffnDim, maxLength));
        ZooChecks.atLeast(problems, "classes", classes, 2);
        ZooChecks.fits(problems, "dim x classes", dim, classes);
        ZooChecks.throwIfAny("text-classifier", problems);
    }

    /** A small model that trains in minutes on two cores: vocab 2000, dim 64, 2 layers, 4 heads, length 64, 2 classes. */
    public static TextClassifier defaults() {
        return new TextClassifier(2000, 64, 2, 4, 256, 64, 2, 42);
    }

    /** The encoder this classifier is built on. */
    public TextEncoder encoder() {
        return new TextEncoder(vocabSize, dim, layers, heads, ffnDim, maxLength, seed);
    }

    public ModelGraph build() {
        return Heads.classifier(encoder().build(), TextEncoder.HIDDEN, classes, seed);
    }
}
