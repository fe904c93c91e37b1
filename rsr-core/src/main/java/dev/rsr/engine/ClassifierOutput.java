package dev.rsr.engine;

import dev.rsr.error.ModelException;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Dim;
import dev.rsr.ir.Graph;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Shape;
import dev.rsr.ir.ValueInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The output a classifier is trained against: float logits {@code [batch, classes]} with a fixed
 * number of classes.
 *
 * @param name    the output's name
 * @param classes the number of classes (its second dimension)
 */
public record ClassifierOutput(String name, int classes) {
    /**
     * The output named {@code requested}, or (when it is null) the model's only float output of
     * shape {@code [batch, classes]}.
     *
     * @throws ModelException naming the outputs when the requested one is not a logits output, or when
     *                        there is no candidate or more than one
     */
    public static ClassifierOutput of(ModelGraph model, String requested) {
        List<ValueInfo> outputs = model.graph().outputs();
        if (requested != null) {
            ValueInfo v = outputs.stream().filter(o -> o.name().equals(requested)).findFirst().orElseThrow(() -> new ModelException(
                    "the model has no output '" + requested + "' (outputs: " + describe(outputs) + ")"));
            if (!isLogits(v)) {
                throw new ModelException("output '" + requested + "' is " + v.type().onnxName() + v.shape()
                        + ", not float logits [batch, classes] with a fixed number of classes");
            }
            return new ClassifierOutput(v.name(), (int) v.shape().dim(1).size());
        }
        List<ValueInfo> candidates = outputs.stream().filter(ClassifierOutput::isLogits).toList();
        if (candidates.size() == 1) {
            return new ClassifierOutput(candidates.get(0).name(), (int) candidates.get(0).shape().dim(1).size());
        }
        throw new ModelException(candidates.isEmpty()
                ? "the model has no float output of shape [batch, classes] to train against (outputs: " + describe(outputs) + ")"
                : "the model has " + candidates.size() + " float outputs of shape [batch, classes] (" + describe(candidates)
                        + "); name the one that holds the logits");
    }

    private static boolean isLogits(ValueInfo v) {
        return v.type() == DataType.FLOAT && v.shape().hasRank() && v.shape().rank() == 2 && v.shape().dim(1).isFixed()
                && v.shape().dim(1).size() >= 2 && v.shape().dim(1).size() <= Integer.MAX_VALUE;
    }

    private static String describe(List<ValueInfo> values) {
        List<String> out = new ArrayList<>();
        for (ValueInfo v : values) {
            out.add(v.name() + ": " + v.type().onnxName() + v.shape());
        }
        return String.join(", ", out);
    }

    /**
     * The model with a symbolic {@code batch} first dimension on its fed inputs and its outputs
     * where they declare a fixed one (exporters often write the batch size they traced with), so
     * it trains and serves on batches of any size. Intermediate shape annotations are dropped, as
     * they may carry the traced size too. The same model when nothing is fixed.
     */
    public static ModelGraph batchFirst(ModelGraph model) {
        Graph g = model.graph();
        boolean fixed = g.feedInputs().stream().anyMatch(ClassifierOutput::fixedFirst);
        if (!fixed) {
            return model;
        }
        java.util.Set<String> fed = new java.util.HashSet<>(g.feedInputs().stream().map(ValueInfo::name).toList());
        List<ValueInfo> inputs = g.inputs().stream().map(v -> fed.contains(v.name()) ? relaxed(v) : v).toList();
        List<ValueInfo> outputs = g.outputs().stream().map(ClassifierOutput::relaxed).toList();
        Graph relaxed = new Graph(g.name(), inputs, outputs, g.initializers(), g.nodes(), List.of(), g.docString());
        return new ModelGraph(relaxed, model.metadata()).validate();
    }

    private static boolean fixedFirst(ValueInfo v) {
        return v.shape().hasRank() && v.shape().rank() > 0 && v.shape().dim(0).isFixed();
    }

    private static ValueInfo relaxed(ValueInfo v) {
        if (!fixedFirst(v)) {
            return v;
        }
        List<Dim> dims = new ArrayList<>(v.shape().dims());
        dims.set(0, Dim.symbolic("batch"));
        return new ValueInfo(v.name(), v.type(), Shape.of(dims));
    }
}
