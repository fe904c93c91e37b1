package dev.rsr.testkit;

import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.spi.ModulePartitioner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A {@link ModulePartitioner.Input} over a model held in memory. Probe gradients are made up
 * rather than computed: each trainable parameter gets a gradient scale of its own (from about
 * {@code 1e-4} to {@code 1e-1}, so parameters differ as they do in a real model) and each batch
 * Gaussian values at that scale; or all zeros. Either way the same input gives the same
 * gradients, batch by batch, however often and in whatever counts they are asked for, as the
 * engine's cached probe does.
 */
public final class TestPartitionInput implements ModulePartitioner.Input {
    private final ModelGraph model;
    private final List<String> trainable;
    private final Set<String> fresh;
    private final long seed;
    private final boolean zero;
    private final List<Map<String, TensorData>> batches = new ArrayList<>();
    private int requested;

    private TestPartitionInput(ModelGraph model, List<String> trainable, Set<String> fresh, long seed, boolean zero) {
        this.model = model;
        this.trainable = List.copyOf(trainable);
        this.fresh = Set.copyOf(fresh);
        this.seed = seed;
        this.zero = zero;
        for (String p : trainable) {
            TensorData t = model.graph().initializers().get(p);
            if (t == null || !t.type().isFloatingPoint()) {
                throw new IllegalArgumentException("trainable parameter '" + p + "' is not a floating-point initializer of the model");
            }
        }
    }

    /** An input over {@code model} with gradients drawn from {@code seed}. */
    public static TestPartitionInput of(ModelGraph model, List<String> trainable, Set<String> fresh, long seed) {
        return new TestPartitionInput(model, trainable, fresh, seed, false);
    }

    /** An input over a tiny model with gradients drawn from {@code seed}. */
    public static TestPartitionInput of(TinyModel tiny, long seed) {
        return of(tiny.model(), tiny.trainable(), tiny.fresh(), seed);
    }

    /** An input over a tiny model whose gradients are all zero. */
    public static TestPartitionInput zeroGradients(TinyModel tiny) {
        return new TestPartitionInput(tiny.model(), tiny.trainable(), tiny.fresh(), 0, true);
    }

    @Override
    public ModelGraph model() {
        return model;
    }

    @Override
    public List<String> trainable() {
        return trainable;
    }

    @Override
    public Set<String> fresh() {
        return fresh;
    }

    /**
     * The gradients of every trainable parameter on the first {@code count} batches.
     *
     * @throws IllegalArgumentException when {@code count < 1}
     */
    @Override
    public List<Map<String, TensorData>> probeGradients(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("probeGradients needs at least one batch, asked for " + count);
        }
        requested = Math.max(requested, count);
        while (batches.size() < count) {
            batches.add(batch(batches.size()));
        }
        return Collections.unmodifiableList(new ArrayList<>(batches.subList(0, count)));
    }

    /** The most batches asked for so far (0 when the partitioner did not look at gradients). */
    public int batchesRequested() {
        return requested;
    }

    private Map<String, TensorData> batch(int index) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (int p = 0; p < trainable.size(); p++) {
            String name = trainable.get(p);
            long[] shape = model.graph().initializers().get(name).shape();
            float[] g = new float[Math.toIntExact(TensorData.elementCount(shape))];
            if (!zero) {
                double scale = Math.pow(10, new SplittableRandom(seed * 7919 + p).nextDouble(-4, -1));
                SplittableRandom random = new SplittableRandom((seed * 7919 + p) * 104_729 + index);
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) (scale * random.nextGaussian());
                }
            }
            out.put(name, TensorData.ofFloats(shape, g));
        }
        return Collections.unmodifiableMap(out);
    }
}
