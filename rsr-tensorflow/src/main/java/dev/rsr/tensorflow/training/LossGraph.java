package dev.rsr.tensorflow.training;

import static org.tensorflow.proto.DataType.DT_FLOAT;
import static org.tensorflow.proto.DataType.DT_INT64;

import dev.rsr.error.ConfigurationException;
import dev.rsr.error.DataException;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.DataType;
import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.TfTensors;
import dev.rsr.tensorflow.compiler.CompiledModel;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import java.util.List;
import java.util.Map;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;

/** The loss of a compiled model and the feeding of batches into it, with the batch checked first. */
final class LossGraph {
    private final CompiledModel compiled;
    private final LossSpec spec;
    private final Output<?> targets;
    private final Output<?> loss;

    LossGraph(CompiledModel compiled, LossSpec spec, TrainingOps ops) {
        this.compiled = compiled;
        this.spec = spec;
        Output<?> prediction = compiled.value(spec.output());
        if (spec.kind() == LossSpec.Kind.SOFTMAX_CROSS_ENTROPY) {
            this.targets = ops.builder("Placeholder").setAttr("dtype", DT_INT64).setAttr("shape", Shape.of(-1)).build().output(0);
            this.loss = crossEntropy(ops, prediction);
        } else {
            this.targets = ops.builder("Placeholder").setAttr("dtype", DT_FLOAT).setAttr("shape", prediction.shape()).build().output(0);
            Output<?> diff = ops.op("Sub", prediction, targets);
            Output<?> squared = ops.op("Mul", diff, diff);
            this.loss = ops.op("Mean", squared, ops.allAxes(squared));
        }
    }

    private Output<?> crossEntropy(TrainingOps ops, Output<?> prediction) {
        Shape s = prediction.shape();
        if (s.isUnknown() || s.numDimensions() != 2) {
            throw new ConfigurationException("cross-entropy needs logits of shape [batch, classes]; output '" + spec.output()
                    + "' has shape " + s);
        }
        // The class count is fixed for a classifier, but a contrastive head scores every row of the batch.
        Output<?> depth = s.get(1) > 0 ? ops.constant(TensorData.ofInts(new long[0], (int) s.get(1)))
                : ops.op("Reshape", ops.op("Slice", ops.op("Shape", prediction), ops.constant(TensorData.ofInts(new long[] {1}, 1)),
                        ops.constant(TensorData.ofInts(new long[] {1}, 1))), ops.constant(TensorData.ofInts(new long[] {0})));
        // The sparse cross-entropy op has no gradient in TensorFlow Java: one-hot labels, dense op.
        Output<?> oneHot = ops.op("OneHot", targets, depth, ops.scalar(1), ops.scalar(0));
        Output<?> perExample = ops.op("SoftmaxCrossEntropyWithLogits", prediction, oneHot);
        return ops.op("Mean", perExample, ops.constant(TensorData.ofInts(new long[] {1}, 0)));
    }

    /** The scalar loss. */
    Output<?> loss() {
        return loss;
    }

    /** Feeds the model's inputs, checked against its declared inputs; the tensors made are added to {@code tensors}. */
    Session.Runner feedInputs(Session.Runner runner, Map<String, TensorData> inputs, List<Tensor> tensors) {
        Predictor.checkInputs(compiled.model().graph().feedInputs(), inputs);
        for (Map.Entry<String, TensorData> e : inputs.entrySet()) {
            Tensor t = TfTensors.toTensor(e.getValue(), "input '" + e.getKey() + "'");
            tensors.add(t);
            runner.feed(compiled.inputs().get(e.getKey()), t);
        }
        return runner;
    }

    /** Feeds a batch's inputs and targets, after checking the targets fit the loss. */
    Session.Runner feed(Session.Runner runner, Batch batch, List<Tensor> tensors) {
        feedInputs(runner, batch.inputs(), tensors);
        TensorData y = batch.targets();
        if (spec.kind() == LossSpec.Kind.SOFTMAX_CROSS_ENTROPY) {
            if (y.type() != DataType.INT64 || y.rank() != 1) {
                throw new DataException("targets '" + spec.target() + "' must be int64 class ids of shape [batch], got " + y);
            }
            // An unknown class count (a contrastive head's, known at run time) is checked from below only.
            long classes = compiled.value(spec.output()).shape().get(1);
            for (long label : y.longs()) {
                if (label < 0 || (classes > 0 && label >= classes)) {
                    throw new DataException("target class " + label + " is outside [0, " + (classes > 0 ? classes : "the class count") + ")");
                }
            }
        } else if (y.type() != DataType.FLOAT) {
            throw new DataException("targets '" + spec.target() + "' must be float, got " + y.type().onnxName());
        }
        Tensor t = TfTensors.toTensor(y, "targets");
        tensors.add(t);
        return runner.feed(targets, t);
    }
}
