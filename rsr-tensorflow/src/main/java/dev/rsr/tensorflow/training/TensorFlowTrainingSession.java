package dev.rsr.tensorflow.training;

import static org.tensorflow.proto.DataType.DT_FLOAT;
import static org.tensorflow.proto.DataType.DT_INT64;

import dev.rsr.error.BackendException;
import dev.rsr.error.ConfigurationException;
import dev.rsr.error.DataException;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.DataType;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.tensorflow.TfGraphs;
import dev.rsr.tensorflow.TfSessions;
import dev.rsr.tensorflow.TfTensors;
import dev.rsr.tensorflow.compiler.CompiledModel;
import dev.rsr.tensorflow.compiler.ConverterRegistry;
import dev.rsr.tensorflow.compiler.GraphCompiler;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.OptimizerSpec;
import dev.rsr.training.StepPlan;
import dev.rsr.training.TaskModule;
import dev.rsr.training.TrainingSession;
import dev.rsr.training.TrainingSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Scope;
/**
 * Training in TensorFlow, with everything per element in the graph: the loss, the gradients of
 * the active modules only, the gradient multipliers (mask × boost), and the Adam or momentum
 * update. The host feeds a batch, one learning rate per active module, and reads back the loss.
 *
 * <p>Backward graphs are built lazily, one per distinct set of active modules, and cached:
 * TensorFlow runs only what a fetch needs, so a step whose active modules are all near the output
 * does not differentiate the layers below them. Optimizer slots are created the first time their
 * parameter is updated.
 */
public final class TensorFlowTrainingSession implements TrainingSession {
    private final TrainingSpec spec;
    private final CompiledModel compiled;
    private final Session session;
    private final Scope scope;
    private final Map<String, TaskModule> modules;
    private final Map<String, String> moduleOf = new HashMap<>();
    private final Output<?> targets;
    private final Output<?> loss;
    private final Map<String, Output<?>> learningRates = new HashMap<>();
    private final Map<String, Output<?>> beta1Powers = new HashMap<>();
    private final Map<String, Output<?>> beta2Powers = new HashMap<>();
    private final Map<String, Long> moduleSteps = new LinkedHashMap<>();
    private final Map<String, AssignableVariable> multipliers = new LinkedHashMap<>();
    private final Map<String, List<AssignableVariable>> slots = new HashMap<>();
    private final Map<Set<String>, List<Operation>> updateOps = new HashMap<>();
    private final Map<Set<String>, List<Output<?>>> gradientOutputs = new HashMap<>();

    /** A variable that the host can set: its placeholder and assign op. */
    private record AssignableVariable(String name, Output<?> variable, Output<?> value, Operation assign, TensorData initial) {
    }

    public TensorFlowTrainingSession(ModelGraph model, TrainingSpec spec) {
        this.spec = spec;
        this.modules = TaskModule.byName(spec.modules());
        checkSpec(model, spec);
        spec.modules().forEach(m -> m.parameters().forEach(p -> moduleOf.put(p, m.name())));
        this.compiled = new GraphCompiler(ConverterRegistry.discover()).compile(model, moduleOf::containsKey);
        Session opened = null;
        try {
            this.scope = compiled.ops().withSubScope("training").scope();
            this.targets = targetPlaceholder(model, spec.loss());
            this.loss = buildLoss(spec.loss());
            for (TaskModule m : spec.modules()) {
                learningRates.put(m.name(), scalarPlaceholder("lr"));
                beta1Powers.put(m.name(), scalarPlaceholder("beta1_power"));
                beta2Powers.put(m.name(), scalarPlaceholder("beta2_power"));
                moduleSteps.put(m.name(), 0L);
            }
            if (spec.gradientMultipliers()) {
                for (String p : moduleOf.keySet()) {
                    TensorData init = model.graph().initializers().get(p);
                    multipliers.put(p, newVariable(p + "#multiplier", constantLike(init, 1f)));
                }
            }
            opened = TfSessions.open(compiled, spec.threads(), 0);
            TfSessions.initializeFromModel(opened, compiled);
            this.session = opened;
            initialize(multipliers.values());
        } catch (RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            compiled.close();
            throw e;
        }
    }

