package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.DataType;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;

/**
 * ONNX's Attention (opsets 23 and 24): scaled dot-product attention over 3-D
 * {@code [batch, seq, heads·head_size]} or 4-D {@code [batch, heads, seq, head_size]} inputs, with
 * grouped key/value heads, a boolean or additive mask, causal masking, a key/value cache,
 * {@code nonpad_kv_seqlen}, softcap, the softmax precision and the optional QK output. Built from
 * BatchMatMulV2, Softmax, Tanh and SelectV2, whose TensorFlow gradients make it train.
 */
public final class AttentionOps implements OpConverterProvider {
    public static final String NAME = "rsr-attention-ops";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        return Map.of("Attention", AttentionOps::attention, "RotaryEmbedding", AttentionOps::rotaryEmbedding);
    }

    /**
     * RotaryEmbedding (opset 23), as ONNX's reference computes it: on {@code [batch, seq, heads,
     * head]}, the first {@code rotary_embedding_dim} channels (all by default) rotated in pairs,
     * halves or interleaved, by the cached angles of each position; the rest passed through.
     */
    private static List<Output<?>> rotaryEmbedding(ConversionContext c) {
        Output<?> x = c.input(0);
        int rank = c.rank(x);
        Output<?> shape = Tf.shape(c, x);
        Output<?> heads;
        if (rank == 4) {
            heads = Tf.transpose(c, x, 0, 2, 1, 3);
        } else if (rank == 3) {
            long count = c.node().intAttribute("num_heads", 0);
            if (count < 1) {
                throw c.error("a 3-D input needs num_heads >= 1");
            }
            heads = Tf.reshape(c, x, Tf.concat(c, List.of(Tf.slice1d(c, shape, 0, 2L), c.longs(count, -1))));
        } else {
            throw c.error("the input must be 3-D [batch, seq, hidden] or 4-D [batch, heads, seq, head], got rank " + rank);
        }
        long head = heads.shape().get(3);
        long rotated = c.node().intAttribute("rotary_embedding_dim", 0);
        if (rotated == 0) {
            rotated = head;
        }
        if (head < 0 || rotated % 2 != 0 || rotated > head) {
            throw c.error("rotary_embedding_dim " + rotated + " must be even and at most the head size " + head + " (known while compiling)");
        }
        Output<?> cos = c.input(1), sin = c.input(2);
        if (c.hasInput(3)) {
            Output<?> positions = Tf.cast(c, c.input(3), DataType.INT64);
            cos = op(c, "GatherV2", cos, positions, c.scalar(0, DataType.INT32));
            sin = op(c, "GatherV2", sin, positions, c.scalar(0, DataType.INT32));
        }
        cos = op(c, "ExpandDims", cos, c.scalar(2, DataType.INT32));
        sin = op(c, "ExpandDims", sin, c.scalar(2, DataType.INT32));
        long half = rotated / 2;
        boolean interleaved = c.node().intAttribute("interleaved", 0) != 0;
        Output<?> first, second;
        if (interleaved) {
            first = builder(c, "StridedSlice", heads, c.int32s(0, 0, 0, 0), c.int32s(0, 0, 0, (int) rotated), c.int32s(1, 1, 1, 2))
                    .setAttr("begin_mask", 7L).setAttr("end_mask", 7L).build().output(0);
            second = builder(c, "StridedSlice", heads, c.int32s(0, 0, 0, 1), c.int32s(0, 0, 0, (int) rotated), c.int32s(1, 1, 1, 2))
                    .setAttr("begin_mask", 7L).setAttr("end_mask", 7L).build().output(0);
        } else {
            first = lastAxis(c, heads, 0, half);
            second = lastAxis(c, heads, half, rotated);
        }
        Output<?> real = op(c, "Sub", op(c, "Mul", cos, first), op(c, "Mul", sin, second));
        Output<?> imaginary = op(c, "AddV2", op(c, "Mul", sin, first), op(c, "Mul", cos, second));
        Output<?> turned;
        if (interleaved) {
            // [.., half, 2] flattened puts real and imaginary parts back at even and odd places.
            Output<?> pairs = builder(c, "Pack").addInputList(new Output<?>[] {real, imaginary}).setAttr("axis", -1L).build().output(0);
            turned = Tf.reshape(c, pairs, Tf.concat(c, List.of(Tf.slice1d(c, Tf.shape(c, real), 0, 3L), c.longs(rotated))));
        } else {
            turned = Tf.concat(c, List.of(real, imaginary), 3);
        }
        Output<?> y = rotated == head ? turned : Tf.concat(c, List.of(turned, lastAxis(c, heads, rotated, head)), 3);
        return List.of(rank == 4 ? Tf.transpose(c, y, 0, 2, 1, 3) : Tf.reshape(c, y, shape));
    }

    /** {@code x[..., from:to]} of a 4-D tensor, int32 bounds for TensorFlow's gradient. */
    private static Output<?> lastAxis(ConversionContext c, Output<?> x, long from, long to) {
        return op(c, "Slice", x, c.int32s(0, 0, 0, from), c.int32s(-1, -1, -1, to - from));
    }

    private static List<Output<?>> attention(ConversionContext c) {
        Output<?> query = c.input(0);
        Output<?> key = c.input(1);
        Output<?> value = c.input(2);
        int rank = c.rank(query);
        if (rank != 3 && rank != 4 || c.rank(key) != rank || c.rank(value) != rank) {
            throw c.error("Q, K and V must all be 3-D or all 4-D, have ranks " + rank + ", " + c.rank(key) + ", " + c.rank(value));
        }
        if (c.hasInput(4) != c.hasInput(5)) {
            throw c.error("past_key and past_value must be given together");
        }
        long mode = c.node().intAttribute("qk_matmul_output_mode", 0);
        if (mode < 0 || mode > 3) {
            throw c.error("qk_matmul_output_mode " + mode + " is not one of 0, 1, 2, 3");
        }
        DataType type = c.typeOf(query);

        long qHeads;
        long kvHeads;
        Output<?> q;
        Output<?> k;
        Output<?> v;
        if (rank == 3) {
            if (c.node().attribute("q_num_heads").isEmpty() || c.node().attribute("kv_num_heads").isEmpty()) {
                throw c.error("3-D inputs need the q_num_heads and kv_num_heads attributes");
            }
            qHeads = c.node().intAttribute("q_num_heads", 0);
            kvHeads = c.node().intAttribute("kv_num_heads", 0);
            if (qHeads <= 0 || kvHeads <= 0) {
                throw c.error("q_num_heads " + qHeads + " and kv_num_heads " + kvHeads + " must be positive");
            }
            q = splitHeads(c, query, qHeads);
            k = splitHeads(c, key, kvHeads);
            v = splitHeads(c, value, kvHeads);
        } else {
            qHeads = staticDim(query, 1);
            kvHeads = staticDim(key, 1);
            q = query;
            k = key;
            v = value;
        }
        if (qHeads > 0 && kvHeads > 0 && qHeads % kvHeads != 0) {
            throw c.error("q_num_heads " + qHeads + " is not a multiple of kv_num_heads " + kvHeads);
        }
        if (c.hasInput(4)) {
            k = Tf.concat(c, List.of(c.input(4), k), 2);
            v = Tf.concat(c, List.of(c.input(5), v), 2);
        }
        Output<?> presentKey = k;
        Output<?> presentValue = v;

        // The product of two scaled operands, each by √scale, as the ONNX function body computes it.
        Output<?> rootScale = rootScale(c, q, rank == 3 ? headSize(query, qHeads) : staticDim(query, 3), type);
        Output<?> qScaled = op(c, "Mul", q, rootScale);
        Output<?> kScaled = op(c, "Mul", k, rootScale);
        // Query head h reads key/value head h / (qHeads / kvHeads): the query seen as
        // [batch, kv heads, group · q seq, head size] meets its own key/value head, with no copies.
        boolean grouped = qHeads <= 0 || kvHeads <= 0 || qHeads != kvHeads;
        Output<?> qShape = Tf.shape(c, q);
        Output<?> qGrouped = grouped ? byKeyHead(c, qScaled, k) : qScaled;
        Output<?> scoresShape = Tf.concat(c, List.of(Tf.slice1d(c, qShape, 0, 3L), c.longs(-1)));
        Output<?> scores = builder(c, "BatchMatMulV2", qGrouped, kScaled).setAttr("adj_y", true).build().output(0);
        if (grouped) {
            scores = Tf.reshape(c, scores, scoresShape);
        }

        float softcap = c.node().floatAttribute("softcap", 0f);
        if (softcap < 0) {
            throw c.error("softcap " + softcap + " must not be negative");
        }
        if (softcap > 0) {
            // Before the mask, so that masked scores stay −∞.
            Output<?> cap = c.scalar(softcap, type);
            scores = op(c, "Mul", cap, op(c, "Tanh", op(c, "RealDiv", scores, cap)));
        }
        Output<?> bias = bias(c, q, k, type);
        Output<?> biased = bias == null ? scores : op(c, "AddV2", scores, bias);

        Output<?> probabilities = softmax(c, biased, bias != null, type);
        Output<?> weighted = grouped ? byKeyHead(c, probabilities, k) : probabilities;
        Output<?> y = op(c, "BatchMatMulV2", weighted, v);
        if (grouped) {
            y = Tf.reshape(c, y, scoresShape);
        }
        if (rank == 3) {
            y = Tf.reshape(c, Tf.transpose(c, y, 0, 2, 1, 3), Tf.concat(c, List.of(Tf.slice1d(c, Tf.shape(c, query), 0, 2L), c.longs(-1))));
        }

        List<Output<?>> out = new ArrayList<>(List.of(y, presentKey, presentValue));
        if (c.node().outputs().size() > 3 && !c.node().outputs().get(3).isEmpty()) {
            // Modes 0 and 1 both give the (softcapped) product: the ONNX reference takes the softcap
            // as part of the product, and its test data follow it.
            out.add(switch ((int) mode) {
                case 0, 1 -> scores;
                case 2 -> biased;
                default -> probabilities;
            });
        }
        return out;
    }

    /** [batch, seq, heads · size] → [batch, heads, seq, size]. */
    private static Output<?> splitHeads(ConversionContext c, Output<?> x, long heads) {
        Output<?> shape = Tf.concat(c, List.of(Tf.slice1d(c, Tf.shape(c, x), 0, 2L), c.longs(heads, -1)));
        return Tf.transpose(c, Tf.reshape(c, x, shape), 0, 2, 1, 3);
    }

    /** [batch, q heads, q seq, n] → [batch, kv heads, group · q seq, n], each query head in its key/value head's group. */
    private static Output<?> byKeyHead(ConversionContext c, Output<?> x, Output<?> k) {
        Output<?> shape = Tf.shape(c, x);
        return Tf.reshape(c, x, Tf.concat(c, List.of(Tf.slice1d(c, shape, 0, 1L), Tf.slice1d(c, Tf.shape(c, k), 1, 2L), c.longs(-1),
                Tf.slice1d(c, shape, 3, 4L))));
    }

    private static long headSize(Output<?> x, long heads) {
        long hidden = staticDim(x, 2);
        return hidden < 0 ? -1 : hidden / heads;
    }

    /** √scale, with scale the attribute or 1/√head_size; the head size is read at run time when TensorFlow does not know it. */
    private static Output<?> rootScale(ConversionContext c, Output<?> q, long headSize, DataType type) {
        if (c.node().attribute("scale").isPresent()) {
            return c.scalar(Math.sqrt(c.node().floatAttribute("scale", 1f)), type);
        }
        if (headSize > 0) {
            return c.scalar(Math.sqrt(1 / Math.sqrt(headSize)), type);
        }
        return op(c, "Sqrt", op(c, "Rsqrt", Tf.cast(c, Tf.dim(c, q, 3), type)));
    }

    /**
     * The additive bias over [batch, q heads, q seq, total kv seq], 0 where a key is attended and
     * −∞ where not, from the mask, the causal frontier and {@code nonpad_kv_seqlen}; null when none
     * is given.
     */
    private static Output<?> bias(ConversionContext c, Output<?> q, Output<?> k, DataType type) {
        Output<?> zero = c.scalar(0, type);
        Output<?> minusInfinity = c.scalar(Double.NEGATIVE_INFINITY, type);
        Output<?> querySeq = Tf.dim(c, q, 2);
        Output<?> totalSeq = Tf.dim(c, k, 2);
        Output<?> keyPositions = Tf.iota(c, totalSeq);
        Output<?> nonpad = c.hasInput(6) ? Tf.cast(c, c.input(6), DataType.INT64) : null;
        List<Output<?>> parts = new ArrayList<>();
        if (c.hasInput(3)) {
            parts.add(mask(c, c.input(3), totalSeq, k, zero, minusInfinity, type));
        }
        if (c.node().intAttribute("is_causal", 0) != 0) {
            // Bottom-right aligned: query i attends key j when j ≤ i + offset, the offset being the
            // cached length, else per batch nonpad_kv_seqlen − q seq, else 0.
            Output<?> queryPositions = Tf.reshape(c, Tf.iota(c, querySeq), c.longs(-1, 1));
            Output<?> frontier;
            if (c.hasInput(4)) {
                frontier = op(c, "AddV2", queryPositions, Tf.dim(c, c.input(4), 2));
            } else if (nonpad != null) {
                Output<?> offset = Tf.reshape(c, op(c, "Sub", nonpad, querySeq), c.longs(-1, 1, 1, 1));
                frontier = op(c, "AddV2", queryPositions, offset);
            } else {
                frontier = queryPositions;
            }
            parts.add(op(c, "SelectV2", op(c, "LessEqual", keyPositions, frontier), zero, minusInfinity));
        }
        if (nonpad != null) {
            Output<?> valid = op(c, "Less", keyPositions, Tf.reshape(c, nonpad, c.longs(-1, 1, 1, 1)));
            parts.add(op(c, "SelectV2", valid, zero, minusInfinity));
        }
        Output<?> sum = null;
        for (Output<?> part : parts) {
            sum = sum == null ? part : op(c, "AddV2", sum, part);
        }
        return sum;
    }

    /** The mask as a bias, padded with −∞ (keys not attended) up to the total key length. */
    private static Output<?> mask(ConversionContext c, Output<?> mask, Output<?> totalSeq, Output<?> k, Output<?> zero,
                                  Output<?> minusInfinity, DataType type) {
        DataType maskType = c.typeOf(mask);
        Output<?> asBias;
        if (maskType == DataType.BOOL) {
            asBias = op(c, "SelectV2", mask, zero, minusInfinity);
        } else if (maskType == type) {
            asBias = mask;
        } else {
            throw c.error("attn_mask must be bool or " + type + ", is " + maskType);
        }
        int rank = c.rank(asBias);
        long length = staticDim(asBias, rank - 1);
        if (length >= 0 && length == staticDim(k, 2)) {
            return asBias;
        }
        // int32 paddings: the gradient of PadV2 slices with them and rejects int64 ones.
        Output<?> missing = Tf.cast(c, op(c, "Sub", totalSeq, Tf.dim(c, asBias, rank - 1)), DataType.INT32);
        long[] before = new long[2 * rank - 1];
        Output<?> paddings = Tf.reshape(c, Tf.concat(c, List.of(c.int32s(before), Tf.reshape(c, missing, c.int32s(1)))),
                c.int32s(rank, 2));
        return op(c, "PadV2", asBias, paddings, minusInfinity);
    }

    /**
     * Softmax over the keys, in {@code softmax_precision} when given. A row whose every key is
     * masked gives zeros, as the ONNX function body's guard does, not NaN: its scores are
     * replaced by zeros before the softmax too, so that its gradient is zero rather than NaN.
     */
    private static Output<?> softmax(ConversionContext c, Output<?> biased, boolean masked, DataType type) {
        DataType precision = type;
        if (c.node().attribute("softmax_precision").isPresent()) {
            long code = c.node().intAttribute("softmax_precision", 0);
            precision = DataType.fromOnnxCode((int) code).filter(List.of(DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16,
                    DataType.BFLOAT16)::contains).orElseThrow(() -> c.error("softmax_precision " + code
                    + " is not a floating-point type (float, double, float16, bfloat16)"));
        }
        Output<?> x = Tf.cast(c, biased, precision);
        if (!masked) {
            return Tf.cast(c, op(c, "Softmax", x), type);
        }
        Output<?> rowMax = Tf.reduce(c, "Max", x, c.int32s(-1), true);
        Output<?> empty = op(c, "BroadcastTo", op(c, "Equal", rowMax, c.scalar(Double.NEGATIVE_INFINITY, precision)), Tf.shape(c, x));
        Output<?> zeros = op(c, "ZerosLike", x);
        Output<?> p = op(c, "Softmax", op(c, "SelectV2", empty, zeros, x));
        return Tf.cast(c, op(c, "SelectV2", empty, zeros, p), type);
    }

    /** The static length of an axis, or −1 when TensorFlow does not know it. */
    private static long staticDim(Output<?> x, int axis) {
        Shape shape = x.shape();
        return shape.isUnknown() || axis >= shape.numDimensions() ? -1 : shape.size(axis);
    }
}
