package dev.rsr.engine;

import dev.rsr.error.DataException;
import dev.rsr.ir.TensorData;
import dev.rsr.training.Batch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Labelled examples of any classifier: each example is the model's inputs by name, without the
 * batch dimension, and a class id. Batches stack the examples along a new leading dimension.
 *
 * @param inputs  one map of named input tensors per example; every example has the same names and shapes
 * @param classes each example's class id
 */
public record TensorExamples(List<Map<String, TensorData>> inputs, long[] classes) implements ExampleSet {
    /**
     * Copies the lists and checks that the examples agree with each other.
     *
     * @throws DataException when the counts differ or an example's names or shapes differ from the first's
     */
    public TensorExamples {
        inputs = inputs.stream().map(m -> java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m))).toList();
        classes = classes.clone();
        if (inputs.size() != classes.length) {
            throw new DataException(inputs.size() + " examples but " + classes.length + " class ids");
        }
        for (int i = 1; i < inputs.size(); i++) {
            if (!inputs.get(i).keySet().equals(inputs.get(0).keySet())) {
                throw new DataException("example " + i + " has inputs " + inputs.get(i).keySet() + ", example 0 "
                        + inputs.get(0).keySet());
            }
            for (Map.Entry<String, TensorData> e : inputs.get(i).entrySet()) {
                TensorData first = inputs.get(0).get(e.getKey());
                if (!Arrays.equals(e.getValue().shape(), first.shape()) || e.getValue().type() != first.type()) {
                    throw new DataException("example " + i + " input '" + e.getKey() + "' is " + e.getValue().type()
                            + Arrays.toString(e.getValue().shape()) + ", example 0's " + first.type() + Arrays.toString(first.shape()));
                }
            }
        }
    }

    @Override
    public int size() {
        return classes.length;
    }

    @Override
    public Batch batch(int[] indices) {
        Map<String, TensorData> batch = new LinkedHashMap<>();
        for (String name : inputs.get(0).keySet()) {
            List<TensorData> rows = new ArrayList<>(indices.length);
            for (int i : indices) {
                rows.add(inputs.get(i).get(name));
            }
            batch.put(name, TensorData.stack(rows));
        }
        long[] labels = new long[indices.length];
        for (int r = 0; r < indices.length; r++) {
            labels[r] = classes[indices[r]];
        }
        return new Batch(batch, TensorData.ofLongs(new long[] {indices.length}, labels));
    }
}
