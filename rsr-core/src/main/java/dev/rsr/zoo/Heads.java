package dev.rsr.zoo;

import dev.rsr.error.ModelException;
import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Dim;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Shape;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.ir.builder.GraphBuilder;
import java.util.Arrays;
import java.util.List;

/**
 * Task heads added on top of an encoder (a model with a {@code float[batch, sequence, dim]}
 * output and an {@code attention_mask} input): any encoder, the zoo's or a pretrained one.
 */
public final class Heads {
    /** The parameter group (and task module) of a classifier head. */
    public static final String CLASSIFIER_GROUP = "head";

    /** Input of {@link #maskedTokenPrediction}: flat positions ({@code batch_index × sequence + t}) to predict. */
    public static final String MLM_POSITIONS = "mlm_positions";
    public static final String MLM_LOGITS = "mlm_logits";
    /** Input of {@link #pairContrast}: added to the similarity logits, a large negative number where a row must not match. */
    public static final String CONTRAST_BIAS = "contrast_bias";
    public static final String CONTRAST_LOGITS = "contrast_logits";

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
        b.group(CLASSIFIER_GROUP);
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
                b.constant("mlm.flat_shape", TensorData.vectorOfLongs(-1, dim))));
        String picked = b.op("mlm.gather", "Gather", List.of(flat, where), Attribute.of("axis", 0L));
        String transformed = b.layerNorm("mlm_head.ln", b.gelu("mlm_head.gelu", b.dense("mlm_head.transform", picked, dim, dim)), dim);
        String logits = b.dense("mlm_head.decoder", transformed, dim, vocabSize);
        b.output(logits, MLM_LOGITS, DataType.FLOAT, positions, Dim.of(vocabSize));
        return b.build();
    }

    /**
     * A contrastive head for pretraining: the masked mean of the hidden states (what
     * {@link #classifier} reads), scaled to unit length; {@link #CONTRAST_LOGITS}
     * {@code float[rows, rows]} holds every row's cosine similarity to every row divided by
     * {@code temperature}, plus {@link #CONTRAST_BIAS} {@code float[rows, rows]}. No parameters:
     * all learning happens in the encoder. Built from opset-11 ops.
     */
    public static ModelGraph pairContrast(ModelGraph encoder, String hiddenOutput, double temperature, long seed) {
        long dim = hiddenDim(encoder, hiddenOutput);
        GraphBuilder b = GraphBuilder.extend(encoder, encoder.graph().name() + "_contrast", seed);
        Dim rows = Dim.symbolic("rows");
        String bias = b.input(CONTRAST_BIAS, DataType.FLOAT, rows, rows);
        String pooled = b.maskedMeanPool("contrast.pool", hiddenOutput, TextClassifier.ATTENTION_MASK);
        String squares = b.op("contrast.square", "Mul", List.of(pooled, pooled));
        float[] ones = new float[(int) dim];
        Arrays.fill(ones, 1f);
        String sumOfSquares = b.op("contrast.sum_squares", "MatMul", List.of(squares,
                b.constant("contrast.ones", TensorData.ofFloats(new long[] {dim, 1}, ones))));
        String norm = b.op("contrast.norm", "Sqrt", List.of(b.op("contrast.eps", "Add", List.of(sumOfSquares,
                b.constant("contrast.epsilon", TensorData.scalarFloat(1e-12f))))));
        String unit = b.op("contrast.unit", "Div", List.of(pooled, norm));
        String cosines = b.op("contrast.cosines", "MatMul", List.of(unit, b.op("contrast.transpose", "Transpose", List.of(unit),
                Attribute.ofInts("perm", 1, 0))));
        String scaled = b.op("contrast.scale", "Mul", List.of(cosines,
                b.constant("contrast.inverse_temperature", TensorData.scalarFloat((float) (1 / temperature)))));
        String logits = b.op("contrast.bias", "Add", List.of(scaled, bias));
        b.output(logits, CONTRAST_LOGITS, DataType.FLOAT, rows, rows);
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
