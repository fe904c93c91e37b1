package dev.rsr.tensorflow.training;

import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.compiler.CompiledModel;
import dev.rsr.training.OptimizerSpec;
import dev.rsr.training.Statistic;
import dev.rsr.training.TaskModule;
import dev.rsr.training.TrainingSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Operation;
import org.tensorflow.Output;

/**
 * Every op of training beyond the model and its loss, built once when the session opens, so the
 * graph never grows afterwards, whatever modules later steps choose.
 *
 * <p>The gradients of all trainable parameters are added in one call; TensorFlow runs only what a
 * fetch needs, so a step whose modules are near the output still does not differentiate the layers
 * below them. A step runs twice: the first run computes the loss and the active parameters'
 * gradients and stashes them in variables; the second applies the updates from the stash. Variables
 * are updated in place and reads may alias them, so no update may run while any gradient of the step
 * still reads a parameter; two runs keep that true without a per-module-set barrier, and let the host
 * refuse a step whose loss or gradients are not finite before anything changes.
 */
final class UpdateGraph {

    /**
     * The ops of one trainable parameter. {@code slots} (the optimizer's state) are what a snapshot
     * saves besides the parameter.
     * {@code gradient} is the whole gradient, for reading; a sparse table's step stashes and updates
     * only the rows its batch gathered.
     */
    record ParameterOps(String name, String module, long[] shape, Output<?> gradient, Operation stashOp,
                        List<TrainingOps.Variable> slots, TrainingOps.Variable multiplier,
                        Map<Statistic, TrainingOps.Variable> statistics, Operation observe, Operation update,
                        Operation updateWithoutStatistics) {
    }

    /**
     * The ops of one module: its fed scalars (learning rate and the optimizer's bias-correction
     * powers), {@code Σ g²} over its parameters (always: a step whose gradient is not finite is
     * refused), its signal (null unless the spec asks), and its snapshot and rollback.
     */
    record ModuleOps(String name, List<ParameterOps> parameters, Output<?> learningRate, Output<?> beta1Power,
                     Output<?> beta2Power, Output<?> gradientSquared, Output<?> signal, Operation snapshot, Operation rollback) {
    }

    private final Map<String, ParameterOps> parameters = new LinkedHashMap<>();
    private final Map<String, ModuleOps> modules = new LinkedHashMap<>();
    private final List<String> inert = new ArrayList<>();
    private final List<Operation> initializers = new ArrayList<>();
    private final Map<String, TrainingOps.Variable> state = new LinkedHashMap<>();

    UpdateGraph(CompiledModel compiled, TrainingSpec spec, Output<?> loss, TrainingOps ops) {
        Map<String, SparseTables.Table> tables = SparseTables.find(compiled, compiled.parameters().keySet(), spec.sparseTablesFrom());
        Map<String, Gradient> gradientOf = gradients(compiled, loss, tables, ops);
        for (TaskModule m : spec.modules()) {
            TrainingOps mops = ops.sub(m.name());
            Output<?> lr = mops.scalarPlaceholder("lr");
            Output<?> beta1Power = mops.scalarPlaceholder("beta1_power");
            Output<?> beta2Power = mops.scalarPlaceholder("beta2_power");
            List<ParameterOps> params = new ArrayList<>();
            List<Output<?>> squares = new ArrayList<>();
            List<Output<?>> signals = new ArrayList<>();
            List<Operation> snapshots = new ArrayList<>();
            List<Operation> rollbacks = new ArrayList<>();
            for (String p : m.parameters()) {
                Gradient g = gradientOf.get(p);
                if (g == null) {
                    inert.add(p); // The parameter does not influence the loss: nothing to update.
                    continue;
                }
                ParameterOps built = parameter(compiled.parameters().get(p), m.name(), g, spec, lr, beta1Power, beta2Power, mops.sub(p));
                params.add(built);
                parameters.put(p, built);
                squares.add(mops.sumOfSquares(g.values()));
                if (spec.moduleSignals()) {
                    signals.add(signal(built, compiled.parameters().get(p), spec.optimizer(), mops));
                }
                for (TrainingOps.Variable v : built.slots()) {
                    TrainingOps.Variable backup = mops.variable(v.name() + "#backup", v.shape(), 0);
                    snapshots.add(mops.assign(backup.ref(), v.ref()).op());
                    rollbacks.add(mops.assign(v.ref(), backup.ref()).op());
                }
                CompiledModel.Parameter param = compiled.parameters().get(p);
                TrainingOps.Variable backup = mops.variable(p + "#backup", built.shape(), 0);
                snapshots.add(mops.assign(backup.ref(), param.variable()).op());
                rollbacks.add(mops.assign(param.variable(), backup.ref()).op());
            }
            Output<?> signal = signals.isEmpty() ? null : signals.size() == 1 ? signals.get(0) : addN(mops, signals);
            Output<?> gradientSquared = squares.isEmpty() ? mops.scalar(0) : squares.size() == 1 ? squares.get(0) : addN(mops, squares);
            modules.put(m.name(), new ModuleOps(m.name(), List.copyOf(params), lr, beta1Power, beta2Power, gradientSquared, signal,
                    mops.group("snapshot", snapshots), mops.group("rollback", rollbacks)));
        }
    }

