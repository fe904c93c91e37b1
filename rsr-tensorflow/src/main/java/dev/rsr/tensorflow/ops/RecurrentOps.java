package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;

/**
 * ONNX's recurrent layers RNN, GRU and LSTM (opsets 7 to 22), with every direction, layout,
 * activation, clip, peephole and {@code sequence_lens} option. The time loop is unrolled while
 * compiling, so the sequence length must be static; each step is MatMul and elementwise ops,
 * which TensorFlow differentiates, so the layers train.
 */
public final class RecurrentOps implements OpConverterProvider {
    public static final String NAME = "rsr-recurrent-ops";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        Map<String, OpConverter> m = new LinkedHashMap<>();
        m.put("RNN", c -> recurrent(c, Kind.RNN));
        m.put("GRU", c -> recurrent(c, Kind.GRU));
        m.put("LSTM", c -> recurrent(c, Kind.LSTM));
        return Collections.unmodifiableMap(m);
    }

    /** The three layers: how many gates W stacks, and the activations one direction takes by default. */
    private enum Kind {
        RNN(1, "Tanh"),
        GRU(3, "Sigmoid", "Tanh"),
        LSTM(4, "Sigmoid", "Tanh", "Tanh");

        final int gates;
        final List<String> defaultActivations;

        Kind(int gates, String... defaultActivations) {
            this.gates = gates;
            this.defaultActivations = List.of(defaultActivations);
        }
    }

    /** One activation function with its alpha and beta. */
    private record Activation(String name, float alpha, float beta) {
    }

    /** What every time step of one direction reads: its recurrence weights and bias, peepholes and activations. */
    private record Direction(Output<?> r, Output<?> recurrentBias, List<Output<?>> peepholes, List<Activation> activations) {
    }

    private static List<Output<?>> recurrent(ConversionContext c, Kind kind) {
        Output<?> x = c.input(0);
        if (c.rank(x) != 3) {
            throw c.error("X must be 3-D, is " + c.rank(x) + "-D");
        }
        String direction = c.node().attribute("direction").map(Attribute::asString).orElse("forward");
        int directions;
        switch (direction) {
            case "forward", "reverse" -> directions = 1;
            case "bidirectional" -> directions = 2;
            default -> throw c.error("direction '" + direction + "' is not forward, reverse or bidirectional");
        }
        long layout = c.node().intAttribute("layout", 0);
        if (layout != 0 && layout != 1) {
            throw c.error("layout " + layout + " is not 0 or 1");
        }
        boolean batchFirst = layout == 1;
        Output<?> timeMajor = batchFirst ? Tf.transpose(c, x, 1, 0, 2) : x;
        long steps = staticDim(timeMajor, 0);
        if (steps < 0) {
            throw c.error("the sequence length (axis " + (batchFirst ? 1 : 0)
                    + " of X) must be known while compiling: the TensorFlow backend unrolls the time loop");
        }
        if (steps == 0) {
            throw c.error("X has no time steps");
        }
        DataType type = c.typeOf(x);
        Output<?> clip = clip(c, type);
        List<List<Activation>> activations = activations(c, kind, directions);

        Output<?> hidden = hiddenSize(c);
        Output<?> batch = Tf.dim(c, timeMajor, 1);
        Output<?> zeros = op(c, "BroadcastTo", c.scalar(0, type),
                Tf.cast(c, Tf.concat(c, List.of(Tf.reshape(c, batch, c.longs(1)), Tf.reshape(c, hidden, c.longs(1)))), DataType.INT32));

        List<Output<?>> ws = perDirection(c, c.input(1), directions, "W");
        List<Output<?>> rs = perDirection(c, c.input(2), directions, "R");
        List<Output<?>> bs = c.hasInput(3) ? perDirection(c, c.input(3), directions, "B") : null;
        List<Output<?>> initialH = c.hasInput(5) ? perDirection(c, stateTimeMajor(c, c.input(5), batchFirst), directions, "initial_h") : null;
        List<Output<?>> initialC = kind == Kind.LSTM && c.hasInput(6)
                ? perDirection(c, stateTimeMajor(c, c.input(6), batchFirst), directions, "initial_c") : null;
        List<Output<?>> ps = kind == Kind.LSTM && c.hasInput(7) ? perDirection(c, c.input(7), directions, "P") : null;
        List<Output<?>> masks = c.hasInput(4) ? masks(c, c.input(4), steps, type) : null;

        Output<?> flatX = Tf.reshape(c, timeMajor, Tf.concat(c, List.of(c.longs(-1), Tf.slice1d(c, Tf.shape(c, timeMajor), 2, 3L))));
        List<Output<?>> ys = new ArrayList<>();
        List<Output<?>> lastH = new ArrayList<>();
        List<Output<?>> lastC = new ArrayList<>();
        for (int d = 0; d < directions; d++) {
            Output<?> inputBias = null;
            Output<?> recurrentBias = null;
            if (bs != null) {
                Operation halves = split(c, bs.get(d), 0, 2);
                inputBias = halves.output(0);
                recurrentBias = halves.output(1);
            }
            List<Output<?>> peepholes = ps == null ? null : outputs(split(c, ps.get(d), 0, 3), 3);
            boolean reversed = direction.equals("reverse") || d == 1;
            Direction dir = new Direction(rs.get(d), recurrentBias, peepholes, activations.get(d));

            // The input projections of every step at once: [steps · batch, input] × Wᵀ.
            Output<?> projected = builder(c, "MatMul", flatX, ws.get(d)).setAttr("transpose_b", true).build().output(0);
            if (inputBias != null) {
                projected = op(c, "AddV2", projected, inputBias);
            }
            Output<?> byStep = Tf.reshape(c, projected, Tf.concat(c, List.of(c.longs(steps, -1), Tf.slice1d(c, Tf.shape(c, projected), 1, 2L))));
            List<Output<?>> inputs = unstack(c, byStep, (int) steps);

            Output<?> h = initialH == null ? zeros : initialH.get(d);
            Output<?> cell = initialC == null ? zeros : initialC.get(d);
            Output<?>[] y = new Output<?>[(int) steps];
            for (int k = 0; k < steps; k++) {
                int t = reversed ? (int) steps - 1 - k : k;
                Output<?>[] next = switch (kind) {
                    case RNN -> new Output<?>[] {rnnStep(c, dir, inputs.get(t), h, clip)};
                    case GRU -> new Output<?>[] {gruStep(c, dir, inputs.get(t), h, clip)};
                    case LSTM -> lstmStep(c, dir, inputs.get(t), h, cell, clip);
                };
                if (masks == null) {
                    h = next[0];
                    y[t] = h;
                    if (kind == Kind.LSTM) {
                        cell = next[1];
                    }
                } else {
                    // Past its sequence's end a batch entry keeps its state and outputs zeros; the
                    // reverse direction so starts from each sequence's own last step.
                    Output<?> valid = masks.get(t);
                    Output<?> stale = op(c, "Sub", c.scalar(1, type), valid);
                    y[t] = op(c, "Mul", valid, next[0]);
                    h = op(c, "AddV2", y[t], op(c, "Mul", stale, h));
                    if (kind == Kind.LSTM) {
                        cell = op(c, "AddV2", op(c, "Mul", valid, next[1]), op(c, "Mul", stale, cell));
                    }
                }
            }
            ys.add(stack(c, Arrays.asList(y), 0));
            lastH.add(h);
            lastC.add(cell);
        }

        Output<?> yAll = stack(c, ys, 1);
        Output<?> yH = stack(c, lastH, 0);
        List<Output<?>> out = new ArrayList<>();
        out.add(batchFirst ? Tf.transpose(c, yAll, 2, 0, 1, 3) : yAll);
        out.add(batchFirst ? Tf.transpose(c, yH, 1, 0, 2) : yH);
        if (kind == Kind.LSTM) {
            Output<?> yC = stack(c, lastC, 0);
            out.add(batchFirst ? Tf.transpose(c, yC, 1, 0, 2) : yC);
        }
        return out;
    }

    /** Hₜ = f(Xₜ·Wᵀ + Hₜ₋₁·Rᵀ + Wb + Rb). */
    private static Output<?> rnnStep(ConversionContext c, Direction d, Output<?> input, Output<?> h, Output<?> clip) {
        return activate(c, d.activations().get(0), clipped(c, op(c, "AddV2", input, recurrent(c, d.r(), d.recurrentBias(), h)), clip));
    }

    /**
     * zₜ = f(x_z + Hₜ₋₁·R_zᵀ + Rb_z), rₜ likewise, hₜ = g(x_h + (rₜ ⊙ Hₜ₋₁)·R_hᵀ + Rb_h), or with
     * {@code linear_before_reset} g(x_h + rₜ ⊙ (Hₜ₋₁·R_hᵀ + Rb_h)); Hₜ = (1 − zₜ) ⊙ hₜ + zₜ ⊙ Hₜ₋₁.
     */
    private static Output<?> gruStep(ConversionContext c, Direction d, Output<?> input, Output<?> h, Output<?> clip) {
        List<Output<?>> x = outputs(split(c, input, 1, 3), 3);
        List<Output<?>> r = outputs(split(c, d.r(), 0, 3), 3);
        List<Output<?>> rb = d.recurrentBias() == null ? Arrays.asList(null, null, null) : outputs(split(c, d.recurrentBias(), 0, 3), 3);
        Activation f = d.activations().get(0);
        Activation g = d.activations().get(1);
        Output<?> update = activate(c, f, clipped(c, op(c, "AddV2", x.get(0), recurrent(c, r.get(0), rb.get(0), h)), clip));
        Output<?> reset = activate(c, f, clipped(c, op(c, "AddV2", x.get(1), recurrent(c, r.get(1), rb.get(1), h)), clip));
        Output<?> hiddenInput = c.node().intAttribute("linear_before_reset", 0) != 0
                ? op(c, "Mul", reset, recurrent(c, r.get(2), rb.get(2), h))
                : recurrent(c, r.get(2), rb.get(2), op(c, "Mul", reset, h));
        Output<?> candidate = activate(c, g, clipped(c, op(c, "AddV2", x.get(2), hiddenInput), clip));
        Output<?> keep = op(c, "Sub", c.scalar(1, c.typeOf(h)), update);
        return op(c, "AddV2", op(c, "Mul", keep, candidate), op(c, "Mul", update, h));
    }

    /**
     * Gates in ONNX's order i, o, f, c: iₜ = f(x_i + Hₜ₋₁·R_iᵀ + P_i ⊙ Cₜ₋₁), fₜ likewise (or 1 − iₜ
     * with {@code input_forget}), cₜ = g(x_c + Hₜ₋₁·R_cᵀ), Cₜ = fₜ ⊙ Cₜ₋₁ + iₜ ⊙ cₜ,
     * oₜ = f(x_o + Hₜ₋₁·R_oᵀ + P_o ⊙ Cₜ), Hₜ = oₜ ⊙ h(Cₜ). Returns {Hₜ, Cₜ}.
     */
    private static Output<?>[] lstmStep(ConversionContext c, Direction d, Output<?> input, Output<?> h, Output<?> cell, Output<?> clip) {
        Output<?> preactivations = op(c, "AddV2", input, recurrent(c, d.r(), d.recurrentBias(), h));
        List<Output<?>> gates = outputs(split(c, preactivations, 1, 4), 4);
        List<Output<?>> p = d.peepholes();
        Activation f = d.activations().get(0);
        Activation g = d.activations().get(1);
        Activation hAct = d.activations().get(2);
        Output<?> inputGate = activate(c, f, clipped(c, peep(c, gates.get(0), p == null ? null : p.get(0), cell), clip));
        Output<?> forgetGate = c.node().intAttribute("input_forget", 0) != 0
                ? op(c, "Sub", c.scalar(1, c.typeOf(h)), inputGate)
                : activate(c, f, clipped(c, peep(c, gates.get(2), p == null ? null : p.get(2), cell), clip));
        Output<?> candidate = activate(c, g, clipped(c, gates.get(3), clip));
        Output<?> nextCell = op(c, "AddV2", op(c, "Mul", forgetGate, cell), op(c, "Mul", inputGate, candidate));
        Output<?> outputGate = activate(c, f, clipped(c, peep(c, gates.get(1), p == null ? null : p.get(1), nextCell), clip));
        return new Output<?>[] {op(c, "Mul", outputGate, activate(c, hAct, nextCell)), nextCell};
    }

    /** h·rᵀ + bias. */
    private static Output<?> recurrent(ConversionContext c, Output<?> r, Output<?> bias, Output<?> h) {
        Output<?> product = builder(c, "MatMul", h, r).setAttr("transpose_b", true).build().output(0);
        return bias == null ? product : op(c, "AddV2", product, bias);
    }

    private static Output<?> peep(ConversionContext c, Output<?> gate, Output<?> peephole, Output<?> cell) {
        return peephole == null ? gate : op(c, "AddV2", gate, op(c, "Mul", peephole, cell));
    }

    private static Output<?> clipped(ConversionContext c, Output<?> x, Output<?> clip) {
        return clip == null ? x : op(c, "Minimum", op(c, "Maximum", x, op(c, "Neg", clip)), clip);
    }

    /** The clip threshold, or null when none is set. */
    private static Output<?> clip(ConversionContext c, DataType type) {
        if (c.node().attribute("clip").isEmpty()) {
            return null;
        }
        float clip = c.node().floatAttribute("clip", 0f);
        if (!(clip > 0)) {
            throw c.error("clip " + clip + " must be positive");
        }
        return c.scalar(clip, type);
    }

    /**
     * Each direction's activations, from {@code activations} (one direction's list serves both
     * when bidirectional) and the alphas and betas, which are consumed in order by the functions
     * that take them, defaulting as the ONNX operators of the same name do.
     */
    private static List<List<Activation>> activations(ConversionContext c, Kind kind, int directions) {
        int perDirection = kind.defaultActivations.size();
        List<String> names = c.node().attribute("activations").map(Attribute::asStrings).orElse(kind.defaultActivations);
        if (names.size() == perDirection * 2 && directions == 1 && kind == Kind.RNN) {
            // RNN's declared default lists two, one per direction: a one-direction layer uses the first.
            names = names.subList(0, 1);
        } else if (names.size() == perDirection && directions == 2) {
            List<String> both = new ArrayList<>(names);
            both.addAll(names);
            names = both;
        } else if (names.size() != perDirection * directions) {
            throw c.error("activations lists " + names.size() + " functions, " + kind + " takes " + perDirection + " per direction ("
                    + perDirection * directions + " here)");
        }
        float[] alphas = c.node().attribute("activation_alpha").map(Attribute::asFloats).orElse(new float[0]);
        float[] betas = c.node().attribute("activation_beta").map(Attribute::asFloats).orElse(new float[0]);
        int nextAlpha = 0;
        int nextBeta = 0;
        List<List<Activation>> out = new ArrayList<>();
        for (int d = 0; d < directions; d++) {
            List<Activation> one = new ArrayList<>();
            for (String given : names.subList(d * perDirection, (d + 1) * perDirection)) {
                String name = given.toLowerCase(Locale.ROOT);
                float[] defaults = switch (name) {
                    case "relu", "tanh", "sigmoid", "softsign", "softplus" -> new float[0];
                    case "leakyrelu" -> new float[] {0.01f};
                    case "thresholdedrelu", "elu" -> new float[] {1f};
                    case "hardsigmoid" -> new float[] {0.2f, 0.5f};
                    case "affine" -> new float[] {1f, 0f};
                    case "scaledtanh" -> new float[] {Float.NaN, Float.NaN};
                    default -> throw c.error("activations: '" + given + "' is not one of Relu, Tanh, Sigmoid, Affine, LeakyRelu, "
                            + "ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus");
                };
                float alpha = 0;
                float beta = 0;
                if (defaults.length > 0) {
                    alpha = nextAlpha < alphas.length ? alphas[nextAlpha++] : defaults[0];
                }
                if (defaults.length > 1) {
                    beta = nextBeta < betas.length ? betas[nextBeta++] : defaults[1];
                }
                if (Float.isNaN(alpha) || Float.isNaN(beta)) {
                    throw c.error("activations: ScaledTanh needs its alpha and beta in activation_alpha and activation_beta");
                }
                one.add(new Activation(name, alpha, beta));
            }
            out.add(one);
        }
        return out;
    }

    private static Output<?> activate(ConversionContext c, Activation a, Output<?> x) {
        DataType type = c.typeOf(x);
        Output<?> alpha = c.scalar(a.alpha(), type);
        Output<?> beta = c.scalar(a.beta(), type);
        Output<?> zero = c.scalar(0, type);
        Output<?> one = c.scalar(1, type);
        return switch (a.name()) {
            case "relu" -> op(c, "Relu", x);
            case "tanh" -> op(c, "Tanh", x);
            case "sigmoid" -> op(c, "Sigmoid", x);
            case "leakyrelu" -> builder(c, "LeakyRelu", x).setAttr("alpha", a.alpha()).build().output(0);
            case "thresholdedrelu" -> op(c, "Mul", x, Tf.cast(c, op(c, "Greater", x, alpha), type));
            case "hardsigmoid" -> op(c, "Minimum", op(c, "Maximum", op(c, "AddV2", op(c, "Mul", alpha, x), beta), zero), one);
            case "affine" -> op(c, "AddV2", op(c, "Mul", alpha, x), beta);
            case "scaledtanh" -> op(c, "Mul", alpha, op(c, "Tanh", op(c, "Mul", beta, x)));
            // max(x, 0) + α·(e^min(x, 0) − 1): x where x ≥ 0, α·(eˣ − 1) below, with no overflow above.
            case "elu" -> op(c, "AddV2", op(c, "Relu", x), op(c, "Mul", alpha, op(c, "Sub", op(c, "Exp", op(c, "Minimum", x, zero)), one)));
            case "softsign" -> op(c, "RealDiv", x, op(c, "AddV2", one, op(c, "Abs", x)));
            // log(1 + eˣ) as max(x, 0) + log(1 + e^−|x|), which does not overflow.
            case "softplus" -> op(c, "AddV2", op(c, "Relu", x), op(c, "Log1p", op(c, "Exp", op(c, "Neg", op(c, "Abs", x)))));
            default -> throw new IllegalStateException(a.name());
        };
    }

    /** The hidden size, an int64 scalar: the attribute, else R's last axis. */
    private static Output<?> hiddenSize(ConversionContext c) {
        long fromR = staticDim(c.input(2), 2);
        if (c.node().attribute("hidden_size").isEmpty()) {
            return fromR >= 0 ? c.scalar(fromR, DataType.INT64) : Tf.dim(c, c.input(2), 2);
        }
        long hidden = c.node().intAttribute("hidden_size", 0);
        if (hidden <= 0 || fromR >= 0 && fromR != hidden) {
            throw c.error("hidden_size " + hidden + " must be positive and match R's last axis" + (fromR >= 0 ? " (" + fromR + ")" : ""));
        }
        return c.scalar(hidden, DataType.INT64);
    }

    /** A [num_directions, …] input split into its directions, checking the count when TensorFlow knows it. */
    private static List<Output<?>> perDirection(ConversionContext c, Output<?> x, int directions, String what) {
        long given = staticDim(x, 0);
        if (given >= 0 && given != directions) {
            throw c.error(what + " has " + given + " directions on axis 0, the direction attribute asks for " + directions);
        }
        return unstack(c, x, directions);
    }

    /** initial_h or initial_c as [num_directions, batch, hidden], whatever the layout. */
    private static Output<?> stateTimeMajor(ConversionContext c, Output<?> state, boolean batchFirst) {
        return batchFirst ? Tf.transpose(c, state, 1, 0, 2) : state;
    }

    /** Per step, 1 for the batch entries whose sequence reaches it and 0 for the others, as [batch, 1]. */
    private static List<Output<?>> masks(ConversionContext c, Output<?> lengths, long steps, DataType type) {
        Output<?> asColumn = Tf.reshape(c, Tf.cast(c, lengths, DataType.INT64), c.longs(-1, 1));
        List<Output<?>> out = new ArrayList<>();
        for (long t = 0; t < steps; t++) {
            out.add(Tf.cast(c, op(c, "Less", c.scalar(t, DataType.INT64), asColumn), type));
        }
        return out;
    }

    private static Operation split(ConversionContext c, Output<?> x, int axis, int parts) {
        return builder(c, "Split", c.scalar(axis, DataType.INT32), x).setAttr("num_split", parts).build();
    }

    private static List<Output<?>> outputs(Operation operation, int count) {
        List<Output<?>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(operation.output(i));
        }
        return out;
    }

    /** The slices of x along axis 0. */
    private static List<Output<?>> unstack(ConversionContext c, Output<?> x, int count) {
        return outputs(builder(c, "Unpack", x).setAttr("num", count).setAttr("axis", 0L).build(), count);
    }

    private static Output<?> stack(ConversionContext c, List<Output<?>> parts, long axis) {
        return builder(c, "Pack").addInputList(parts.toArray(new Output<?>[0])).setAttr("axis", axis).build().output(0);
    }

    private static long staticDim(Output<?> x, int axis) {
        Shape shape = x.shape();
        return shape.isUnknown() || axis >= shape.numDimensions() ? -1 : shape.size(axis);
    }
}
