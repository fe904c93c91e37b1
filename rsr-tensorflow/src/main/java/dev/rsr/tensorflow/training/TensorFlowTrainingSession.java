package dev.rsr.tensorflow.training;

import dev.rsr.error.ConfigurationException;
import dev.rsr.error.DataException;
import dev.rsr.ir.DataType;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.tensorflow.TfSessions;
import dev.rsr.tensorflow.TfTensors;
import dev.rsr.tensorflow.compiler.CompiledModel;
import dev.rsr.tensorflow.compiler.ConverterRegistry;
import dev.rsr.tensorflow.compiler.GraphCompiler;
import dev.rsr.training.Batch;
import dev.rsr.training.ModuleSignal;
import dev.rsr.training.OptimizerSpec;
import dev.rsr.training.Statistic;
import dev.rsr.training.StepPlan;
import dev.rsr.training.StepResult;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * Training in TensorFlow, with everything per element in the graph: the loss, the gradients, the
 * update multipliers (mask × boost), the running statistics, and the Adam or momentum update. The
 * host feeds a batch and one learning rate per active module, and reads back the loss and a few
 * numbers per module. The whole training graph is built when the session opens ({@link UpdateGraph})
 * and never grows, so TensorFlow's session is safe to run from several threads at once.
 */
public final class TensorFlowTrainingSession implements TrainingSession {
    private final TrainingSpec spec;
    private final CompiledModel compiled;
    private final Session session;
    private final Map<String, TaskModule> modules;
    private final LossGraph loss;
    private final UpdateGraph updates;
    private final Map<String, Long> moduleSteps = new ConcurrentHashMap<>();
    private final ModuleLocks locks = new ModuleLocks();
    /** Each snapshotted module's step count at its snapshot, restored with it. */
    private final Map<String, Long> snapshotSteps = new ConcurrentHashMap<>();

