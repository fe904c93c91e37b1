package dev.rsr.tensorflow.training;

import static org.tensorflow.proto.DataType.DT_FLOAT;

import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.TfGraphs;
import dev.rsr.tensorflow.compiler.GraphCompiler;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Scope;

/** Builds the raw TensorFlow ops of the training graph in one scope, so their names stay unique. */
final class TrainingOps {
    private final Scope scope;

    TrainingOps(Scope scope) {
        this.scope = scope;
    }

    /** A variable that the host can set (placeholder + assign) and the graph can initialize (fill). */
    record Variable(String name, Output<?> ref, Output<?> value, Operation assign, Operation initialize, long[] shape) {
    }

    TrainingOps sub(String name) {
        return new TrainingOps(scope.withSubScope(GraphCompiler.opName(name)));
    }

    Output<?> op(String type, Output<?>... inputs) {
        return builder(type, inputs).build().output(0);
    }

    OperationBuilder builder(String type, Output<?>... inputs) {
        OperationBuilder b = scope.opBuilder(type, type);
        for (Output<?> in : inputs) {
            b.addInput(in);
        }
        return b;
    }

    Output<?> constant(TensorData value) {
        return TfGraphs.constant(scope, value);
    }

    Output<?> scalar(double value) {
        return constant(TensorData.scalarFloat((float) value));
    }

    Output<?> scalarPlaceholder(String name) {
        return scope.opBuilder("Placeholder", name).setAttr("dtype", DT_FLOAT).setAttr("shape", Shape.scalar()).build().output(0);
    }

    /** Every axis of {@code x}, as int32 (reductions' gradients need int32 axes). */
    Output<?> allAxes(Output<?> x) {
        return op("Range", constant(TensorData.ofInts(new long[0], 0)), op("Rank", x), constant(TensorData.ofInts(new long[0], 1)));
    }

    /** {@code Σ x} over every axis, a scalar. */
    Output<?> sumAll(Output<?> x) {
        return op("Sum", x, allAxes(x));
    }

    /** {@code target ← value}; the output is the variable after the assignment. */
    Output<?> assign(Output<?> target, Output<?> value) {
        return builder("Assign", target, value).build().output(0);
    }

    /** A float variable of a fixed shape whose in-graph initialization fills it with {@code fill}. */
    Variable variable(String name, long[] shape, float fill) {
        Scope s = scope.withSubScope(GraphCompiler.opName(name));
        Output<?> ref = s.opBuilder("VariableV2", "variable").setAttr("dtype", DT_FLOAT).setAttr("shape", Shape.of(shape))
                .build().output(0);
        Output<?> value = s.opBuilder("Placeholder", "value").setAttr("dtype", DT_FLOAT).setAttr("shape", Shape.of(shape))
                .build().output(0);
        Operation assign = s.opBuilder("Assign", "assign").addInput(ref).addInput(value).build();
        Output<?> filled = s.opBuilder("Fill", "fill").addInput(TfGraphs.constant(s, TensorData.vectorOfLongs(shape)))
                .addInput(TfGraphs.constant(s, TensorData.scalarFloat(fill))).build().output(0);
        Operation initialize = s.opBuilder("Assign", "initialize").addInput(ref).addInput(filled).build();
        return new Variable(name, ref, value, assign, initialize, shape);
    }

    /** An op that runs when all of {@code ops} have run. */
    Operation group(String name, Iterable<Operation> ops) {
        OperationBuilder b = scope.opBuilder("NoOp", GraphCompiler.opName(name));
        ops.forEach(b::addControlInput);
        return b.build();
    }
}
