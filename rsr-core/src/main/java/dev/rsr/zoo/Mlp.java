package dev.rsr.zoo;

import dev.rsr.ir.DataType;
import dev.rsr.ir.Dim;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.builder.GraphBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-layer perceptron classifier. Input {@code features: float[batch, inputs]}; outputs
 * {@code logits} and {@code probabilities}, both {@code float[batch, classes]}. Parameter groups:
 * {@code layer1 … layerN} and {@code head}.
 *
 * @param inputs  number of input features
 * @param hidden  widths of the hidden ReLU layers (may be empty)
 * @param classes number of classes
 * @param seed    initialization seed
 */
public record Mlp(int inputs, List<Integer> hidden, int classes, long seed) {
    public static final String INPUT = "features";

    public Mlp {
        hidden = List.copyOf(hidden);
        List<String> problems = new ArrayList<>();
        ZooChecks.positive(problems, "inputs", inputs);
        ZooChecks.atLeast(problems, "classes", classes, 2);
        long width = inputs;
        String widthName = "inputs";
        for (int i = 0; i < hidden.size(); i++) {
            ZooChecks.positive(problems, "hidden[" + i + "]", hidden.get(i));
            ZooChecks.fits(problems, widthName + " x hidden[" + i + "]", width, hidden.get(i));
            width = hidden.get(i);
            widthName = "hidden[" + i + "]";
        }
        ZooChecks.fits(problems, widthName + " x classes", width, classes);
        ZooChecks.throwIfAny("mlp", problems);
    }

    /** 16 inputs, one hidden layer of 32, 3 classes, seed 42. */
    public static Mlp defaults() {
        return new Mlp(16, List.of(32), 3, 42);
    }

    public ModelGraph build() {
        GraphBuilder b = new GraphBuilder("mlp", seed);
        Dim batch = Dim.symbolic("batch");
        String x = b.input(INPUT, DataType.FLOAT, batch, Dim.of(inputs));
        long width = inputs;
        for (int i = 0; i < hidden.size(); i++) {
            String layer = "layer" + (i + 1);
            b.group(layer);
            x = b.relu(layer + ".relu", b.dense(layer, x, width, hidden.get(i)));
            width = hidden.get(i);
        }
        b.group("head");
        String logits = b.dense("head", x, width, classes);
        String probabilities = b.softmax("head.softmax", logits);
        b.output(logits, TextClassifier.LOGITS, DataType.FLOAT, batch, Dim.of(classes));
        b.output(probabilities, TextClassifier.PROBABILITIES, DataType.FLOAT, batch, Dim.of(classes));
        return b.build();
    }
}