    public TensorFlowTrainingSession(ModelGraph model, TrainingSpec spec) {
        this.spec = spec;
        this.modules = TaskModule.byName(spec.modules());
        checkSpec(model, spec);
        Set<String> trainable = new HashSet<>();
        spec.modules().forEach(m -> trainable.addAll(m.parameters()));
        this.compiled = new GraphCompiler(ConverterRegistry.discover()).compile(model, trainable::contains);
        Session opened = null;
        try {
            TrainingOps ops = new TrainingOps(compiled.ops().withSubScope("training").scope());
            this.loss = new LossGraph(compiled, spec.loss(), ops);
            this.updates = new UpdateGraph(compiled, spec, loss.loss(), ops);
            spec.modules().forEach(m -> moduleSteps.put(m.name(), 0L));
            int threads = TfSessions.intraOpThreads(spec.threads(), spec.concurrentSteps(), Runtime.getRuntime().availableProcessors(),
                    TfSessions.perSessionPools());
            opened = TfSessions.open(compiled, threads, 0, false);
            TfSessions.initializeFromModel(opened, compiled);
            this.session = opened;
            Session.Runner init = session.runner();
            updates.initializers().forEach(init::addTarget);
            if (!init.isEmpty()) {
                init.run().close();
            }
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

    @Override
    public List<TaskModule> modules() {
        return spec.modules();
    }

    /** Operations in the TensorFlow graph: fixed once the session is open. */
    public long graphSize() {
        long n = 0;
        for (var it = compiled.graph().operations(); it.hasNext(); it.next()) {
            n++;
        }
        return n;
    }

    @Override
    public StepResult step(Batch batch, StepPlan plan) {
        return step(batch, plan, null);
    }

    /** A step; with {@code trace} non-null, each session run is traced and its metadata added there. */
    private StepResult step(Batch batch, StepPlan plan, List<RunMetadata> trace) {
        for (String m : plan.activeModules()) {
            Double lr = plan.learningRates().get(m);
            if (lr == null || !Double.isFinite(lr) || lr < 0) {
                throw new ConfigurationException("step plan: module '" + m + "' needs a finite learning rate >= 0, got " + lr);
            }
        }
        if (plan.activeModules().isEmpty()) {
            return new StepResult(evaluate(batch).loss(), false, Map.of());
        }
        List<UpdateGraph.ModuleOps> active = acquire(plan.activeModules());
        try {
            Gradients g = stashGradients(batch, active, trace);
            if (!g.finite()) {
                return new StepResult(g.loss(), false, g.signals());
            }
            OptimizerSpec o = spec.optimizer();
            run("training step", tensors -> {
                Session.Runner runner = session.runner();
                for (UpdateGraph.ModuleOps m : active) {
                    long t = moduleSteps.get(m.name()) + 1;
                    feedScalar(runner, m.learningRate(), plan.learningRates().get(m.name()), tensors);
                    feedScalar(runner, m.beta1Power(), Math.pow(o.beta1(), t), tensors);
                    feedScalar(runner, m.beta2Power(), Math.pow(o.beta2(), t), tensors);
                    m.parameters().forEach(p -> runner.addTarget(plan.updateStatistics() ? p.update() : p.updateWithoutStatistics()));
                }
                execute(runner, trace).close();
                return null;
            });
            active.forEach(m -> moduleSteps.merge(m.name(), 1L, Long::sum));
            return new StepResult(g.loss(), true, g.signals());
        } finally {
            release(active);
        }
    }

    @Override
    public double observe(Batch batch, Set<String> moduleNames) {
        List<UpdateGraph.ModuleOps> observed = acquire(moduleNames);
        try {
            Gradients g = stashGradients(batch, observed, null);
            if (g.finite()) {
                run("statistics update", tensors -> {
                    Session.Runner runner = session.runner();
                    observed.forEach(m -> m.parameters().forEach(p -> runner.addTarget(p.observe())));
                    if (!runner.isEmpty()) {
                        runner.run().close();
                    }
                    return null;
                });
            }
            return g.loss();
        } finally {
            release(observed);
        }
    }

    /** The loss, whether it and every module's gradient are finite, and the module signals, of one stashing run. */
    private record Gradients(double loss, boolean finite, Map<String, ModuleSignal> signals) {
    }

    /** The first run of a step: the loss and the modules' gradients, stashed for the update. */
    private Gradients stashGradients(Batch batch, List<UpdateGraph.ModuleOps> active, List<RunMetadata> trace) {
        return run("training step", tensors -> {
            Session.Runner runner = loss.feed(session.runner(), batch, tensors).fetch(loss.loss());
            List<UpdateGraph.ModuleOps> signalled = new ArrayList<>();
            for (UpdateGraph.ModuleOps m : active) {
                m.parameters().forEach(p -> runner.addTarget(p.stashOp()));
                runner.fetch(m.gradientSquared());
            }
            for (UpdateGraph.ModuleOps m : active) {
                if (m.signal() != null) {
                    runner.fetch(m.signal());
                    signalled.add(m);
                }
            }
            try (Result r = execute(runner, trace)) {
                double value = TfTensors.toTensorData(r.get(0)).getAsDouble(0);
                boolean finite = Double.isFinite(value);
                for (int i = 0; i < active.size(); i++) {
                    finite &= Double.isFinite(TfTensors.toTensorData(r.get(i + 1)).getAsDouble(0));
                }
                Map<String, ModuleSignal> signals = new LinkedHashMap<>();
                for (int i = 0; i < signalled.size(); i++) {
                    float[] s = TfTensors.toTensorData(r.get(active.size() + i + 1)).floats();
                    ModuleSignal signal = new ModuleSignal(s[0], s[1], s[2], s[3]);
                    finite &= signal.isFinite();
                    signals.put(signalled.get(i).name(), signal);
                }
                return new Gradients(value, finite, signals);
            }
        });
    }

    /**
     * One step as {@link #step} takes it, with TensorFlow's tracing on: how long each node of the
     * graph ran, in which session run, for finding where a step's time goes. Tracing slows the
     * step; time steps without it.
     */
    public StepTrace traceStep(Batch batch, StepPlan plan) {
        List<RunMetadata> runs = new ArrayList<>();
        long start = System.nanoTime();
        step(batch, plan, runs);
        double wallMs = (System.nanoTime() - start) / 1e6;
        List<StepTrace.NodeTime> nodes = new ArrayList<>();
        for (int run = 0; run < runs.size(); run++) {
            for (var device : runs.get(run).getStepStats().getDevStatsList()) {
                for (var node : device.getNodeStatsList()) {
                    org.tensorflow.GraphOperation op = compiled.graph().operation(node.getNodeName());
                    nodes.add(new StepTrace.NodeTime(node.getNodeName(), op == null ? "" : op.type(), run,
                            (node.getOpEndRelMicros() - node.getOpStartRelMicros()) / 1000.0));
                }
            }
        }
        return new StepTrace(wallMs, runs.size(), List.copyOf(nodes));
    }

    /** Runs {@code runner}; with {@code trace} non-null, traced, its metadata added to {@code trace}. */
    private static Result execute(Session.Runner runner, List<RunMetadata> trace) {
        if (trace == null) {
            return runner.run();
        }
        runner.setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
        Result r = runner.runAndFetchMetadata();
        r.getMetadata().ifPresent(trace::add);
        return r;
    }

    /** Marks modules as in use by the calling thread; refuses ones in use by another. */
    private List<UpdateGraph.ModuleOps> acquire(Set<String> names) {
        List<UpdateGraph.ModuleOps> ops = new ArrayList<>();
        for (String m : names) {
            UpdateGraph.ModuleOps o = updates.modules().get(m);
            if (o == null) {
                throw new ConfigurationException("step plan: unknown module '" + m + "' (modules: " + modules.keySet() + ")");
            }
            ops.add(o);
        }
        locks.acquire(names);
        return ops;
    }

    private void release(List<UpdateGraph.ModuleOps> ops) {
        locks.release(ops.stream().map(UpdateGraph.ModuleOps::name).toList());
    }

    private static void feedScalar(Session.Runner runner, Output<?> placeholder, double value, List<Tensor> tensors) {
        Tensor t = TfTensors.toTensor(TensorData.scalarFloat((float) value), "a scalar");
        tensors.add(t);
        runner.feed(placeholder, t);
    }

    /** Runs {@code work}, closing every tensor it registers and mapping TensorFlow's errors to one-line ones. */
    private static <T> T run(String what, Function<List<Tensor>, T> work) {
        List<Tensor> tensors = new ArrayList<>();
        try {
            return work.apply(tensors);
        } catch (RuntimeException e) {
            throw TfSessions.runError("TensorFlow " + what, e);
        } finally {
            tensors.forEach(Tensor::close);
        }
    }

    @Override
    public Evaluation evaluate(Batch batch) {
        return run("evaluation", tensors -> {
            Session.Runner runner = loss.feed(session.runner(), batch, tensors).fetch(loss.loss());
            List<ValueInfo> outputs = compiled.model().graph().outputs();
            outputs.forEach(v -> runner.fetch(compiled.value(v.name())));
            try (Result r = runner.run()) {
                Map<String, TensorData> out = new LinkedHashMap<>();
                for (int i = 0; i < outputs.size(); i++) {
                    out.put(outputs.get(i).name(), TfTensors.toTensorData(r.get(i + 1)));
                }
                return new Evaluation(TfTensors.toTensorData(r.get(0)).getAsDouble(0), out);
            }
        });
    }

    @Override
    public Map<String, TensorData> predict(Map<String, TensorData> inputs) {
        return run("prediction", tensors -> {
            Session.Runner runner = loss.feedInputs(session.runner(), inputs, tensors);
            List<ValueInfo> outputs = compiled.model().graph().outputs();
            outputs.forEach(v -> runner.fetch(compiled.value(v.name())));
            return fetchAll(runner, outputs.stream().map(ValueInfo::name).toList());
        });
    }

    private static Map<String, TensorData> fetchAll(Session.Runner runner, List<String> names) {
        if (names.isEmpty()) {
            return new LinkedHashMap<>();
        }
        try (Result r = runner.run()) {
            Map<String, TensorData> out = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                out.put(names.get(i), TfTensors.toTensorData(r.get(i)));
            }
            return out;
        }
    }

    private CompiledModel.Parameter parameter(String name) {
        CompiledModel.Parameter param = compiled.parameters().get(name);
        if (param == null) {
            throw new ConfigurationException("no trainable parameter '" + name + "'");
        }
        return param;
    }

    @Override
    public Map<String, TensorData> values(Collection<String> parameters) {
        List<String> names = new ArrayList<>(parameters);
        Session.Runner runner = session.runner();
        names.forEach(p -> runner.fetch(parameter(p).read()));
        return run("read", tensors -> fetchAll(runner, names));
    }

    @Override
    public Map<String, TensorData> gradients(Batch batch, Collection<String> parameters) {
        List<String> names = new ArrayList<>(parameters);
        names.forEach(this::parameter);
        return run("gradient", tensors -> {
            Session.Runner runner = loss.feed(session.runner(), batch, tensors);
            List<String> fetched = new ArrayList<>();
            for (String n : names) {
                UpdateGraph.ParameterOps p = updates.parameters().get(n);
                if (p != null) {
                    runner.fetch(p.gradient());
                    fetched.add(n);
                }
            }
            Map<String, TensorData> out = fetchAll(runner, fetched);
            for (String n : names) {
                out.computeIfAbsent(n, p -> zerosLike(compiled.model().graph().initializers().get(p)));
            }
            return out;
        });
    }

    private static TensorData zerosLike(TensorData like) {
        return TensorData.ofFloats(like.shape(), new float[like.elementCount()]);
    }

    @Override
    public Map<String, TensorData> statistics(Statistic statistic, Collection<String> parameters) {
        if (!spec.statistics().contains(statistic)) {
            throw new ConfigurationException("the training spec does not accumulate the " + statistic + " statistic (it has "
                    + spec.statistics() + ")");
        }
        List<String> names = new ArrayList<>(parameters);
        names.forEach(this::parameter);
        Session.Runner runner = session.runner();
        List<String> fetched = new ArrayList<>();
        for (String n : names) {
            UpdateGraph.ParameterOps p = updates.parameters().get(n);
            if (p != null) {
                runner.fetch(p.statistics().get(statistic).ref());
                fetched.add(n);
            }
        }
        Map<String, TensorData> out = run("statistics read", tensors -> fetchAll(runner, fetched));
        for (String n : names) {
            out.computeIfAbsent(n, p -> zerosLike(compiled.model().graph().initializers().get(p)));
        }
        return out;
    }

    @Override
    public void setUpdateMultipliers(Map<String, TensorData> multipliers) {
        if (!spec.updateMultipliers()) {
            throw new ConfigurationException("update multipliers are off in this training spec");
        }
        Map<TrainingOps.Variable, TensorData> values = new LinkedHashMap<>();
        multipliers.forEach((parameter, multiplier) -> {
            parameter(parameter);
            UpdateGraph.ParameterOps p = updates.parameters().get(parameter);
            if (p == null) {
                return; // No gradient reaches this parameter: it never moves, whatever its multiplier.
            }
            TrainingOps.Variable v = p.multiplier();
            if (multiplier.type() != DataType.FLOAT || !java.util.Arrays.equals(multiplier.shape(), v.shape())) {
                throw new DataException("multiplier for '" + parameter + "' must be float" + dev.rsr.ir.Shape.format(v.shape())
                        + ", got " + multiplier);
            }
            values.put(v, multiplier);
        });
        assign(values);
    }

    private void assign(Map<TrainingOps.Variable, TensorData> values) {
        run("assignment", tensors -> {
            Session.Runner runner = session.runner();
            values.forEach((v, data) -> {
                Tensor t = TfTensors.toTensor(data, v.name());
                tensors.add(t);
                runner.feed(v.value(), t).addTarget(v.assign());
            });
            if (!runner.isEmpty()) {
                runner.run().close();
            }
            return null;
        });
    }

    @Override
    public void snapshot(Set<String> moduleNames) {
        runModuleOps(moduleNames, UpdateGraph.ModuleOps::snapshot, "snapshot");
        moduleNames.forEach(m -> snapshotSteps.put(m, moduleSteps.get(m)));
    }

    @Override
    public void rollback(Set<String> moduleNames) {
        Set<String> saved = new HashSet<>(moduleNames);
        saved.retainAll(snapshotSteps.keySet());
        runModuleOps(saved, UpdateGraph.ModuleOps::rollback, "rollback");
        saved.forEach(m -> moduleSteps.put(m, snapshotSteps.get(m)));
    }

    private void runModuleOps(Set<String> moduleNames, Function<UpdateGraph.ModuleOps, Operation> op, String what) {
        List<UpdateGraph.ModuleOps> ops = acquire(moduleNames);
        try {
            run(what, tensors -> {
                Session.Runner runner = session.runner();
                ops.forEach(m -> runner.addTarget(op.apply(m)));
                if (!runner.isEmpty()) {
                    runner.run().close();
                }
                return null;
            });
        } finally {
            release(ops);
        }
    }

    @Override
    public ModelGraph export() {
        return compiled.model().withInitializers(values(compiled.parameters().keySet()));
    }

    @Override
    public void saveCheckpoint(Path file, Map<String, String> settings) {
        Map<String, TensorData> tensors = new LinkedHashMap<>(values(compiled.parameters().keySet()));
        List<String> names = new ArrayList<>(updates.state().keySet());
        Session.Runner runner = session.runner();
        names.forEach(n -> runner.fetch(updates.state().get(n).ref()));
        tensors.putAll(run("checkpoint read", t -> fetchAll(runner, names)));
        Map<String, Long> counters = new LinkedHashMap<>();
        moduleSteps.forEach((m, t) -> counters.put("steps#" + m, t));
        Checkpoints.write(file, new Checkpoints.Content(new LinkedHashMap<>(settings), counters, tensors));
    }

    @Override
    public void restoreCheckpoint(Path file, Map<String, String> settings) {
        Checkpoints.Content content = Checkpoints.read(file);
        Checkpoints.requireSettings(file, content.settings(), settings);
        Map<String, TensorData> params = new LinkedHashMap<>();
        Map<TrainingOps.Variable, TensorData> others = new HashMap<>();
        for (Map.Entry<String, TensorData> e : content.tensors().entrySet()) {
            String name = e.getKey();
            if (name.indexOf('#') < 0) {
                TensorData current = compiled.model().graph().initializers().get(name);
                if (!compiled.parameters().containsKey(name) || current == null) {
                    throw new DataException(file + ": parameter '" + name + "' is not trainable in this session; was the checkpoint made with another model or spec?");
                }
                if (!java.util.Arrays.equals(current.shape(), e.getValue().shape()) || current.type() != e.getValue().type()) {
                    throw new DataException(file + ": parameter '" + name + "' is " + e.getValue().type() + java.util.Arrays.toString(e.getValue().shape())
                            + " in the checkpoint but " + current.type() + java.util.Arrays.toString(current.shape()) + " in this model");
                }
                params.put(name, e.getValue());
                continue;
            }
            TrainingOps.Variable v = updates.state().get(name);
            if (v == null) {
                throw new DataException(file + ": '" + name + "' does not match this session's optimizer, multipliers or statistics");
            }
            if (!java.util.Arrays.equals(v.shape(), e.getValue().shape())) {
                throw new DataException(file + ": '" + name + "' is " + java.util.Arrays.toString(e.getValue().shape())
                        + " in the checkpoint but " + java.util.Arrays.toString(v.shape()) + " in this session");
            }
            others.put(v, e.getValue());
        }
        List<String> missingState = updates.state().keySet().stream().filter(n -> !content.tensors().containsKey(n)).sorted().toList();
        if (!missingState.isEmpty()) {
            throw new DataException(file + ": the checkpoint lacks this session's " + String.join(", ",
                    missingState.subList(0, Math.min(5, missingState.size()))) + (missingState.size() > 5 ? ", ..." : "")
                    + "; was it made with another optimizer, multipliers or statistics?");
        }
        List<String> missing = compiled.parameters().keySet().stream().filter(n -> !params.containsKey(n)).sorted().toList();
        if (!missing.isEmpty()) {
            throw new DataException(file + ": the checkpoint lacks " + missing.size() + " of this model's parameters (" + String.join(", ",
                    missing.subList(0, Math.min(5, missing.size()))) + (missing.size() > 5 ? ", ..." : "")
                    + "); was it made with another model?");
        }
        // Everything checked: only now does anything change.
        TfSessions.assign(session, compiled, params);
        assign(others);
        snapshotSteps.clear(); // a snapshot from before the restore must not be rolled back to
        content.counters().forEach((k, v) -> {
            if (k.startsWith("steps#") && moduleSteps.containsKey(k.substring(6))) {
                moduleSteps.put(k.substring(6), v);
            }
        });
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