    private static void checkSpec(ModelGraph model, TrainingSpec spec) {
        List<String> problems = new ArrayList<>();
        for (TaskModule m : spec.modules()) {
            for (String p : m.parameters()) {
                TensorData t = model.graph().initializers().get(p);
                if (t == null) {
                    problems.add("module '" + m.name() + "': the model has no parameter '" + p + "'");
                } else if (t.type() != DataType.FLOAT) {
                    problems.add("module '" + m.name() + "': parameter '" + p + "' is " + t.type().onnxName() + ", only float parameters train");
                }
            }
        }
        if (model.graph().output(spec.loss().output()).isEmpty()) {
            problems.add("loss output '" + spec.loss().output() + "' is not an output of the model (outputs: "
                    + model.graph().outputs().stream().map(ValueInfo::name).toList() + ")");
        }
        if (model.graph().input(spec.loss().target()).isPresent()) {
            problems.add("loss target name '" + spec.loss().target() + "' is already a model input; choose another");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("training spec does not fit model '" + model.graph().name() + "': "
                    + String.join("; ", problems));
        }
    }

    // ---------------------------------------------------------------- graph construction

    private Output<?> op(String type, Output<?>... inputs) {
        OperationBuilder b = scope.opBuilder(type, type);
        for (Output<?> in : inputs) {
            b.addInput(in);
        }
        return b.build().output(0);
    }

    private Output<?> constant(TensorData value) {
        return TfGraphs.constant(scope, value);
    }

    private Output<?> scalarPlaceholder(String name) {
        return scope.opBuilder("Placeholder", name).setAttr("dtype", DT_FLOAT).setAttr("shape", Shape.scalar()).build().output(0);
    }

    private Output<?> targetPlaceholder(ModelGraph model, LossSpec lossSpec) {
        if (lossSpec.kind() == LossSpec.Kind.SOFTMAX_CROSS_ENTROPY) {
            return scope.opBuilder("Placeholder", "labels").setAttr("dtype", DT_INT64).setAttr("shape", Shape.of(-1)).build().output(0);
        }
        return scope.opBuilder("Placeholder", "targets").setAttr("dtype", DT_FLOAT)
                .setAttr("shape", compiled.value(lossSpec.output()).shape()).build().output(0);
    }

    private Output<?> buildLoss(LossSpec lossSpec) {
        Output<?> prediction = compiled.value(lossSpec.output());
        if (lossSpec.kind() == LossSpec.Kind.SOFTMAX_CROSS_ENTROPY) {
            Shape s = prediction.shape();
            if (s.isUnknown() || s.numDimensions() != 2) {
                throw new ConfigurationException("cross-entropy needs logits of shape [batch, classes]; output '"
                        + lossSpec.output() + "' has shape " + s);
            }
            // The class count is fixed for a classifier, but a contrastive head scores every row of the batch.
            Output<?> depth = s.get(1) > 0 ? constant(TensorData.ofInts(new long[0], (int) s.get(1)))
                    : op("Reshape", op("Slice", op("Shape", prediction), constant(TensorData.ofInts(new long[] {1}, 1)),
                            constant(TensorData.ofInts(new long[] {1}, 1))), constant(TensorData.ofInts(new long[] {0})));
            // The sparse cross-entropy op has no gradient in TensorFlow Java: one-hot labels, dense op.
            Output<?> oneHot = scope.opBuilder("OneHot", "one_hot").addInput(targets).addInput(depth)
                    .addInput(constant(TensorData.scalarFloat(1f))).addInput(constant(TensorData.scalarFloat(0f))).build().output(0);
            Output<?> perExample = scope.opBuilder("SoftmaxCrossEntropyWithLogits", "cross_entropy")
                    .addInput(prediction).addInput(oneHot).build().output(0);
            return op("Mean", perExample, constant(TensorData.ofInts(new long[] {1}, 0)));
        }
        Output<?> diff = op("Sub", prediction, targets);
        Output<?> squared = op("Mul", diff, diff);
        Output<?> axes = op("Range", constant(TensorData.ofInts(new long[0], 0)), op("Rank", squared),
                constant(TensorData.ofInts(new long[0], 1)));
        return op("Mean", squared, axes);
    }

