package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.compiler.CompiledModel;
import dev.rsr.tensorflow.compiler.ConverterRegistry;
import dev.rsr.tensorflow.compiler.GraphCompiler;
import dev.rsr.zoo.Mlp;
import dev.rsr.zoo.TextClassifier;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZooParityTest {
    @Test
    void mlpMatchesOnnxRuntime() {
        ModelGraph m = new Mlp(12, List.of(20, 10), 4, 3).build();
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[7 * 12];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        double d = Parity.maxAbsDiff(m, Map.of(Mlp.INPUT, TensorData.ofFloats(new long[] {7, 12}, x)));
        assertTrue(d <= 1e-5, "max abs difference " + d);
    }

    @Test
    void textClassifierMatchesOnnxRuntime() {
        TextClassifier config = new TextClassifier(97, 32, 2, 4, 64, 24, 5, 8);
        ModelGraph m = config.build();
        SplittableRandom r = new SplittableRandom(2);
        for (int[] bt : new int[][] {{1, 5}, {6, 24}, {3, 11}}) {
            int b = bt[0], t = bt[1];
            long[] ids = new long[b * t], mask = new long[b * t];
            for (int i = 0; i < b; i++) {
                int length = 1 + r.nextInt(t);
                for (int j = 0; j < t; j++) {
                    ids[i * t + j] = r.nextInt(97);
                    mask[i * t + j] = j < length ? 1 : 0;
                }
            }
            double d = Parity.maxAbsDiff(m, Map.of(TextClassifier.INPUT_IDS, TensorData.ofLongs(new long[] {b, t}, ids),
                    TextClassifier.ATTENTION_MASK, TensorData.ofLongs(new long[] {b, t}, mask)));
            assertTrue(d <= 1e-5, "batch " + b + " x " + t + ": max abs difference " + d);
        }
    }

    /**
     * A transformer's dense layers (activations [batch, sequence, dim] times a weight matrix) compile
     * to 2-D MatMuls, whose weight gradients are single products: no batched product broadcasts a
     * matrix. As broadcast BatchMatMuls the dense layers took most of a training step.
     */
    @Test
    void denseLayersCompileToTwoDimensionalMatMuls() {
        TextClassifier config = new TextClassifier(97, 32, 3, 4, 64, 24, 5, 8);
        try (CompiledModel compiled = new GraphCompiler(ConverterRegistry.discover()).compile(config.build())) {
            List<String> broadcast = new java.util.ArrayList<>();
            int matMuls = 0;
            for (var it = compiled.graph().operations(); it.hasNext(); ) {
                org.tensorflow.GraphOperation op = it.next();
                matMuls += op.type().equals("MatMul") ? 1 : 0;
                if (op.type().startsWith("BatchMatMul") && op.input(1).shape().numDimensions() == 2) {
                    broadcast.add(op.name());
                }
            }
            assertEquals(List.of(), broadcast);
            // q, k, v, output and two feed-forward projections per layer, and the head.
            assertEquals(6 * config.layers() + 1, matMuls);
        }
    }
}