    /**
     * A parameter's gradient as the step sees it. Dense: {@code values} is the whole gradient and
     * {@code rows} null. Sparse (an embedding table): {@code values} holds one summed row per
     * distinct id in {@code rows}; {@code whole} scatters them into the table's shape for readers
     * of the whole gradient.
     */
    private record Gradient(Output<?> values, Output<?> rows, Output<?> whole) {
    }

    /**
     * The gradient of every trainable parameter that the loss depends on, in one call: a dense
     * parameter's at its read, a sparse table's at the outputs of its gathers, summed per row id.
     */
    private static Map<String, Gradient> gradients(CompiledModel compiled, Output<?> loss, Map<String, SparseTables.Table> tables,
                                                   TrainingOps ops) {
        List<String> names = new ArrayList<>(compiled.parameters().keySet());
        List<Output<?>> points = new ArrayList<>();
        for (String n : names) {
            SparseTables.Table t = tables.get(n);
            if (t == null) {
                points.add(compiled.parameters().get(n).read());
            } else {
                points.addAll(t.gathered());
            }
        }
        List<Output<?>> all = compiled.gradientsAt(loss, points);
        Map<String, Gradient> out = new LinkedHashMap<>();
        int at = 0;
        for (String n : names) {
            SparseTables.Table t = tables.get(n);
            if (t == null) {
                Output<?> g = all.get(at++);
                if (g != null) {
                    out.put(n, new Gradient(g, null, g));
                }
                continue;
            }
            TrainingOps tops = ops.sub(n + "#sparse");
            long[] rowShape = t.shape().clone();
            rowShape[0] = -1;
            List<Output<?>> ids = new ArrayList<>();
            List<Output<?>> rows = new ArrayList<>();
            for (int i = 0; i < t.gathered().size(); i++) {
                Output<?> g = all.get(at++);
                if (g != null) {
                    ids.add(tops.op("Reshape", tops.builder("Cast", t.indices().get(i)).setAttr("DstT", org.tensorflow.proto.DataType.DT_INT64)
                            .build().output(0), tops.constant(TensorData.vectorOfLongs(new long[] {-1}))));
                    rows.add(tops.op("Reshape", g, tops.constant(TensorData.vectorOfLongs(rowShape))));
                }
            }
            if (ids.isEmpty()) {
                continue;
            }
            // One summed row per distinct id: a scatter with repeated ids would keep only one of them.
            Operation unique = tops.builder("Unique", concat(tops, ids)).build();
            Output<?> distinct = unique.output(0);
            Output<?> summed = tops.op("UnsortedSegmentSum", concat(tops, rows), unique.output(1), tops.op("Size", distinct));
            out.put(n, new Gradient(summed, distinct, whole(tops, summed, distinct, t.rows())));
        }
        return out;
    }

    private static Output<?> concat(TrainingOps ops, List<Output<?>> xs) {
        return xs.size() == 1 ? xs.get(0) : ops.builder("ConcatV2").addInputList(xs.toArray(new Output<?>[0]))
                .addInput(ops.constant(TensorData.scalarLong(0))).build().output(0);
    }

