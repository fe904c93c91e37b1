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

/**
 * Builds the raw TensorFlow ops of the training graph in one scope, so their names stay unique.
 * Ops are grouped by a name prefix, not by TensorFlow sub-scopes: creating a sub-scope walks every
 * op already in the graph, which made building the training graph of a 5-million-parameter model
 * take half a minute.
 */
final class TrainingOps {
    private final Scope scope;
    private final String prefix;
    private final java.util.Map<Float, Output<?>> scalars;

    TrainingOps(Scope scope) {
        this(scope, "", new java.util.HashMap<>());
    }

    private TrainingOps(Scope scope, String prefix, java.util.Map<Float, Output<?>> scalars) {
        this.scope = scope;
        this.prefix = prefix;
        this.scalars = scalars;
    }

    /** A variable that the host can set (placeholder + assign) and the graph can initialize (fill). */
    record Variable(String name, Output<?> ref, Output<?> value, Operation assign, Operation initialize, long[] shape) {
    }

    /** Ops whose names start with {@code name}. */
    TrainingOps sub(String name) {
        return new TrainingOps(scope, prefix + GraphCompiler.opName(name) + "_", scalars);
    }

    private String named(String name) {
        return prefix + name;
    }

    Output<?> op(String type, Output<?>... inputs) {
        return builder(type, inputs).build().output(0);
    }

    OperationBuilder builder(String type, Output<?>... inputs) {
        OperationBuilder b = scope.opBuilder(type, named(type));
        for (Output<?> in : inputs) {
            b.addInput(in);
        }
        return b;
    }

    Output<?> constant(TensorData value) {
        return TfGraphs.constant(scope, named("const"), value);
    }

    /** A float scalar constant, one op per value in the whole graph. */
    Output<?> scalar(double value) {
        return scalars.computeIfAbsent((float) value, v -> constant(TensorData.scalarFloat(v)));
    }

    Output<?> scalarPlaceholder(String name) {
        return scope.opBuilder("Placeholder", named(name)).setAttr("dtype", DT_FLOAT).setAttr("shape", Shape.scalar()).build().output(0);
    }

    /** Every axis of {@code x}, as int32 (reductions' gradients need int32 axes). */
    Output<?> allAxes(Output<?> x) {
        return op("Range", constant(TensorData.ofInts(new long[0], 0)), op("Rank", x), constant(TensorData.ofInts(new long[0], 1)));
    }

    /** {@code Σ x²} over every axis, a scalar: one pass over {@code x} (L2Loss is Σ x² / 2), no squared copy. */
    Output<?> sumOfSquares(Output<?> x) {
        return op("Mul", op("L2Loss", x), scalar(2));
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
        TrainingOps s = new TrainingOps(scope, GraphCompiler.opName(name) + "_", scalars);
        Output<?> ref = scope.opBuilder("VariableV2", s.named("variable")).setAttr("dtype", DT_FLOAT).setAttr("shape", Shape.of(shape))
                .build().output(0);
        Output<?> value = scope.opBuilder("Placeholder", s.named("value")).setAttr("dtype", DT_FLOAT).setAttr("shape", Shape.of(shape))
                .build().output(0);
        Operation assign = scope.opBuilder("Assign", s.named("assign")).addInput(ref).addInput(value).build();
        Output<?> filled = s.op("Fill", s.constant(TensorData.vectorOfLongs(shape)), s.scalar(fill));
        Operation initialize = scope.opBuilder("Assign", s.named("initialize")).addInput(ref).addInput(filled).build();
        return new Variable(name, ref, value, assign, initialize, shape);
    }

    /**
     * A variable of any shape and the given type, never initialized: a stash whose size varies by
     * step (the rows a batch gathered), set by {@link #assignAnyShape} before anything reads it.
     */
    Output<?> stash(String name, org.tensorflow.proto.DataType type) {
        return scope.opBuilder("VariableV2", GraphCompiler.opName(name) + "_variable").setAttr("dtype", type)
                .setAttr("shape", Shape.unknown()).build().output(0);
    }

    /** {@code target ← value}, whatever their shapes: for {@link #stash} variables. */
    Operation assignAnyShape(Output<?> target, Output<?> value) {
        return builder("Assign", target, value).setAttr("validate_shape", false).build();
    }

    /** An op that runs when all of {@code ops} have run. */
    Operation group(String name, Iterable<Operation> ops) {
        OperationBuilder b = scope.opBuilder("NoOp", named(GraphCompiler.opName(name)));
        ops.forEach(b::addControlInput);
        return b.build();
    }
}
