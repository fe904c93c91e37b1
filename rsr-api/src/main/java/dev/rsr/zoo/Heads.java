package dev.rsr.zoo;

import dev.rsr.error.ModelException;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Dim;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Shape;
import dev.rsr.ir.ValueInfo;
import dev.rsr.ir.builder.GraphBuilder;
import java.util.List;

/**
 * Task heads added on top of an encoder (a model with a {@code float[batch, sequence, dim]}
 * output and an {@code attention_mask} input): any encoder, the zoo's or a pretrained one.
 */
public final class Heads {
    /** Input of {@link #maskedTokenPrediction}: flat positions ({@code batch_index × sequence + t}) to predict. */
    public static final String MLM_POSITIONS = "mlm_positions";
    public static final String MLM_LOGITS = "mlm_logits";

    private Heads() {
    }

    /**
     * Masked mean pooling and a linear head: outputs {@code logits} and {@code probabilities}
     * ({@code float[batch, classes]}), parameters {@code head.weight}, {@code head.bias} in group
     * {@code head}.
     */
    public static ModelGraph classifier(ModelGraph encoder, String hiddenOutput, int classes, long seed) {
        long dim = hiddenDim(encoder, hiddenOutput);
        String name = encoder.graph().name();
        GraphBuilder b = GraphBuilder.extend(encoder, (name.endsWith("_encoder") ? name.substring(0, name.length() - 8) : name)
                + "_classifier", seed);
        String pooled = b.maskedMeanPool("pool", hiddenOutput, TextClassifier.ATTENTION_MASK);
        b.group("head");
        String logits = b.dense("head", pooled, dim, classes);
        String probabilities = b.softmax("head.softmax", logits);
        Dim batch = Dim.symbolic("batch");
        b.output(logits, TextClassifier.LOGITS, DataType.FLOAT, batch, Dim.of(classes));
        b.output(probabilities, TextClassifier.PROBABILITIES, DataType.FLOAT, batch, Dim.of(classes));
        return b.build();
    }

    /**
     * A masked-token head for pretraining: gathers the hidden states at {@link #MLM_POSITIONS}
     * (int64 {@code [positions]}, flat over the batch) and predicts a token for each,
     * {@link #MLM_LOGITS} {@code float[positions, vocab]}. Parameters in group {@code mlm_head}.
     */
    public static ModelGraph maskedTokenPrediction(ModelGraph encoder, String hiddenOutput, int vocabSize, long seed) {
        long dim = hiddenDim(encoder, hiddenOutput);
        GraphBuilder b = GraphBuilder.extend(encoder, encoder.graph().name() + "_mlm", seed);
        Dim positions = Dim.symbolic("positions");
        String where = b.input(MLM_POSITIONS, DataType.INT64, positions);
        b.group("mlm_head");
        String flat = b.op("mlm.flatten", "Reshape", List.of(hiddenOutput,
                b.constant("mlm.flat_shape", dev.rsr.ir.TensorData.vectorOfLongs(-1, dim))));
        String picked = b.op("mlm.gather", "Gather", List.of(flat, where), dev.rsr.ir.Attribute.of("axis", 0L));
        String transformed = b.layerNorm("mlm_head.ln", b.gelu("mlm_head.gelu", b.dense("mlm_head.transform", picked, dim, dim)), dim);
        String logits = b.dense("mlm_head.decoder", transformed, dim, vocabSize);
        b.output(logits, MLM_LOGITS, DataType.FLOAT, positions, Dim.of(vocabSize));
        return b.build();
    }

    /** The size of the last dimension of an encoder output, which must be fixed. */
    public static long hiddenDim(ModelGraph encoder, String hiddenOutput) {
        ValueInfo v = encoder.graph().output(hiddenOutput).orElseThrow(() -> new ModelException("the encoder has no output '"
                + hiddenOutput + "' (outputs: " + encoder.graph().outputs().stream().map(ValueInfo::name).toList() + ")"));
        Shape s = v.shape();
        if (v.type() != DataType.FLOAT || !s.hasRank() || s.rank() != 3 || !s.dim(2).isFixed()) {
            throw new ModelException("encoder output '" + hiddenOutput + "' must be float[batch, sequence, dim] with a fixed dim, but is " + v);
        }
        if (encoder.graph().input(TextClassifier.ATTENTION_MASK).isEmpty()) {
            throw new ModelException("the encoder has no input '" + TextClassifier.ATTENTION_MASK + "' to pool by");
        }
        return s.dim(2).size();
    }
}