    private static TensorData constantLike(TensorData like, float value) {
        float[] v = new float[like.elementCount()];
        java.util.Arrays.fill(v, value);
        return TensorData.ofFloats(like.shape(), v);
    }

    private AssignableVariable newVariable(String name, TensorData initial) {
        Scope s = scope.withSubScope(GraphCompiler.opName(name));
        Output<?> variable = s.opBuilder("VariableV2", "variable").setAttr("dtype", DT_FLOAT)
                .setAttr("shape", Shape.of(initial.shape())).build().output(0);
        Output<?> value = s.opBuilder("Placeholder", "value").setAttr("dtype", DT_FLOAT)
                .setAttr("shape", Shape.of(initial.shape())).build().output(0);
        Operation assign = s.opBuilder("Assign", "assign").addInput(variable).addInput(value).build();
        return new AssignableVariable(name, variable, value, assign, initial);
    }

    private void initialize(Collection<AssignableVariable> variables) {
        Map<AssignableVariable, TensorData> values = new LinkedHashMap<>();
        variables.forEach(v -> values.put(v, v.initial()));
        assign(values);
    }

    private void assign(Map<AssignableVariable, TensorData> values) {
        List<Tensor> tensors = new ArrayList<>();
        try {
            Session.Runner runner = session.runner();
            values.forEach((v, data) -> {
                Tensor t = TfTensors.toTensor(data, v.name());
                tensors.add(t);
                runner.feed(v.value(), t).addTarget(v.assign());
            });
            if (!runner.isEmpty()) {
                runner.run().close();
            }
        } finally {
            tensors.forEach(Tensor::close);
        }
    }

