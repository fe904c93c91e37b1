package dev.rsr.tensorflow.spi;

import java.util.List;
import org.tensorflow.Output;

/**
 * Turns one ONNX node into TensorFlow ops with the same semantics. Returns one output per node
 * output, in order (null for an optional output that is not produced). Must throw, through
 * {@link ConversionContext#error}, for attribute values it does not support, never build a
 * graph with different semantics.
 */
@FunctionalInterface
public interface OpConverter {
    List<Output<?>> convert(ConversionContext ctx);
}
