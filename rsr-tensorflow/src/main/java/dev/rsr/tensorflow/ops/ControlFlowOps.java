package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Graph;
import dev.rsr.ir.Node;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Output;

/**
 * ONNX control flow: If, Loop and Scan, their subgraphs converted inline into the enclosing graph
 * so that gradients flow through them to the parameters they read.
 *
 * <p>Not TensorFlow's functional control flow: StatelessIf and StatelessWhile with
 * ConcreteFunction branches build and run from Java, but {@code Graph.addGradients}, which uses
 * TensorFlow's C++ gradient registry, fails on them ("No gradient defined for op: StatelessIf",
 * and StatelessWhile; If and While choose those stateless forms), so a model using them could not
 * be fine-tuned. Instead:
 * <ul>
 * <li>If with a constant condition converts only the branch taken; with a computed one it converts
 *     both and selects each output (Select, which TensorFlow differentiates). Both branches then
 *     run, and each output must have the same shape in both.</li>
 * <li>Loop unrolls. It runs as many iterations as a constant trip count says; without one, as
 *     many as the declared first dimension of a scan output allows, and the graph fails at run
 *     time (an Assert) should the loop want more. A computed condition (or a trip count known
 *     only at run time) guards each iteration: one that does not run passes the state on, and
 *     scan outputs keep the rows of the iterations that ran.</li>
 * <li>Scan unrolls over the static length of its scan inputs.</li>
 * </ul>
 * At most {@value #MAX_ITERATIONS} iterations are unrolled; longer loops are refused.
 */
public final class ControlFlowOps implements OpConverterProvider {
    public static final String NAME = "rsr-control-flow-ops";