    /** Rows of a table scattered into its whole shape, zero elsewhere. */
    private static Output<?> whole(TrainingOps ops, Output<?> rows, Output<?> ids, long tableRows) {
        return ops.op("UnsortedSegmentSum", rows, ids, ops.constant(TensorData.scalarLong(tableRows)));
    }

    /**
     * The rows of a sparse table and its slots that a step's batch gathered, where its update reads
     * and writes. {@code writes} collects the row writes, which nothing downstream depends on and the
     * update must therefore wait for.
     */
    private record Rows(TrainingOps ops, Output<?> ids, List<Operation> writes) {
        Output<?> read(Output<?> variable) {
            return ops.op("GatherV2", variable, ids, ops.constant(TensorData.scalarLong(0)));
        }

        /** {@code variable[ids] ← value}; returns the new value. */
        Output<?> write(Output<?> variable, Output<?> value) {
            writes.add(ops.builder("ScatterUpdate", variable, ids, value).build());
            return value;
        }

        /** {@code variable[ids] −= step} and the row writes, after {@code after} (the statistics, which read the parameter before it moves) unless null. */
        Operation subtract(Output<?> variable, Output<?> step, Operation after) {
            var builder = ops.builder("ScatterSub", variable, ids, step);
            List<Operation> all = new ArrayList<>(writes);
            all.add((after == null ? builder : builder.addControlInput(after)).build());
            return ops.group("update", all);
        }
    }

