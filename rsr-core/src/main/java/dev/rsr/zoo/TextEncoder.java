package dev.rsr.zoo;

import dev.rsr.ir.DataType;
import dev.rsr.ir.Dim;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.builder.GraphBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * A transformer encoder: token and position embeddings, {@code layers} pre-norm blocks and a
 * final layer norm. Inputs {@code input_ids} and {@code attention_mask}
 * ({@code int64[batch, sequence]}); output {@code hidden} ({@code float[batch, sequence, dim]}).
 * Parameter groups {@code embeddings}, {@code encoder.layer1 … N}, {@code encoder.final}. The
 * body of {@link TextClassifier} and what pretraining trains.
 */
public record TextEncoder(int vocabSize, int dim, int layers, int heads, int ffnDim, int maxLength, long seed) {
    public static final String HIDDEN = "hidden";

    public TextEncoder {
        ZooChecks.throwIfAny("text encoder", problems(vocabSize, dim, layers, heads, ffnDim, maxLength));
    }

    /** What is wrong with these settings, each naming its field (shared with {@link TextClassifier}). */
    static List<String> problems(int vocabSize, int dim, int layers, int heads, int ffnDim, int maxLength) {
        List<String> problems = new ArrayList<>();
        ZooChecks.atLeast(problems, "vocab", vocabSize, 2);
        ZooChecks.positive(problems, "dim", dim);
        ZooChecks.atLeast(problems, "layers", layers, 0);
        ZooChecks.positive(problems, "heads", heads);
        ZooChecks.positive(problems, "ffn-dim", ffnDim);
        ZooChecks.positive(problems, "max-length", maxLength);
        ZooChecks.fits(problems, "vocab x dim", vocabSize, dim);
        ZooChecks.fits(problems, "dim x ffn-dim", dim, ffnDim);
        ZooChecks.fits(problems, "dim x dim", dim, dim);
        ZooChecks.fits(problems, "max-length x dim", maxLength, dim);
        if (dim > 0 && heads > 0 && dim % heads != 0) {
            problems.add("heads (" + heads + ") must divide dim (" + dim + ")");
        }
        return problems;
    }

    public ModelGraph build() {
        GraphBuilder b = new GraphBuilder("text_encoder", seed);
        Dim batch = Dim.symbolic("batch");
        Dim sequence = Dim.symbolic("sequence");
        String ids = b.input(TextClassifier.INPUT_IDS, DataType.INT64, batch, sequence);
        String mask = b.input(TextClassifier.ATTENTION_MASK, DataType.INT64, batch, sequence);

        b.group("embeddings");
        String tokens = b.embedding("embeddings.token", ids, vocabSize, dim);
        String positions = b.positionEmbedding("embeddings.position", ids, maxLength, dim);
        String x = b.op("embeddings.sum", "Add", List.of(tokens, positions));

        String bias = b.attentionBias("encoder.mask", mask);
        for (int i = 1; i <= layers; i++) {
            String layer = "encoder.layer" + i;
            b.group(layer);
            x = b.transformerEncoderBlock(layer, x, bias, dim, heads, ffnDim);
        }
        b.group("encoder.final");
        x = b.layerNorm("encoder.final.ln", x, dim);
        b.output(x, HIDDEN, DataType.FLOAT, batch, sequence, Dim.of(dim));
        return b.build();
    }
}
