package dev.rsr.tensorflow.ops;

import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Node;
import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;

/**
 * 1-D convolution, transposed convolution and pooling ({@code [N, C, W]}) as the 2-D converters over {@code [N, C, 1, W]}:
 * the spatial inputs gain a unit height, the spatial attributes a leading 1 (pads a 0 at each
 * end), and the outputs lose the height again. One implementation, and its gradients, serves both.
 */
final class OneDimensional {
    private OneDimensional() {
    }

    /** {@code twoD} for rank-4 and higher inputs, and lifted for rank-3 ones; {@code spatialInputs} leading inputs carry the width. */
    static OpConverter lifting(OpConverter twoD, int spatialInputs) {
        return c -> {
            if (c.rank(c.input(0)) != 3) {
                return twoD.convert(c);
            }
            List<Output<?>> outs = twoD.convert(new Lifted(c, spatialInputs));
            List<Output<?>> flat = new ArrayList<>();
            for (Output<?> o : outs) {
                flat.add(o == null ? null : Tf.builder(c, "Squeeze", o).setAttr("squeeze_dims", new long[] {2}).build().output(0));
            }
            return flat;
        };
    }

    /** The node with each spatial attribute lifted to two dimensions. */
    private static Node lifted(Node n) {
        Map<String, Attribute> attributes = new LinkedHashMap<>(n.attributes());
        for (String name : List.of("kernel_shape", "strides", "dilations")) {
            n.attribute(name).ifPresent(a -> attributes.put(name, Attribute.ofInts(name, 1, a.asInts()[0])));
        }
        n.attribute("pads").ifPresent(a -> attributes.put("pads", Attribute.ofInts("pads", 0, a.asInts()[0], 0, a.asInts()[1])));
        // ConvTranspose's: output_padding gains a 0, output_shape a unit height.
        n.attribute("output_padding").ifPresent(a -> attributes.put("output_padding", Attribute.ofInts("output_padding", 0, a.asInts()[0])));
        n.attribute("output_shape").ifPresent(a -> attributes.put("output_shape",
                Attribute.ofInts("output_shape", 1, a.asInts()[a.asInts().length - 1])));
        return new Node(n.name(), n.opType(), n.domain(), n.inputs(), n.outputs(), attributes);
    }

    private static final class Lifted implements ConversionContext {
        private final ConversionContext c;
        private final Node node;
        private final int spatialInputs;
        private final Map<Integer, Output<?>> expanded = new LinkedHashMap<>();

        Lifted(ConversionContext c, int spatialInputs) {
            this.c = c;
            this.node = lifted(c.node());
            this.spatialInputs = spatialInputs;
        }

        @Override
        public Node node() {
            return node;
        }

        @Override
        public long opset() {
            return c.opset();
        }

        @Override
        public Ops tf() {
            return c.tf();
        }

        @Override
        public Output<?> input(int i) {
            if (i >= spatialInputs) {
                return c.input(i);
            }
            return expanded.computeIfAbsent(i, k -> Tf.op(c, "ExpandDims", c.input(k), c.scalar(2, DataType.INT32)));
        }

        @Override
        public boolean hasInput(int i) {
            return c.hasInput(i);
        }

        @Override
        public Optional<TensorData> constantInput(int i) {
            return i < spatialInputs ? Optional.empty() : c.constantInput(i);
        }

        @Override
        public OperationBuilder op(String tfOpType) {
            return c.op(tfOpType);
        }

        @Override
        public Output<?> constant(TensorData value) {
            return c.constant(value);
        }

        @Override
        public Output<?> scalar(double value, DataType type) {
            return c.scalar(value, type);
        }

        @Override
        public DataType typeOf(Output<?> value) {
            return c.typeOf(value);
        }

        @Override
        public int rank(Output<?> value) {
            return c.rank(value);
        }
    }
}