    /** The update ops of a set of active modules, built on first use. */
    private List<Operation> updateOpsFor(Set<String> active) {
        List<Operation> cached = updateOps.get(active);
        if (cached != null) {
            return cached;
        }
        List<String> params = new ArrayList<>();
        for (String m : new TreeSet<>(active)) {
            params.addAll(modules.get(m).parameters());
        }
        List<Output<?>> grads = compiled.gradients(loss, params);
        // Variables are updated in place and their reads may alias them, so no update may start
        // before every gradient of the step (and the loss) is computed: one barrier for all updates.
        OperationBuilder barrierBuilder = scope.opBuilder("NoOp", "gradients_done").addControlInput(loss.op());
        grads.stream().filter(java.util.Objects::nonNull).forEach(g -> barrierBuilder.addControlInput(g.op()));
        Operation barrier = barrierBuilder.build();
        List<Operation> ops = new ArrayList<>();
        List<AssignableVariable> newSlots = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            String p = params.get(i);
            String module = moduleOf.get(p);
            Output<?> g = grads.get(i);
            if (g == null) {
                continue; // The parameter does not influence the loss.
            }
            if (spec.gradientMultipliers()) {
                g = op("Mul", g, multipliers.get(p).variable());
            }
            List<AssignableVariable> slot = slots.computeIfAbsent(p, name -> {
                TensorData zeros = constantLike(compiled.model().graph().initializers().get(name), 0f);
                List<AssignableVariable> created = spec.optimizer().kind() == OptimizerSpec.Kind.ADAM
                        ? List.of(newVariable(name + "#adam_m", zeros), newVariable(name + "#adam_v", zeros))
                        : List.of(newVariable(name + "#momentum", zeros));
                newSlots.addAll(created);
                return created;
            });
            Output<?> variable = compiled.parameters().get(p).variable();
            OptimizerSpec o = spec.optimizer();
            OperationBuilder update;
            if (o.kind() == OptimizerSpec.Kind.ADAM) {
                update = scope.opBuilder("ApplyAdam", "adam").addInput(variable).addInput(slot.get(0).variable())
                        .addInput(slot.get(1).variable()).addInput(beta1Powers.get(module)).addInput(beta2Powers.get(module))
                        .addInput(learningRates.get(module)).addInput(constant(TensorData.scalarFloat((float) o.beta1())))
                        .addInput(constant(TensorData.scalarFloat((float) o.beta2())))
                        .addInput(constant(TensorData.scalarFloat((float) o.epsilon()))).addInput(g);
            } else {
                update = scope.opBuilder("ApplyMomentum", "momentum").addInput(variable).addInput(slot.get(0).variable())
                        .addInput(learningRates.get(module)).addInput(g)
                        .addInput(constant(TensorData.scalarFloat((float) o.momentum())));
            }
            ops.add(update.addControlInput(barrier).build());
        }
        initialize(newSlots);
        updateOps.put(Set.copyOf(active), ops);
        return ops;
    }

    // ---------------------------------------------------------------- running

    @Override
    public List<TaskModule> modules() {
        return spec.modules();
    }

    @Override
    public double step(Batch batch, StepPlan plan) {
        for (String m : plan.activeModules()) {
            if (!modules.containsKey(m)) {
                throw new ConfigurationException("step plan: unknown module '" + m + "' (modules: " + modules.keySet() + ")");
            }
            Double lr = plan.learningRates().get(m);
            if (lr == null || !Double.isFinite(lr) || lr < 0) {
                throw new ConfigurationException("step plan: module '" + m + "' needs a finite learning rate >= 0, got " + lr);
            }
        }
        if (plan.activeModules().isEmpty()) {
            return evaluate(batch).loss();
        }
        List<Operation> updates = updateOpsFor(plan.activeModules());
        List<Tensor> tensors = new ArrayList<>();
        try {
            Session.Runner runner = feedBatch(session.runner(), batch, tensors);
            OptimizerSpec o = spec.optimizer();
            for (String m : plan.activeModules()) {
                long t = moduleSteps.get(m) + 1;
                feedScalar(runner, learningRates.get(m), plan.learningRates().get(m), tensors);
                feedScalar(runner, beta1Powers.get(m), Math.pow(o.beta1(), t), tensors);
                feedScalar(runner, beta2Powers.get(m), Math.pow(o.beta2(), t), tensors);
            }
            updates.forEach(runner::addTarget);
            double value;
            try (Result r = runner.fetch(loss).run()) {
                value = TfTensors.toTensorData(r.get(0)).getAsDouble(0);
            }
            plan.activeModules().forEach(m -> moduleSteps.merge(m, 1L, Long::sum));
            return value;
        } catch (TensorFlowException e) {
            throw new BackendException("TensorFlow training step failed: " + TfGraphs.oneLine(e.getMessage()), e);
        } finally {
            tensors.forEach(Tensor::close);
        }
    }

    private void feedScalar(Session.Runner runner, Output<?> placeholder, double value, List<Tensor> tensors) {
        Tensor t = TfTensors.toTensor(TensorData.scalarFloat((float) value), "a scalar");
        tensors.add(t);
        runner.feed(placeholder, t);
    }

    private Session.Runner feedInputs(Session.Runner runner, Map<String, TensorData> inputs, List<Tensor> tensors) {
        Predictor.checkInputs(compiled.model().graph().feedInputs(), inputs);
        for (Map.Entry<String, TensorData> e : inputs.entrySet()) {
            Tensor t = TfTensors.toTensor(e.getValue(), "input '" + e.getKey() + "'");
            tensors.add(t);
            runner.feed(compiled.inputs().get(e.getKey()), t);
        }
        return runner;
    }

    private Session.Runner feedBatch(Session.Runner runner, Batch batch, List<Tensor> tensors) {
        feedInputs(runner, batch.inputs(), tensors);
        TensorData y = batch.targets();
        if (spec.loss().kind() == LossSpec.Kind.SOFTMAX_CROSS_ENTROPY) {
            if (y.type() != DataType.INT64 || y.rank() != 1) {
                throw new DataException("targets '" + spec.loss().target() + "' must be int64 class ids of shape [batch], got " + y);
            }
            // An unknown class count (a contrastive head's, known at run time) is checked from below only.
            long classes = compiled.value(spec.loss().output()).shape().get(1);
            for (long label : y.longs()) {
                if (label < 0 || (classes > 0 && label >= classes)) {
                    throw new DataException("target class " + label + " is outside [0, " + (classes > 0 ? classes : "the class count") + ")");
                }
            }
        } else if (y.type() != DataType.FLOAT) {
            throw new DataException("targets '" + spec.loss().target() + "' must be float, got " + y.type().onnxName());
        }
        Tensor t = TfTensors.toTensor(y, "targets");
        tensors.add(t);
        return runner.feed(targets, t);
    }

    @Override
    public Evaluation evaluate(Batch batch) {
        List<Tensor> tensors = new ArrayList<>();
        try {
            Session.Runner runner = feedBatch(session.runner(), batch, tensors).fetch(loss);
            List<ValueInfo> outputs = compiled.model().graph().outputs();
            outputs.forEach(v -> runner.fetch(compiled.value(v.name())));
            try (Result r = runner.run()) {
                Map<String, TensorData> out = new LinkedHashMap<>();
                for (int i = 0; i < outputs.size(); i++) {
                    out.put(outputs.get(i).name(), TfTensors.toTensorData(r.get(i + 1)));
                }
                return new Evaluation(TfTensors.toTensorData(r.get(0)).getAsDouble(0), out);
            }
        } catch (TensorFlowException e) {
            throw new BackendException("TensorFlow evaluation failed: " + TfGraphs.oneLine(e.getMessage()), e);
        } finally {
            tensors.forEach(Tensor::close);
        }
    }

    @Override
    public Map<String, TensorData> predict(Map<String, TensorData> inputs) {
        List<Tensor> tensors = new ArrayList<>();
        try {
            Session.Runner runner = feedInputs(session.runner(), inputs, tensors);
            List<ValueInfo> outputs = compiled.model().graph().outputs();
            outputs.forEach(v -> runner.fetch(compiled.value(v.name())));
            return fetchAll(runner, outputs.stream().map(ValueInfo::name).toList());
        } catch (TensorFlowException e) {
            throw new BackendException("TensorFlow prediction failed: " + TfGraphs.oneLine(e.getMessage()), e);
        } finally {
            tensors.forEach(Tensor::close);
        }
    }

    private static Map<String, TensorData> fetchAll(Session.Runner runner, List<String> names) {
        try (Result r = runner.run()) {
            Map<String, TensorData> out = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                out.put(names.get(i), TfTensors.toTensorData(r.get(i)));
            }
            return out;
        }
    }

    @Override
    public Map<String, TensorData> values(Collection<String> parameters) {
        List<String> names = new ArrayList<>(parameters);
        if (names.isEmpty()) {
            return Map.of();
        }
        Session.Runner runner = session.runner();
        for (String p : names) {
            CompiledModel.Parameter param = compiled.parameters().get(p);
            if (param == null) {
                throw new ConfigurationException("no trainable parameter '" + p + "'");
            }
            runner.fetch(param.read());
        }
        return fetchAll(runner, names);
    }

    @Override
    public Map<String, TensorData> gradients(Batch batch, Collection<String> parameters) {
        Set<String> key = new HashSet<>(parameters);
        List<String> names = new ArrayList<>(new TreeSet<>(key));
        List<Output<?>> grads = gradientOutputs.computeIfAbsent(Set.copyOf(key), k -> compiled.gradients(loss, names));
        List<Tensor> tensors = new ArrayList<>();
        try {
            Session.Runner runner = feedBatch(session.runner(), batch, tensors);
            List<String> fetched = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                if (grads.get(i) != null) {
                    runner.fetch(grads.get(i));
                    fetched.add(names.get(i));
                }
            }
            Map<String, TensorData> out = fetchAll(runner, fetched);
            for (String n : names) {
                out.computeIfAbsent(n, p -> constantLike(compiled.model().graph().initializers().get(p), 0f));
            }
            return out;
        } finally {
            tensors.forEach(Tensor::close);
        }
    }

    @Override
    public void setGradientMultiplier(String parameter, TensorData multiplier) {
        AssignableVariable v = multipliers.get(parameter);
        if (v == null) {
            throw new ConfigurationException(spec.gradientMultipliers() ? "no trainable parameter '" + parameter + "'"
                    : "gradient multipliers are off in this training spec");
        }
        if (multiplier.type() != DataType.FLOAT || !java.util.Arrays.equals(multiplier.shape(), v.initial().shape())) {
            throw new DataException("multiplier for '" + parameter + "' must be float" + dev.rsr.ir.Shape.format(v.initial().shape())
                    + ", got " + multiplier);
        }
        assign(Map.of(v, multiplier));
    }

    @Override
    public ModelGraph export() {
        return compiled.model().withInitializers(values(compiled.parameters().keySet()));
    }

    @Override
    public void saveCheckpoint(Path file) {
        Map<String, TensorData> tensors = new LinkedHashMap<>(values(compiled.parameters().keySet()));
        List<AssignableVariable> extra = new ArrayList<>(multipliers.values());
        slots.values().forEach(extra::addAll);
        if (!extra.isEmpty()) {
            Session.Runner runner = session.runner();
            extra.forEach(v -> runner.fetch(v.variable()));
            tensors.putAll(fetchAll(runner, extra.stream().map(AssignableVariable::name).toList()));
        }
        Map<String, Long> counters = new LinkedHashMap<>();
        moduleSteps.forEach((m, t) -> counters.put("steps#" + m, t));
        Checkpoints.write(file, new Checkpoints.Content(counters, tensors));
    }

    @Override
    public void restoreCheckpoint(Path file) {
        Checkpoints.Content content = Checkpoints.read(file);
        Map<String, TensorData> params = new LinkedHashMap<>();
        Map<AssignableVariable, TensorData> others = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : content.tensors().entrySet()) {
            String name = e.getKey();
            int hash = name.indexOf('#');
            if (hash < 0) {
                if (!compiled.parameters().containsKey(name)) {
                    throw new DataException(file + ": parameter '" + name + "' is not trainable in this session; was the checkpoint made with another model or spec?");
                }
                params.put(name, e.getValue());
                continue;
            }
            String param = name.substring(0, hash);
            AssignableVariable target = multipliers.get(param) != null && multipliers.get(param).name().equals(name)
                    ? multipliers.get(param) : slotFor(param, name, file);
            others.put(target, e.getValue());
        }
        TfSessions.assign(session, compiled, params);
        assign(others);
        content.counters().forEach((k, v) -> {
            if (k.startsWith("steps#") && moduleSteps.containsKey(k.substring(6))) {
                moduleSteps.put(k.substring(6), v);
            }
        });
    }

    /** The optimizer slot named {@code slotName}, created (by building its module's update ops) if needed. */
    private AssignableVariable slotFor(String param, String slotName, Path file) {
        String module = moduleOf.get(param);
        if (module == null) {
            throw new DataException(file + ": '" + slotName + "' belongs to no trainable parameter of this session");
        }
        if (!slots.containsKey(param)) {
            updateOpsFor(Set.of(module));
        }
        return slots.getOrDefault(param, List.of()).stream().filter(v -> v.name().equals(slotName)).findFirst()
                .orElseThrow(() -> new DataException(file + ": '" + slotName + "' does not match this session's optimizer"));
    }

    @Override
    public Map<String, Long> moduleSteps() {
        return Map.copyOf(moduleSteps);
    }

    @Override
    public void close() {
        session.close();
        compiled.close();
    }
}
