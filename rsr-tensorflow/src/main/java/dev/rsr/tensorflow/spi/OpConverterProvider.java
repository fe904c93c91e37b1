package dev.rsr.tensorflow.spi;

import dev.rsr.spi.NamedProvider;
import java.util.Map;

/**
 * A set of {@link OpConverter}s, found through {@link java.util.ServiceLoader}: how third
 * parties add ops to the TensorFlow backend. Two providers may not convert the same op.
 */
public interface OpConverterProvider extends NamedProvider {

    /** Converters by ONNX op type (default domain), or {@code domain.OpType} for other domains. */
    Map<String, OpConverter> converters();
}