    private ParameterOps parameter(CompiledModel.Parameter param, String module, Gradient g, TrainingSpec spec, Output<?> lr,
                                   Output<?> beta1Power, Output<?> beta2Power, TrainingOps ops) {
        String p = param.name();
        long[] shape = param.read().shape().asArray();
        boolean sparse = g.rows() != null;
        // The step runs twice (see the class comment): the first stashes what the second applies.
        Output<?> gs;
        Output<?> ids = null;
        Operation stashOp;
        if (!sparse) {
            TrainingOps.Variable stash = ops.variable(p + "#gradient", shape, 0);
            stashOp = ops.assign(stash.ref(), g.values()).op();
            gs = stash.ref();
        } else {
            Output<?> rowStash = ops.stash(p + "#gradient_rows", org.tensorflow.proto.DataType.DT_FLOAT);
            Output<?> idStash = ops.stash(p + "#gradient_ids", org.tensorflow.proto.DataType.DT_INT64);
            stashOp = ops.group("stash", List.of(ops.assignAnyShape(rowStash, g.values()), ops.assignAnyShape(idStash, g.rows())));
            gs = rowStash;
            ids = idStash;
        }
        OptimizerSpec o = spec.optimizer();
        List<TrainingOps.Variable> slots = o.kind() == OptimizerSpec.Kind.ADAM
                ? List.of(keep(ops.variable(p + "#adam_m", shape, 0)), keep(ops.variable(p + "#adam_v", shape, 0)))
                : List.of(keep(ops.variable(p + "#momentum", shape, 0)));
        TrainingOps.Variable multiplier = spec.updateMultipliers() ? keep(ops.variable(p + "#multiplier", shape, 1)) : null;

        // Running statistics read the stashed gradient and the parameter before its update. They
        // decay every element each step, so a sparse table's stashed rows are scattered whole here.
        Map<Statistic, TrainingOps.Variable> statistics = new EnumMap<>(Statistic.class);
        List<Operation> statisticUpdates = new ArrayList<>();
        Output<?> gw = spec.statistics().isEmpty() || !sparse ? gs : whole(ops, gs, ids, shape[0]);
        Output<?> w = param.variable();
        Output<?> decay = ops.scalar(spec.statisticsDecay());
        Output<?> rest = ops.scalar(1 - spec.statisticsDecay());
        Output<?> saliency = null;
        for (Statistic s : spec.statistics()) {
            statistics.put(s, keep(ops.variable(p + "#" + s.key(), shape, 0)));
        }
        // |w·g| once for saliency and its deviation: without Grappler, TensorFlow computes a repeated expression twice.
        Output<?> absWg = statistics.containsKey(Statistic.SALIENCY) ? ops.op("Abs", ops.op("Mul", w, gw)) : null;
        for (Statistic s : statistics.keySet()) {
            TrainingOps.Variable v = statistics.get(s);
            Output<?> updated = switch (s) {
                case SQUARED_GRADIENT -> ops.assign(v.ref(), ema(ops, v.ref(), ops.op("Mul", gw, gw), decay, rest));
                case ABSOLUTE_GRADIENT -> ops.assign(v.ref(), ema(ops, v.ref(), ops.op("Abs", gw), decay, rest));
                case SALIENCY -> saliency = ops.assign(v.ref(), ema(ops, v.ref(), absWg, decay, rest));
                case SALIENCY_DEVIATION -> ops.assign(v.ref(), ema(ops, v.ref(), ops.op("Abs", ops.op("Sub", absWg, saliency)), decay, rest));
                case MOVEMENT -> ops.assign(v.ref(), ops.op("Sub", v.ref(), ops.op("Mul", w, gw)));
            };
            statisticUpdates.add(updated.op());
        }
        Operation observe = ops.group("observe", statisticUpdates);

        Output<?> variable = param.variable();
        // Masks and boosts act on the update, not the gradient: Adam would normalise a scaled gradient
        // back, and its momentum would keep moving a masked element. The optimizer's moments follow
        // every element's gradient, masked or not, so every element shares its module's step count
        // and bias correction, and an element of a dense tensor that a refresh admits again takes the
        // step Adam gives it now. (A sparse table's moments move only on the rows a batch gathers, as
        // lazy Adam's do: a row first gathered late starts from zero moments.)
        // Two ways to apply the same step: after the statistics update, or without it (a step the
        // caller leaves out of the statistics); the update itself is shared.
        Function<Operation, Operation> updateAfter;
        if (!sparse) {
            if (multiplier == null) {
                updateAfter = fusedOn(ops, o, variable, slots, beta1Power, beta2Power, lr, gs);
            } else {
                // TensorFlow's fused op steps a copy of the parameter (one pass, where the same update
                // in elementwise ops took about 25), and the parameter moves by its multiplier times
                // that step, written once: w ← w − u·(w − w_stepped). A masked element (u = 0) keeps w
                // exactly. The step is recovered in float32, so a step below half an ulp of w is lost.
                TrainingOps.Variable copy = ops.variable(p + "#stepped", shape, 0);
                updateAfter = after -> {
                    var copying = ops.builder("Assign", copy.ref(), variable);
                    Operation copied = (after == null ? copying : copying.addControlInput(after)).build();
                    Output<?> stepped = fusedOn(ops, o, copy.ref(), slots, beta1Power, beta2Power, lr, gs).apply(copied).output(0);
                    return ops.builder("AssignSub", variable, ops.op("Mul", multiplier.ref(), ops.op("Sub", variable, stepped))).build();
                };
            }
        } else {
            // A sparse table moves only the rows its batch gathered, in elementwise ops.
            Rows at = new Rows(ops, ids, new ArrayList<>());
            Output<?> u = multiplier == null ? null : at.read(multiplier.ref());
            Output<?> step;
            if (o.kind() == OptimizerSpec.Kind.ADAM) {
                Output<?> m = slots.get(0).ref(), v = slots.get(1).ref();
                Output<?> mNew = at.write(m, moved(ops, at.read(m), gs, 1 - o.beta1()));
                Output<?> vNew = at.write(v, moved(ops, at.read(v), ops.op("Mul", gs, gs), 1 - o.beta2()));
                // ApplyAdam's form: lr · √(1 − β2^t) / (1 − β1^t) · m / (√v + ε), the powers fed per module.
                Output<?> rate = ops.op("Mul", lr, ops.op("RealDiv", ops.op("Sqrt", ops.op("Sub", ops.scalar(1), beta2Power)),
                        ops.op("Sub", ops.scalar(1), beta1Power)));
                Output<?> direction = ops.op("RealDiv", mNew, ops.op("Add", ops.op("Sqrt", vNew), ops.scalar(o.epsilon())));
                step = ops.op("Mul", rate, u == null ? direction : ops.op("Mul", u, direction));
            } else {
                Output<?> acc = slots.get(0).ref();
                Output<?> accNew = at.write(acc, ops.op("Add", ops.op("Mul", at.read(acc), ops.scalar(o.momentum())), gs));
                step = ops.op("Mul", lr, u == null ? accNew : ops.op("Mul", u, accNew));
            }
            Output<?> rowStep = step;
            updateAfter = after -> at.subtract(variable, rowStep, after);
        }
        Operation update = updateAfter.apply(observe);
        Operation updateAlone = statistics.isEmpty() ? update : updateAfter.apply(null);
        return new ParameterOps(p, module, shape, g.whole(), stashOp, slots, multiplier,
                Collections.unmodifiableMap(statistics), observe, update, updateAlone);
    }