    /** Iterations unrolled at most: each copies the body into the graph. */
    static final int MAX_ITERATIONS = 1024;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        Map<String, OpConverter> m = new LinkedHashMap<>();
        m.put("If", ControlFlowOps::ifOp);
        m.put("Loop", ControlFlowOps::loop);
        m.put("Scan", ControlFlowOps::scan);
        return Collections.unmodifiableMap(m);
    }

    private static List<Output<?>> ifOp(ConversionContext c) {
        Optional<TensorData> known = c.constantInput(0);
        if (known.isPresent()) {
            return c.subgraph(known.get().getAsDouble(0) != 0 ? "then_branch" : "else_branch", "taken", List.of(), null);
        }
        List<Output<?>> thenOuts = c.subgraph("then_branch", "then_branch", List.of(), null);
        List<Output<?>> elseOuts = c.subgraph("else_branch", "else_branch", List.of(), null);
        if (thenOuts.size() != elseOuts.size()) {
            throw c.error("then_branch has " + thenOuts.size() + " outputs but else_branch " + elseOuts.size());
        }
        Output<?> cond = Tf.reshape(c, Tf.cast(c, c.input(0), DataType.BOOL), c.longs());
        List<Output<?>> outs = new ArrayList<>();
        for (int i = 0; i < thenOuts.size(); i++) {
            Output<?> t = thenOuts.get(i), e = elseOuts.get(i);
            if (t.dataType() != e.dataType()) {
                throw c.error("output " + i + " is " + c.typeOf(t).onnxName() + " in then_branch but " + c.typeOf(e).onnxName() + " in else_branch");
            }
            if (!sameStaticShape(t, e)) {
                throw c.error("output " + i + " has shape " + t.shape() + " in then_branch but " + e.shape() + " in else_branch; "
                        + "the TensorFlow backend selects between both branches' outputs and needs one shape (or a constant condition)");
            }
            outs.add(op(c, "Select", cond, t, e));
        }
        return outs;
    }

    /** True unless both shapes are known and differ. */
    private static boolean sameStaticShape(Output<?> a, Output<?> b) {
        org.tensorflow.ndarray.Shape x = a.shape(), y = b.shape();
        if (x.isUnknown() || y.isUnknown()) {
            return true;
        }
        if (x.numDimensions() != y.numDimensions()) {
            return false;
        }
        for (int i = 0; i < x.numDimensions(); i++) {
            if (x.get(i) >= 0 && y.get(i) >= 0 && x.get(i) != y.get(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Loop: inputs trip count M and condition (both optional), then the loop-carried values; the
     * body takes (iteration, condition, carried…) and gives (condition, carried…, scan rows…).
     */
    private static List<Output<?>> loop(ConversionContext c) {
        Node node = c.node();
        Graph body = node.attribute("body").filter(a -> a.kind() == Attribute.Kind.GRAPH)
                .orElseThrow(() -> c.error("graph attribute 'body' is required")).asGraph();
        int carried = node.inputs().size() - 2;
        int scans = body.outputs().size() - 1 - carried;
        if (carried < 0 || scans < 0 || body.inputs().size() != carried + 2) {
            throw c.error("attribute 'body' takes " + body.inputs().size() + " inputs and gives " + body.outputs().size()
                    + " outputs, which do not fit the node's " + node.inputs().size() + " inputs");
        }
        Long trips = c.constantInput(0).isPresent() ? c.constantLongs(0, "trip count")[0] : null;
        boolean condKnown = !c.hasInput(1) || c.constantInput(1).isPresent();
        boolean condTrue = !c.hasInput(1) || c.constantInput(1).map(t -> t.getAsDouble(0) != 0).orElse(false);
        long n;
        boolean bounded; // n is an upper bound the run must not exceed, not the exact count
        long declared = declaredScanLength(c, carried, scans);
        if (trips != null && !(trips > MAX_ITERATIONS && !condTrue && declared >= 0)) {
            n = condKnown && !condTrue ? 0 : Math.max(0, trips);
            bounded = false;
        } else {
            // No trip count, or a large one (exporters write the int64 maximum) that the condition ends.
            n = declared;
            bounded = true;
            if (n < 0) {
                throw c.error("the trip count (input 0) must be a constant, or the first dimension of a scan output declared, "
                        + "for the TensorFlow backend to unroll the loop");
            }
        }
        if (n > MAX_ITERATIONS) {
            throw c.error("unrolling " + n + " iterations exceeds the TensorFlow backend's limit of " + MAX_ITERATIONS);
        }
        if (n == 0 && scans > 0) {
            throw c.error("a loop of no iterations with scan outputs is not supported by the TensorFlow backend");
        }
        boolean condPassedOn = passesConditionOn(body);
        // null: known while compiling to be true.
        Output<?> cond = condTrue ? null : Tf.reshape(c, Tf.cast(c, c.input(1), DataType.BOOL), c.longs());
        Output<?> running = null;
        Output<?> tripCount = c.hasInput(0) && (trips == null || bounded) ? Tf.reshape(c, Tf.cast(c, c.input(0), DataType.INT64), c.longs()) : null;
        List<Output<?>> state = new ArrayList<>();
        for (int i = 0; i < carried; i++) {
            state.add(c.input(2 + i));
        }
        List<List<Output<?>>> rows = new ArrayList<>();
        for (int k = 0; k < scans; k++) {
            rows.add(new ArrayList<>());
        }
        List<Output<?>> ran = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            Output<?> iteration = c.scalar(i, DataType.INT64);
            Output<?> runs = and(c, running, cond);
            if (tripCount != null) {
                runs = and(c, runs, op(c, "Less", iteration, tripCount));
            }
            List<Output<?>> in = new ArrayList<>();
            List<TensorData> known = new ArrayList<>();
            in.add(iteration);
            known.add(TensorData.scalarLong(i));
            in.add(cond != null ? cond : c.constant(TensorData.ofBools(new long[0], true)));
            known.add(cond != null ? null : TensorData.ofBools(new long[0], true));
            for (Output<?> s : state) {
                in.add(s);
                known.add(null);
            }
            List<Output<?>> outs = c.subgraph("body", "body_" + i, in, known);
            for (int j = 0; j < carried; j++) {
                Output<?> next = outs.get(1 + j);
                state.set(j, runs == null ? next : op(c, "Select", runs, next, state.get(j)));
            }
            for (int k = 0; k < scans; k++) {
                rows.get(k).add(outs.get(1 + carried + k));
            }
            if (runs != null) {
                ran.add(runs);
            }
            running = runs;
            if (!condPassedOn) {
                cond = Tf.reshape(c, Tf.cast(c, outs.get(0), DataType.BOOL), c.longs());
            }
        }
        List<Output<?>> results = new ArrayList<>(state);
        Output<?> count = ran.isEmpty() ? null : Tf.reduce(c, "Sum", Tf.cast(c, builder(c, "Pack").addInputList(ran.toArray(new Output<?>[0])).build().output(0), DataType.INT64),
                c.int32s(0), false);
        for (int k = 0; k < scans; k++) {
            Output<?> stacked = builder(c, "Pack").addInputList(rows.get(k).toArray(new Output<?>[0])).build().output(0);
            if (count != null) {
                // Only the rows of the iterations that ran; int32 bounds, as StridedSlice's gradient builds them.
                Output<?> end = Tf.reshape(c, Tf.cast(c, count, DataType.INT32), c.longs(1));
                stacked = builder(c, "StridedSlice", stacked, c.int32s(0), end, c.int32s(1)).build().output(0);
            }
            results.add(stacked);
        }
        if (bounded) {
            // The loop would go on past the iterations unrolled: fail rather than answer wrongly.
            Output<?> more = and(c, running, cond);
            if (tripCount != null) {
                more = and(c, more, op(c, "Less", c.scalar(n, DataType.INT64), tripCount));
            }
            if (more == null) {
                throw c.error("without a trip count or a computed condition the loop does not end");
            }
            org.tensorflow.Operation check = builder(c, "Assert", op(c, "LogicalNot", more))
                    .addInputList(new Output<?>[] {c.constant(TensorData.vectorOfLongs(n))}).build();
            List<Output<?>> checked = new ArrayList<>();
            for (Output<?> r : results) {
                checked.add(builder(c, "Identity", r).addControlInput(check).build().output(0));
            }
            results = checked;
        }
        return results;
    }

    /** {@code a && b}, where null stands for true. */
    private static Output<?> and(ConversionContext c, Output<?> a, Output<?> b) {
        return a == null ? b : b == null ? a : op(c, "LogicalAnd", a, b);
    }

    /** The first dimension of the first scan output whose shape the model declares, or −1. */
    private static long declaredScanLength(ConversionContext c, int carried, int scans) {
        for (int k = 0; k < scans; k++) {
            int o = carried + k;
            if (o >= c.node().outputs().size() || c.node().outputs().get(o).isEmpty()) {
                continue;
            }
            Optional<ValueInfo> v = c.declared(c.node().outputs().get(o));
            if (v.isPresent() && v.get().shape().hasRank() && v.get().shape().rank() > 0 && v.get().shape().dim(0).isFixed()) {
                return v.get().shape().dim(0).size();
            }
        }
        return -1;
    }

    /** True when the body's condition output is its condition input, directly or through Identity. */
    private static boolean passesConditionOn(Graph body) {
        String in = body.inputs().get(1).name();
        String out = body.outputs().get(0).name();
        if (out.equals(in)) {
            return true;
        }
        return body.nodes().stream().anyMatch(n -> n.opType().equals("Identity") && n.isDefaultDomain()
                && n.outputs().get(0).equals(out) && n.inputs().get(0).equals(in));
    }

    /**
     * Scan: opset 9 and later take state inputs then {@code num_scan_inputs} scan inputs; opset 8
     * first takes sequence_lens and has a batch axis 0 on every input and output, scanned along
     * axis 1, which is a scan of each batch entry.
     */
    private static List<Output<?>> scan(ConversionContext c) {
        Node node = c.node();
        int scanInputs = Math.toIntExact(node.attribute("num_scan_inputs").orElseThrow(() -> c.error("attribute 'num_scan_inputs' is required")).asInt());
        if (c.opset() >= 9) {
            int states = node.inputs().size() - scanInputs;
            List<Output<?>> s = new ArrayList<>(), x = new ArrayList<>();
            for (int i = 0; i < node.inputs().size(); i++) {
                (i < states ? s : x).add(c.input(i));
            }
            return scanOnce(c, s, x, "");
        }
        int states = node.inputs().size() - 1 - scanInputs;
        List<Output<?>> s = new ArrayList<>(), x = new ArrayList<>();
        for (int i = 1; i < node.inputs().size(); i++) {
            (i - 1 < states ? s : x).add(c.input(i));
        }
        long batch = x.get(0).shape().get(0);
        if (batch < 0) {
            throw c.error("the batch size (axis 0 of input " + (1 + states) + ") must be static for the TensorFlow backend");
        }
        if (c.hasInput(0)) {
            long length = x.get(0).shape().get(1);
            long[] lens = c.constantLongs(0, "sequence_lens");
            if (length < 0 || Arrays.stream(lens).anyMatch(l -> l != length)) {
                throw c.error("sequence_lens (input 0) other than the full length is not supported by the TensorFlow backend");
            }
        }
        List<List<Output<?>>> perBatch = new ArrayList<>();
        for (long b = 0; b < batch; b++) {
            Output<?> index = c.scalar(b, DataType.INT64);
            List<Output<?>> sb = new ArrayList<>(), xb = new ArrayList<>();
            s.forEach(v -> sb.add(gather(c, v, index, 0)));
            x.forEach(v -> xb.add(gather(c, v, index, 0)));
            perBatch.add(scanOnce(c, sb, xb, "batch_" + b + "_"));
        }
        List<Output<?>> outs = new ArrayList<>();
        for (int o = 0; o < perBatch.get(0).size(); o++) {
            List<Output<?>> parts = new ArrayList<>();
            for (List<Output<?>> p : perBatch) {
                parts.add(p.get(o));
            }
            outs.add(builder(c, "Pack").addInputList(parts.toArray(new Output<?>[0])).build().output(0));
        }
        return outs;
    }

    private static Output<?> gather(ConversionContext c, Output<?> x, Output<?> index, int axis) {
        return op(c, "GatherV2", x, index, c.scalar(axis, DataType.INT32));
    }

    /** One scan (opset-9 attributes; opset 8's {@code directions} is scan_input_directions). */
    private static List<Output<?>> scanOnce(ConversionContext c, List<Output<?>> states, List<Output<?>> xs, String prefix) {
        Node node = c.node();
        long[] inAxes = ints(node, "scan_input_axes", xs.size(), 0);
        long[] inDirs = ints(node, c.opset() >= 9 ? "scan_input_directions" : "directions", xs.size(), 0);
        long length = -1;
        for (int j = 0; j < xs.size(); j++) {
            Output<?> x = xs.get(j);
            int axis = Tf.axis(inAxes[j], c.rank(x));
            long len = x.shape().get(axis);
            if (len < 0) {
                throw c.error("scan input " + j + " has no static length along axis " + axis + "; the TensorFlow backend unrolls the scan over it");
            }
            if (length >= 0 && len != length) {
                throw c.error("scan inputs have different lengths, " + length + " and " + len);
            }
            length = len;
            inAxes[j] = axis;
        }
        if (length > MAX_ITERATIONS) {
            throw c.error("unrolling " + length + " iterations exceeds the TensorFlow backend's limit of " + MAX_ITERATIONS);
        }
        if (length <= 0) {
            throw c.error("a scan of no iterations is not supported by the TensorFlow backend");
        }
        List<Output<?>> state = new ArrayList<>(states);
        List<List<Output<?>>> rows = new ArrayList<>();
        for (long t = 0; t < length; t++) {
            List<Output<?>> in = new ArrayList<>(state);
            for (int j = 0; j < xs.size(); j++) {
                long at = inDirs[j] == 1 ? length - 1 - t : t;
                in.add(gather(c, xs.get(j), c.scalar(at, DataType.INT64), (int) inAxes[j]));
            }
            List<Output<?>> outs = c.subgraph("body", prefix + "body_" + t, in, null);
            for (int j = 0; j < state.size(); j++) {
                state.set(j, outs.get(j));
            }
            for (int k = 0; k < outs.size() - state.size(); k++) {
                if (rows.size() <= k) {
                    rows.add(new ArrayList<>());
                }
                rows.get(k).add(outs.get(state.size() + k));
            }
        }
        long[] outAxes = ints(node, "scan_output_axes", rows.size(), 0);
        long[] outDirs = ints(node, "scan_output_directions", rows.size(), 0);
        List<Output<?>> results = new ArrayList<>(state);
        for (int k = 0; k < rows.size(); k++) {
            List<Output<?>> r = new ArrayList<>(rows.get(k));
            if (outDirs[k] == 1) {
                Collections.reverse(r);
            }
            int axis = Tf.axis(outAxes[k], c.rank(r.get(0)) + 1);
            results.add(builder(c, "Pack").addInputList(r.toArray(new Output<?>[0])).setAttr("axis", (long) axis).build().output(0));
        }
        return results;
    }

    /** An ints attribute of {@code count} entries, {@code fallback} each when absent. */
    private static long[] ints(Node node, String name, int count, long fallback) {
        long[] v = node.attribute(name).map(Attribute::asInts).orElse(null);
        if (v == null) {
            v = new long[count];
            Arrays.fill(v, fallback);
        } else if (v.length != count) {
            throw new dev.rsr.error.ModelException(node.describe() + ": attribute '" + name + "' has " + v.length + " entries, not " + count);
        }
        return v;
    }
}
