package dev.rsr.ir.builder;

import dev.rsr.ir.TensorData;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Deterministic parameter initializers. Each parameter draws from its own stream, seeded by the
 * model seed and the parameter's name, so a value does not depend on the order parameters are
 * created in, and adding a layer leaves the others unchanged.
 */
public final class ParameterInit {
    private ParameterInit() {
    }

    /** Glorot/Xavier uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)). */
    public static TensorData xavierUniform(long seed, String name, long[] shape, long fanIn, long fanOut) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        SplittableRandom random = stream(seed, name);
        float[] values = new float[count(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
        return TensorData.ofFloats(shape, values);
    }

    /** Normal(0, std), as BERT-style models initialize embeddings. */
    public static TensorData normal(long seed, String name, long[] shape, double std) {
        SplittableRandom random = stream(seed, name);
        float[] values = new float[count(shape)];
        for (int i = 0; i < values.length; i += 2) {
            // Box-Muller gives two independent normals per pair of uniforms.
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u1)) * std;
            values[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < values.length) {
                values[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return TensorData.ofFloats(shape, values);
    }

    public static TensorData constant(long[] shape, float value) {
        float[] values = new float[count(shape)];
        Arrays.fill(values, value);
        return TensorData.ofFloats(shape, values);
    }

    /**
     * Fresh values for every floating-point parameter of a model whose parameters follow the
     * builder's naming: {@code *.scale} ones, {@code *.bias} zeros, {@code embeddings.*} normal(0,
     * 0.02), other rank-2 {@code *.weight} Glorot uniform. For a model the builder made with this
     * seed, the result equals its initial weights: the "random initialization" baseline of a
     * pretrained encoder, same architecture and tokenizer.
     *
     * @throws IllegalArgumentException naming a parameter that follows none of these patterns
     */
    public static java.util.Map<String, TensorData> reinitialize(dev.rsr.ir.ModelGraph model, long seed) {
        java.util.Map<String, TensorData> fresh = new java.util.LinkedHashMap<>();
        model.graph().initializers().forEach((name, t) -> {
            if (!t.type().isFloatingPoint()) {
                return;
            }
            long[] shape = t.shape();
            TensorData value;
            if (name.endsWith(".scale")) {
                value = constant(shape, 1f);
            } else if (name.endsWith(".bias")) {
                value = constant(shape, 0f);
            } else if (name.startsWith("embeddings.") && name.endsWith(".weight")) {
                value = normal(seed, name, shape, 0.02);
            } else if (name.endsWith(".weight") && shape.length == 2) {
                value = xavierUniform(seed, name, shape, shape[0], shape[1]);
            } else {
                throw new IllegalArgumentException("parameter '" + name + "' does not follow the zoo's naming; cannot re-initialize it");
            }
            fresh.put(name, value);
        });
        return fresh;
    }

    private static int count(long[] shape) {
        return (int) TensorData.elementCount(shape);
    }

    private static SplittableRandom stream(long seed, String name) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001B3L;
        }
        return new SplittableRandom(h);
    }
}