    /** TensorFlow's fused update of {@code target} (the parameter or a copy of it) and the slots, after the given op unless null. */
    private static Function<Operation, Operation> fusedOn(TrainingOps ops, OptimizerSpec o, Output<?> target, List<TrainingOps.Variable> slots,
                                                          Output<?> beta1Power, Output<?> beta2Power, Output<?> lr, Output<?> gradient) {
        return after -> {
            var builder = o.kind() == OptimizerSpec.Kind.ADAM
                    ? ops.builder("ApplyAdam", target, slots.get(0).ref(), slots.get(1).ref(), beta1Power, beta2Power, lr,
                            ops.scalar(o.beta1()), ops.scalar(o.beta2()), ops.scalar(o.epsilon()), gradient)
                    : ops.builder("ApplyMomentum", target, slots.get(0).ref(), lr, gradient, ops.scalar(o.momentum()));
            return (after == null ? builder : builder.addControlInput(after)).build();
        };
    }

    /** {@code x + c·(target − x)}: a moving average's step toward {@code target}. */
    private static Output<?> moved(TrainingOps ops, Output<?> x, Output<?> target, double c) {
        return ops.op("Add", x, ops.op("Mul", ops.scalar(c), ops.op("Sub", target, x)));
    }

    /** {@code decay·old + (1 − decay)·x}. */
    private static Output<?> ema(TrainingOps ops, Output<?> old, Output<?> x, Output<?> decay, Output<?> rest) {
        return ops.op("Add", ops.op("Mul", decay, old), ops.op("Mul", rest, x));
    }

    /** [Σ g², Σ g·d, Σ d², Σ w²] of one parameter, where d is the direction of its previous update. */
    private static Output<?> signal(ParameterOps p, CompiledModel.Parameter param, OptimizerSpec o, TrainingOps ops) {
        Output<?> direction = o.kind() == OptimizerSpec.Kind.ADAM
                ? ops.op("RealDiv", p.slots().get(0).ref(), ops.op("Add", ops.op("Sqrt", p.slots().get(1).ref()), ops.scalar(o.epsilon())))
                : ops.op("Identity", p.slots().get(0).ref());
        if (p.multiplier() != null) {
            direction = ops.op("Mul", direction, p.multiplier().ref());
        }
        Output<?> g = p.gradient();
        Output<?> w = param.read();
        return ops.builder("Pack").addInputList(new Output<?>[] {ops.sumOfSquares(g), ops.sumAll(ops.op("Mul", g, direction)),
                ops.sumOfSquares(direction), ops.sumOfSquares(w)}).build().output(0);
    }

    private static Output<?> addN(TrainingOps ops, List<Output<?>> xs) {
        return ops.builder("AddN").addInputList(xs.toArray(new Output<?>[0])).build().output(0);
    }

    /** Registers a variable as session state: initialized at open, saved in checkpoints. */
    private TrainingOps.Variable keep(TrainingOps.Variable v) {
        state.put(v.name(), v);
        initializers.add(v.initialize());
        return v;
    }

    Map<String, ParameterOps> parameters() {
        return parameters;
    }

    Map<String, ModuleOps> modules() {
        return modules;
    }

    /** Trainable parameters that do not influence the loss (no gradient; never updated). */
    List<String> inert() {
        return inert;
    }

    /** The in-graph initializations of every state variable (slots at 0, multipliers at 1, statistics at 0). */
    List<Operation> initializers() {
        return initializers;
    }

    /** Slots, multipliers and statistics by checkpoint name ({@code parameter#kind}). */
    Map<String, TrainingOps.Variable> state() {
        return state;
    }
}
