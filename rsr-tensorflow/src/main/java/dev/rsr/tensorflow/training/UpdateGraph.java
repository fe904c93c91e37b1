package dev.rsr.tensorflow.training;

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
     * The ops of one trainable parameter. {@code optimizerState} is what a snapshot saves besides
     * the parameter: the slots, and with multipliers under Adam the per-element update counts.
     */
    record ParameterOps(String name, String module, Output<?> gradient, TrainingOps.Variable stash, Operation stashOp,
                        List<TrainingOps.Variable> slots, List<TrainingOps.Variable> optimizerState, TrainingOps.Variable multiplier,
                        Map<Statistic, TrainingOps.Variable> statistics, Operation observe, Operation update) {
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
        List<String> names = new ArrayList<>(compiled.parameters().keySet());
        List<Output<?>> gradients = compiled.gradients(loss, names);
        Map<String, Output<?>> gradientOf = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            gradientOf.put(names.get(i), gradients.get(i));
        }
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
                Output<?> g = gradientOf.get(p);
                if (g == null) {
                    inert.add(p); // The parameter does not influence the loss: nothing to update.
                    continue;
                }
                ParameterOps built = parameter(compiled.parameters().get(p), m.name(), g, spec, lr, beta1Power, beta2Power, mops.sub(p));
                params.add(built);
                parameters.put(p, built);
                squares.add(mops.sumOfSquares(g));
                if (spec.moduleSignals()) {
                    signals.add(signal(built, compiled.parameters().get(p), spec.optimizer(), mops));
                }
                for (TrainingOps.Variable v : built.optimizerState()) {
                    TrainingOps.Variable backup = mops.variable(v.name() + "#backup", v.shape(), 0);
                    snapshots.add(mops.assign(backup.ref(), v.ref()).op());
                    rollbacks.add(mops.assign(v.ref(), backup.ref()).op());
                }
                CompiledModel.Parameter param = compiled.parameters().get(p);
                TrainingOps.Variable backup = mops.variable(p + "#backup", built.stash().shape(), 0);
                snapshots.add(mops.assign(backup.ref(), param.variable()).op());
                rollbacks.add(mops.assign(param.variable(), backup.ref()).op());
            }
            Output<?> signal = signals.isEmpty() ? null : signals.size() == 1 ? signals.get(0) : addN(mops, signals);
            Output<?> gradientSquared = squares.isEmpty() ? mops.scalar(0) : squares.size() == 1 ? squares.get(0) : addN(mops, squares);
            modules.put(m.name(), new ModuleOps(m.name(), List.copyOf(params), lr, beta1Power, beta2Power, gradientSquared, signal,
                    mops.group("snapshot", snapshots), mops.group("rollback", rollbacks)));
        }
    }

    private ParameterOps parameter(CompiledModel.Parameter param, String module, Output<?> g, TrainingSpec spec, Output<?> lr,
                                   Output<?> beta1Power, Output<?> beta2Power, TrainingOps ops) {
        String p = param.name();
        long[] shape = param.read().shape().asArray();
        TrainingOps.Variable stash = ops.variable(p + "#gradient", shape, 0);
        Operation stashOp = ops.assign(stash.ref(), g).op();
        OptimizerSpec o = spec.optimizer();
        List<TrainingOps.Variable> slots = o.kind() == OptimizerSpec.Kind.ADAM
                ? List.of(keep(ops.variable(p + "#adam_m", shape, 0)), keep(ops.variable(p + "#adam_v", shape, 0)))
                : List.of(keep(ops.variable(p + "#momentum", shape, 0)));
        TrainingOps.Variable multiplier = spec.updateMultipliers() ? keep(ops.variable(p + "#multiplier", shape, 1)) : null;
        // With multipliers, Adam's bias correction counts each element's own updates: an element a
        // mask admits late starts from zero moments, and corrected by the module's step count its
        // first steps would be several times too large.
        TrainingOps.Variable count = multiplier != null && o.kind() == OptimizerSpec.Kind.ADAM
                ? keep(ops.variable(p + "#adam_count", shape, 0)) : null;

        // Running statistics read the stashed gradient and the parameter before its update.
        Map<Statistic, TrainingOps.Variable> statistics = new EnumMap<>(Statistic.class);
        List<Operation> statisticUpdates = new ArrayList<>();
        Output<?> gs = stash.ref();
        Output<?> w = param.variable();
        Output<?> decay = ops.scalar(spec.statisticsDecay());
        Output<?> rest = ops.scalar(1 - spec.statisticsDecay());
        Output<?> saliency = null;
        for (Statistic s : spec.statistics()) {
            statistics.put(s, keep(ops.variable(p + "#" + s.key(), shape, 0)));
        }
        for (Statistic s : statistics.keySet()) {
            TrainingOps.Variable v = statistics.get(s);
            Output<?> updated = switch (s) {
                case SQUARED_GRADIENT -> ops.assign(v.ref(), ema(ops, v.ref(), ops.op("Mul", gs, gs), decay, rest));
                case ABSOLUTE_GRADIENT -> ops.assign(v.ref(), ema(ops, v.ref(), ops.op("Abs", gs), decay, rest));
                case SALIENCY -> saliency = ops.assign(v.ref(), ema(ops, v.ref(), ops.op("Abs", ops.op("Mul", w, gs)), decay, rest));
                case SALIENCY_DEVIATION -> ops.assign(v.ref(), ema(ops, v.ref(),
                        ops.op("Abs", ops.op("Sub", ops.op("Abs", ops.op("Mul", w, gs)), saliency)), decay, rest));
                case MOVEMENT -> ops.assign(v.ref(), ops.op("Sub", v.ref(), ops.op("Mul", w, gs)));
            };
            statisticUpdates.add(updated.op());
        }
        Operation observe = ops.group("observe", statisticUpdates);

        Output<?> variable = param.variable();
        Operation update;
        if (multiplier == null) {
            // TensorFlow's fused update ops, where no element is masked or boosted.
            update = (o.kind() == OptimizerSpec.Kind.ADAM
                    ? ops.builder("ApplyAdam", variable, slots.get(0).ref(), slots.get(1).ref(), beta1Power, beta2Power, lr,
                            ops.scalar(o.beta1()), ops.scalar(o.beta2()), ops.scalar(o.epsilon()), gs)
                    : ops.builder("ApplyMomentum", variable, slots.get(0).ref(), lr, gs, ops.scalar(o.momentum())))
                    .addControlInput(observe).build();
        } else {
            // Masks and boosts act on the update: a slot moves only where the multiplier is positive,
            // and the step is scaled by it, so Adam can neither normalise a boost away nor carry a
            // frozen element along on its momentum.
            Output<?> u = multiplier.ref();
            Output<?> on = ops.builder("Cast", ops.op("Greater", u, ops.scalar(0))).setAttr("DstT", org.tensorflow.proto.DataType.DT_FLOAT)
                    .build().output(0);
            Output<?> step;
            if (o.kind() == OptimizerSpec.Kind.ADAM) {
                Output<?> m = slots.get(0).ref(), v = slots.get(1).ref();
                Output<?> mNew = ops.assign(m, ops.op("Add", m, ops.op("Mul", ops.op("Mul", on, ops.scalar(1 - o.beta1())), ops.op("Sub", gs, m))));
                Output<?> vNew = ops.assign(v, ops.op("Add", v, ops.op("Mul", ops.op("Mul", on, ops.scalar(1 - o.beta2())),
                        ops.op("Sub", ops.op("Mul", gs, gs), v))));
                Output<?> t = ops.assign(count.ref(), ops.op("Add", count.ref(), on));
                // ApplyAdam's form, per element: lr · √(1 − β2^t) / (1 − β1^t) · m / (√v + ε); an element
                // never admitted (t = 0, m = 0) gets 0, the floor only keeps the division finite.
                // β^t as exp(t·ln β): TensorFlow's Exp is vectorized, its Pow is not, and on a large
                // embedding table two Pows per element took as long as the rest of the step.
                Output<?> floor = ops.scalar(1e-12);
                Output<?> beta1PowerT = ops.op("Exp", ops.op("Mul", t, ops.scalar(Math.log(o.beta1()))));
                Output<?> beta2PowerT = ops.op("Exp", ops.op("Mul", t, ops.scalar(Math.log(o.beta2()))));
                Output<?> c1 = ops.op("Maximum", ops.op("Sub", ops.scalar(1), beta1PowerT), floor);
                Output<?> c2 = ops.op("Sub", ops.scalar(1), beta2PowerT);
                Output<?> rate = ops.op("Mul", lr, ops.op("RealDiv", ops.op("Sqrt", c2), c1));
                step = ops.op("Mul", rate, ops.op("Mul", u, ops.op("RealDiv", mNew, ops.op("Add", ops.op("Sqrt", vNew), ops.scalar(o.epsilon())))));
            } else {
                Output<?> acc = slots.get(0).ref();
                Output<?> accNew = ops.assign(acc, ops.op("Add", acc, ops.op("Mul", on,
                        ops.op("Add", ops.op("Mul", acc, ops.scalar(o.momentum() - 1)), gs))));
                step = ops.op("Mul", lr, ops.op("Mul", u, accNew));
            }
            update = ops.builder("AssignSub", variable, step).addControlInput(observe).build();
        }
        List<TrainingOps.Variable> optimizerState = new ArrayList<>(slots);
        if (count != null) {
            optimizerState.add(count);
        }
        return new ParameterOps(p, module, g, stash, stashOp, slots, List.copyOf(optimizerState), multiplier,
                Collections.unmodifiableMap(statistics), observe, update);
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
